#pragma once
// Stopwords: function words that carry no topic (English first, and the commonest of the other
// built-in languages), dropped from index terms and keywords.

#include <string_view>

namespace aetherial::actors::text {

/// True if `word` (lowercase, apostrophes removed) is a stopword.
[[nodiscard]] bool is_stopword(std::string_view word) noexcept;

} // namespace aetherial::actors::text
