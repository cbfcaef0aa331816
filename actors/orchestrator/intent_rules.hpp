#pragma once
// The tables of the intent grammar (actors/orchestrator/intent_grammar.hpp): its rules, the
// slot fillers they name, and the word helpers both the tables and the matcher use.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "actors/orchestrator/intent_grammar.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

/// A list of words or phrases, as written in the tables.
using words = std::vector<std::string_view>;
/// Fills the slots of a matched rule from the command's tokens.
using slot_filler = void (*)(const tokens&, slot_map&);

/// One pattern of the grammar, with its phrases already split into words.
struct rule {
  std::string intent;
  double base = 0.0;
  std::vector<std::vector<phrase>> required; ///< one phrase of each group must occur
  std::vector<phrase> boosts;
  std::vector<phrase> vetoes;
  slot_filler fill = nullptr;
  /// An action (it changes something): a negation cancels it, a question or a status request
  /// about it asks for no action. Read-only intents ("Why is the server slow?") are not.
  bool action = false;
};

/// Every rule of the grammar, in order.
[[nodiscard]] const std::vector<rule>& rules();

/// The phrases of `w`, split into words.
[[nodiscard]] std::vector<phrase> phrases(const words& w);

/// Whether any of `ps` occurs in `t`.
[[nodiscard]] bool contains_any(const tokens& t, const std::vector<phrase>& ps);

/// Position of the first of `ws` at or after `from`, or npos.
[[nodiscard]] std::size_t find_word(const tokens& t, const words& ws, std::size_t from = 0);

/// Skips articles from `i` on.
[[nodiscard]] std::size_t skip_articles(const tokens& t, std::size_t i);

/// Tokens from `i` up to (excluding) the first of `stops` or ",", as written.
[[nodiscard]] std::string phrase_until(const tokens& t, std::size_t i, const words& stops,
                                       std::size_t* end = nullptr);

/// The openings of a "how do I ..." question.
inline const words how_words = {"how do i",    "how can i",         "how to",       "how do you",
                                "how do we",   "how should i",      "how does one", "where do i",
                                "where can i", "what is the way to"};

/// The spellings of "quiz".
inline const words quiz_words = {"quiz", "quizzes", "quizes", "quizz", "quizzs"};

// Slot fillers, one per rule that has slots.
void fill_how_to(const tokens& t, slot_map& s);
void fill_active_users(const tokens& t, slot_map& s);
void fill_diagnose(const tokens& t, slot_map& s);
void fill_deploy(const tokens& t, slot_map& s);
void fill_course(const tokens& t, slot_map& s);
void fill_payment(const tokens& t, slot_map& s);
void fill_feature(const tokens& t, slot_map& s);
void fill_bug(const tokens& t, slot_map& s);
void fill_tests(const tokens& t, slot_map& s);
void fill_rollback(const tokens& t, slot_map& s);
void fill_ban(const tokens& t, slot_map& s);
void fill_scale(const tokens& t, slot_map& s);
void fill_delete(const tokens& t, slot_map& s);

} // namespace aetherial::actors::orchestrator
