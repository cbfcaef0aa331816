#include "actors/support/config.hpp"

#include "actors/text/format.hpp"

namespace aetherial::actors::support {

std::vector<std::string> default_money_words() {
  return {"bill",         "billing",     "card",    "charge",   "charged", "cost",
          "credit",       "fee",         "invoice", "money",    "paid",    "pay",
          "payment",      "price",       "pricing", "purchase", "receipt", "refund",
          "subscription", "transaction", "wallet",  "debit"};
}

support_config config_from(const agent_settings& settings) {
  support_config cfg;
  auto get = [&](const char* key) -> const std::string* {
    const auto it = settings.find(std::string("support.") + key);
    return it == settings.end() ? nullptr : &it->second;
  };
  if (const auto* v = get("low_confidence"))
    cfg.low_confidence = text::parse_double(*v, cfg.low_confidence);
  if (const auto* v = get("negative_sentiment"))
    cfg.negative_sentiment = text::parse_double(*v, cfg.negative_sentiment);
  if (const auto* v = get("max_conversations"))
    cfg.max_conversations =
        static_cast<std::size_t>(text::parse_unsigned(*v, cfg.max_conversations));
  if (const auto* v = get("money_words")) {
    std::string word;
    for (char c : *v + ",") {
      if (c == ',') {
        if (!word.empty()) cfg.money_words.push_back(word);
        word.clear();
      } else if (c != ' ') {
        word += c;
      }
    }
  }
  if (cfg.max_conversations == 0) cfg.max_conversations = 1;
  return cfg;
}

} // namespace aetherial::actors::support
