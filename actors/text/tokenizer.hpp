#pragma once
// Tokenizing and normalizing text: lowercase words, a light English stemmer, sentences.
//
// Words are runs of letters and digits (ASCII, and every non-ASCII UTF-8 character that is
// not punctuation); an apostrophe inside a word is dropped ("didn't" -> "didnt"). ASCII and
// Latin-1 capitals are lowercased. Pure functions, no locale: the same text gives the same
// tokens on every machine.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace aetherial::actors::text {

/// Longest text looked at (bytes); the rest of a longer text is ignored.
inline constexpr std::size_t max_text_bytes = 64 * 1024;

/// Longest word kept (bytes); longer runs are not words (hashes, base64) and are skipped.
inline constexpr std::size_t max_word_bytes = 40;

/// The lowercase words of `text`, in order.
[[nodiscard]] std::vector<std::string> words(std::string_view text);

/// A light English suffix stripper: plurals, -ing, -ed, -ation, a final e
/// ("courses", "creating", "creation", "create" -> "cours", "creat", "creat", "creat").
/// Words with non-ASCII letters are returned unchanged.
[[nodiscard]] std::string stem(std::string_view word);

/// The words of a text reduced to index terms: stopwords dropped, stemmed.
[[nodiscard]] std::vector<std::string> terms(std::string_view text);

/// Term -> count.
using term_counts = std::map<std::string, std::uint32_t>;

/// Counts of `terms(text)`.
[[nodiscard]] term_counts count_terms(std::string_view text);

/// Terms of a text with, for each term, the word it most often came from (ties: the shortest,
/// then the first in byte order), so keywords can be shown as words rather than stems.
struct analyzed_text {
  term_counts counts;
  std::map<std::string, std::string> surface;
  std::size_t words = 0; ///< words before stopword removal
};

/// Analyzes `text` into terms and their surface words.
[[nodiscard]] analyzed_text analyze(std::string_view text);

/// The sentences of `text`, trimmed: split after '.', '!' or '?' followed by a space or the
/// end, and at line breaks.
[[nodiscard]] std::vector<std::string> sentences(std::string_view text);

/// `text` cut to at most `max_bytes` at a word boundary (and never inside a UTF-8
/// character), with "..." appended when cut.
[[nodiscard]] std::string clip(std::string_view text, std::size_t max_bytes);

/// True if `phrase` occurs as a contiguous run of `haystack`.
[[nodiscard]] bool contains_sequence(const std::vector<std::string>& haystack,
                                     const std::vector<std::string>& phrase);

} // namespace aetherial::actors::text
