#include "actors/support/config.hpp"

#include <algorithm>
#include <iterator>

#include "actors/kit/settings.hpp"

namespace aetherial::actors::support {

std::vector<std::string> default_money_words() {
  return {"bill",         "billing",     "card",    "charge",   "charged", "cost",
          "credit",       "fee",         "invoice", "money",    "paid",    "pay",
          "payment",      "price",       "pricing", "purchase", "receipt", "refund",
          "subscription", "transaction", "wallet",  "debit"};
}

namespace {

void read_config(kit::settings_reader& r, support_config& cfg) {
  r.read("low_confidence", cfg.low_confidence);
  r.read("negative_sentiment", cfg.negative_sentiment);
  r.read("conversation_idle_ms", cfg.conversation_idle_ms);
  r.read("reply_ttl_ms", cfg.reply_ttl_ms);
  cfg.conversation_idle_ms = std::max<std::int64_t>(cfg.conversation_idle_ms, 0);
  cfg.reply_ttl_ms = std::max<std::int64_t>(cfg.reply_ttl_ms, 0);
  // Added to the defaults; spaces are dropped (money words are single words).
  r.append_list("money_words", cfg.money_words, [](std::string_view text) {
    std::string word;
    std::remove_copy(text.begin(), text.end(), std::back_inserter(word), ' ');
    return word;
  });
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(support_config, config_from, read_config)

} // namespace aetherial::actors::support
