#pragma once
// Text handling of the Orchestrator: tokenizing commands, matching phrases, formatting
// numbers (by actors/kit/format.hpp). Owned by actors/orchestrator; pure functions.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "actors/kit/format.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::actors::orchestrator {

/// One word of a command: its matching form and its original spelling.
struct token {
  std::string norm; ///< ASCII-lowercased, apostrophes removed ("today's" -> "todays"); "," for
                    ///< a list separator (",", ";", ":")
  std::string orig; ///< as written, apostrophes kept ("AI", "today's")
};

/// The tokens of a command.
using tokens = std::vector<token>;

/// Splits `text` into words: ASCII letters and digits and any non-ASCII byte form words,
/// apostrophes inside a word are dropped from the matching form, a decimal point between digits
/// stays ("2.3"), list punctuation becomes a
/// "," token, everything else separates. The same text always gives the same tokens.
[[nodiscard]] tokens tokenize(std::string_view text);

/// A phrase to match: words already normalized ("active users" -> {"active", "users"}).
using phrase = std::vector<std::string>;

/// Splits a space-separated phrase into its words.
[[nodiscard]] phrase make_phrase(std::string_view words);

/// Position of the first occurrence of `p` in `t` at or after `from`, or npos.
[[nodiscard]] std::size_t find_phrase(const tokens& t, const phrase& p, std::size_t from = 0);

/// The original spelling of tokens [begin, end), joined by single spaces; "," tokens are
/// written as ", " without a space before them.
[[nodiscard]] std::string join_orig(const tokens& t, std::size_t begin, std::size_t end);

/// Whether `word` is one of `words`.
[[nodiscard]] bool one_of(std::string_view word, const std::vector<std::string_view>& words);

/// The first `max_bytes` of `s`, cut back to a UTF-8 character boundary.
[[nodiscard]] std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

// Numbers are written by the kit's formatter, the same for every agent.
using kit::fixed;
using kit::integer;

/// The items joined by `sep`.
[[nodiscard]] std::string joined(const std::vector<std::string>& items,
                                 std::string_view sep = ", ");

/// `tmpl` with every "{name}" replaced by the value of `name` in `values` (kept as written when
/// it has none), and every optional part "{ of $name}" replaced by its text with "$name" as the
/// value, or by nothing when `name` has no value.
[[nodiscard]] std::string render(const std::string& tmpl,
                                 const std::map<std::string, std::string>& values);

/// "operations" -> "Operations".
[[nodiscard]] std::string capitalized(std::string_view s);

/// The string's text, or empty for a missing field.
using kit::view;

} // namespace aetherial::actors::orchestrator
