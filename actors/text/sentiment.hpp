#pragma once
// Lexicon-based sentiment of short English texts, in the manner of VADER: word valences
// (-4..4), negation within the three preceding words flips and dampens (× -0.74), an
// intensifier right before ("very", "really", ...) amplifies (× 1.5), and the sum s is
// squashed to s / sqrt(s² + 15) in (-1, 1).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aetherial::actors::text {

/// The sentiment of one text.
struct sentiment {
  double score = 0.0;       ///< -1 (very negative) .. 1 (very positive), 0 neutral or unknown
  std::size_t positive = 0; ///< words with a positive contribution
  std::size_t negative = 0; ///< words with a negative contribution
};

/// Sentiment of `text`.
[[nodiscard]] sentiment sentiment_of(std::string_view text);

/// Sentiment of already tokenized words (as `words()` returns them).
[[nodiscard]] sentiment sentiment_of_words(const std::vector<std::string>& words);

/// Valence of a single lowercase word in the lexicon, 0 if absent.
[[nodiscard]] double valence(std::string_view word) noexcept;

} // namespace aetherial::actors::text
