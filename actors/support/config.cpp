#include "actors/support/config.hpp"

#include "actors/kit/settings.hpp"

namespace aetherial::actors::support {

std::vector<std::string> default_money_words() {
  return {"bill",         "billing",     "card",    "charge",   "charged", "cost",
          "credit",       "fee",         "invoice", "money",    "paid",    "pay",
          "payment",      "price",       "pricing", "purchase", "receipt", "refund",
          "subscription", "transaction", "wallet",  "debit"};
}

namespace {

support_config read_config(kit::settings_reader& r) {
  support_config cfg;
  cfg.low_confidence = r.get_double("low_confidence", cfg.low_confidence);
  cfg.negative_sentiment = r.get_double("negative_sentiment", cfg.negative_sentiment);
  cfg.max_conversations = r.get_integer<std::size_t>("max_conversations", cfg.max_conversations);
  if (cfg.max_conversations == 0) cfg.max_conversations = 1;
  // Added to the defaults; spaces are dropped (money words are single words).
  std::string word;
  for (char c : r.get_string("money_words", "") + ",") {
    if (c == ',') {
      if (!word.empty()) cfg.money_words.push_back(word);
      word.clear();
    } else if (c != ' ') {
      word += c;
    }
  }
  return cfg;
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(support_config, config_from, read_config)

} // namespace aetherial::actors::support
