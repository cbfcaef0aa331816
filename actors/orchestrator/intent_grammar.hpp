#pragma once
// The Orchestrator's deterministic intent grammar: keyword and phrase patterns with slots.
//
// A rule names an intent, a base confidence, groups of phrases of which one each must occur,
// phrases that raise confidence, and phrases that veto it (a "how do I ..." question is not
// the action it asks about). Confidence is the base, +0.05 per boost phrase found, -0.02 per
// word beyond 12 (a keyword lost in a long text proves less), clamped to [0, 0.98]. The best
// rule wins, ties by rule order; nothing matching gives `unknown_intent` with confidence 0.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

/// The intent of a command no rule understands: answered through a language-model effect.
inline constexpr std::string_view unknown_intent = "general.ask";

/// Slots filled from a command ("topic" -> "AI", "environment" -> "production").
using slot_map = std::map<std::string, std::string>;

/// How a command speaks of the action its intent names.
enum class command_kind {
  positive, ///< asks for it ("Deploy web to production", "Can you deploy web?")
  negated,  ///< says not to ("Do not deploy to production", "No deploy today")
  question, ///< asks about it ("Did yesterday's deploy break anything?")
  status,   ///< asks for its state ("Show me the deployment status")
};

/// "positive", "negated", "question", "status".
[[nodiscard]] std::string_view command_kind_name(command_kind k);

/// What the grammar understood of one command.
struct intent_match {
  std::string intent = std::string(unknown_intent); ///< "analytics.active_users", ...
  double confidence = 0.0;                          ///< 0..1
  slot_map slots;
  /// Only action intents (a deploy, a rollback, a course, ...) are ever other than positive; a
  /// question or status request about a deploy becomes `development.deploy_status`.
  command_kind kind = command_kind::positive;
};

/// Classifies a command and fills its slots; `question_mark` says the text ends in "?".
[[nodiscard]] intent_match parse_intent(const tokens& t, bool question_mark = false);

/// Tokenizes `text` and classifies it, a trailing "?" included.
[[nodiscard]] intent_match parse_command(std::string_view text);

/// Every intent the grammar can produce (besides `unknown_intent`), in rule order.
[[nodiscard]] std::vector<std::string> grammar_intents();

/// "Yes", "Yes, and add quizzes", "Sounds good", "Go ahead".
[[nodiscard]] bool is_confirmation(const tokens& t);

/// "No", "Cancel", "Never mind" (short texts only: "No, cover history" names topics).
[[nodiscard]] bool is_decline(const tokens& t);

/// true for "with quizzes", false for "no quizzes" / "without quizzes", nullopt if unsaid.
[[nodiscard]] std::optional<bool> quizzes_wanted(const tokens& t);

/// The topics a dialogue turn names: "Cover neural networks, ethics and history" ->
/// {"neural networks", "ethics", "history"}; a leading "no", "cover", "topics:" is skipped.
[[nodiscard]] std::vector<std::string> topics_named(const tokens& t);

/// Whether the command says it is urgent ("urgent", "asap", "immediately", "right now").
[[nodiscard]] bool is_urgent(const tokens& t);

} // namespace aetherial::actors::orchestrator
