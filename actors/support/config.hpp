#pragma once
// Every threshold of the User Support agent, each documented beside its default.
// Owned by actors/support; copied into an agent when it is created and never changed while
// the agent lives. Config is not state: it is not part of a snapshot.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "actors/text/knowledge_base.hpp"

namespace aetherial::actors::support {

/// Words that make a message a money matter (payments, refunds, billing), before stemming.
[[nodiscard]] std::vector<std::string> default_money_words();

/// Configuration of the User Support agent.
struct support_config {
  text::kb_limits knowledge_base; ///< article caps (2000 articles, 32 KiB bodies)

  /// An answer whose best article covers less of the question than this (idf-weighted share
  /// of its terms, 0..1) is escalated with reason "low_confidence". Key "support.low_confidence".
  double low_confidence = 0.5;
  /// A message with a lexicon sentiment at or below this (-1..1) is escalated with reason
  /// "negative_sentiment". Key "support.negative_sentiment".
  double negative_sentiment = -0.4;
  /// ... as is a conversation whose kept turns (at least 2) average at or below this.
  double conversation_negative = -0.25;
  /// Money words (stemmed when the agent is made); any of them escalates with reason
  /// "money". Key "support.money_words" (comma-separated) adds to the defaults.
  std::vector<std::string> money_words = default_money_words();

  std::size_t max_turns = 6; ///< turns of short-term memory kept per conversation
  /// Weight of earlier turns' terms when ranking the articles that speak to a follow-up
  /// ("what are the limits?" after a question about courses); 0 disables context.
  double context_weight = 0.5;
  /// A conversation idle this long is forgotten (its row expires). Key
  /// "support.conversation_idle_ms".
  std::int64_t conversation_idle_ms = 24 * 3'600'000;
  /// A reply is remembered this long (reply id -> article) so that a thumbs up/down on it
  /// reaches its article. Key "support.reply_ttl_ms".
  std::int64_t reply_ttl_ms = 7 * 24 * 3'600'000LL;

  std::size_t candidates = 10;           ///< BM25 hits re-ranked with feedback
  std::size_t answer_sentences = 2;      ///< sentences of the best article quoted in an answer
  std::size_t answer_max_bytes = 600;    ///< longest quoted passage
  std::size_t max_turn_text_bytes = 500; ///< longest message text kept in a turn
};

/// Name of the agent kind: the prefix of its settings ("<kind>.<name>") and the emitter name
/// in derived event ids.
inline constexpr std::string_view kind_name = "support";

/// The config from deployment settings ("support.<key>"); malformed values keep their
/// defaults (`check_settings` reports them).
[[nodiscard]] support_config config_from(const agent_settings& settings);

/// Bad values and unknown keys among the "support." settings; empty when they are fine.
[[nodiscard]] std::vector<std::string> check_settings(const agent_settings& settings);

} // namespace aetherial::actors::support
