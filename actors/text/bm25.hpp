#pragma once
// Okapi BM25 over a changing set of documents: the retrieval behind the knowledge base.
//
// score(d, q) = sum over query terms t of w(t) * idf(t) * tf(t,d) * (k1 + 1) /
//               (tf(t,d) + k1 * (1 - b + b * |d| / avgdl)),
// idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))   (Lucene's non-negative variant).
// Documents and postings are ordered maps and scores are summed in term order, so ranking
// is the same on every run; equal scores rank by document id.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::text {

/// Query term -> weight (1 for a term of the question, less for context terms).
using weighted_query = std::map<std::string, double>;

/// BM25 parameters, with the usual defaults.
struct bm25_params {
  double k1 = 1.2; ///< term-frequency saturation
  double b = 0.75; ///< length normalization (0 = none, 1 = full)
};

/// One ranked document.
struct bm25_hit {
  std::string id;
  double score = 0.0;
};

/// An inverted index over documents given as term counts; owned by whoever keeps the corpus.
class bm25_index {
public:
  explicit bm25_index(bm25_params params = {}) : params_(params) {}

  /// Adds or replaces the document `id`.
  void put(const std::string& id, const term_counts& counts);

  /// Removes the document `id` (nothing if absent).
  void erase(const std::string& id);

  /// Up to `limit` documents with a positive score, best first, ties by id.
  [[nodiscard]] std::vector<bm25_hit> search(const weighted_query& query, std::size_t limit) const;

  /// BM25 score of one document (0 if absent).
  [[nodiscard]] double score(const weighted_query& query, const std::string& id) const;

  /// Inverse document frequency of a term (the highest value for an unseen term).
  [[nodiscard]] double idf(const std::string& term) const;

  /// Share of the query's idf-weighted mass that document `id` contains, 0..1: how much of
  /// the question the document speaks to. Query terms the corpus has never seen count fully
  /// against it.
  [[nodiscard]] double coverage(const weighted_query& query, const std::string& id) const;

  [[nodiscard]] std::size_t size() const noexcept { return docs_.size(); }
  [[nodiscard]] bool contains(const std::string& id) const { return docs_.count(id) != 0; }
  /// Term counts of a document, or nullptr.
  [[nodiscard]] const term_counts* document(const std::string& id) const;

private:
  struct doc_entry {
    term_counts counts;
    std::uint64_t length = 0;
  };
  [[nodiscard]] double term_score(double idf_value, std::uint32_t tf, std::uint64_t length) const;

  bm25_params params_;
  std::map<std::string, doc_entry> docs_;
  std::map<std::string, std::map<std::string, std::uint32_t>> postings_; ///< term -> doc -> tf
  std::uint64_t total_length_ = 0;
};

} // namespace aetherial::actors::text
