#pragma once
// Language identification by character n-grams (1 to 3 characters, words padded with a
// boundary mark), scored as a naive Bayes model over built-in profiles of English, Spanish,
// French, German, Portuguese and Italian. The profiles are built once, on first use, from
// short sample texts compiled into the library (language_samples.cpp).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aetherial::actors::text {

/// Code of an undetermined language (too little text).
inline constexpr std::string_view undetermined_language = "und";

/// The outcome of language identification.
struct language_guess {
  std::string code = std::string(undetermined_language); ///< ISO 639-1 ("en"), or "und"
  /// Posterior of the best language, 0..1: the per-n-gram mean log-likelihoods, multiplied
  /// by a sharpness of 8, through a softmax over the languages. 0 for "und".
  double confidence = 0.0;
  std::vector<std::pair<std::string, double>> posteriors; ///< every language, by code
};

/// Fewest letters a text needs for a guess.
inline constexpr std::size_t min_language_letters = 8;

/// The language of `text`.
[[nodiscard]] language_guess detect_language(std::string_view text);

/// The codes of the built-in languages, in a fixed order.
[[nodiscard]] std::vector<std::string> known_languages();

/// Display name of a language code ("es" -> "Spanish"); the code itself if unknown.
[[nodiscard]] std::string_view language_name(std::string_view code);

} // namespace aetherial::actors::text
