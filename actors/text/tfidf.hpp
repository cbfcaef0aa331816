#pragma once
// TF-IDF: document frequencies over a stream of documents, keywords of one document, and
// extractive summaries that rank sentences by the TF-IDF weight of their terms.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::text {

/// The terms of `counts` (term -> count) to drop to keep at most `max_terms`: none when within
/// the cap, else the rarest (ties: last in term order first) until 90 % of the cap remain, so
/// that eviction runs rarely and the same counts always keep the same terms.
[[nodiscard]] std::vector<std::string> rarest_terms(const term_counts& counts,
                                                    std::size_t max_terms);

/// How many documents each term occurred in, over every document added so far; bounded by
/// evicting the rarest terms. Owned by the agent state that feeds it.
struct document_frequencies {
  std::uint64_t documents = 0;
  std::map<std::string, std::uint32_t> df;

  /// Counts each term of a document once.
  void add(const term_counts& counts);

  /// Smoothed inverse document frequency, ln((1 + N) / (1 + df)) + 1 (scikit-learn's):
  /// positive, highest for unseen terms.
  [[nodiscard]] double idf(const std::string& term) const;

  /// Keeps at most `max_terms` terms: when over, the rarest are dropped (ties: last in term
  /// order first) until 90 % of the cap remain, so eviction runs rarely and the same inputs
  /// always keep the same terms.
  void bound(std::size_t max_terms);
};

/// A keyword of a document.
struct keyword {
  std::string term; ///< the stem
  std::string word; ///< the word it came from most often
  double weight = 0.0;
};

/// The `k` terms of `doc` with the highest tf × idf (ties by term), skipping terms shorter
/// than `min_length` bytes and numbers.
[[nodiscard]] std::vector<keyword> top_keywords(const analyzed_text& doc,
                                                const document_frequencies& corpus, std::size_t k,
                                                std::size_t min_length = 3);

/// An extractive summary: the `k` sentences of `text` whose terms carry the most TF-IDF
/// weight (each sentence's sum divided by the square root of its length, the first sentence
/// weighted up by 20 %), in their original order, joined by a space and clipped to
/// `max_bytes`. A text of at most `k` sentences is its own summary.
[[nodiscard]] std::string summarize(std::string_view text, const document_frequencies& corpus,
                                    std::size_t k, std::size_t max_bytes);

/// The indices of the `k` best sentences by the rule of summarize, in original order.
[[nodiscard]] std::vector<std::size_t> key_sentences(const std::vector<std::string>& sentences,
                                                     const document_frequencies& corpus,
                                                     std::size_t k);

} // namespace aetherial::actors::text
