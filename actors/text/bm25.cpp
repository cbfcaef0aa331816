#include "actors/text/bm25.hpp"

#include <algorithm>
#include <cmath>

namespace aetherial::actors::text {

void bm25_index::put(const std::string& id, const term_counts& counts) {
  erase(id);
  doc_entry d;
  d.counts = counts;
  for (const auto& [t, n] : counts) {
    d.length += n;
    postings_[t][id] = n;
  }
  total_length_ += d.length;
  docs_.emplace(id, std::move(d));
}

void bm25_index::erase(const std::string& id) {
  const auto it = docs_.find(id);
  if (it == docs_.end()) return;
  for (const auto& [t, n] : it->second.counts) {
    const auto p = postings_.find(t);
    if (p == postings_.end()) continue;
    p->second.erase(id);
    if (p->second.empty()) postings_.erase(p);
  }
  total_length_ -= it->second.length;
  docs_.erase(it);
}

double bm25_index::idf(const std::string& term) const {
  const auto p = postings_.find(term);
  const double df = p == postings_.end() ? 0.0 : static_cast<double>(p->second.size());
  const double n = static_cast<double>(docs_.size());
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

double bm25_index::term_score(double idf_value, std::uint32_t tf, std::uint64_t length) const {
  const double avgdl =
      docs_.empty() ? 1.0 : std::max(1.0, static_cast<double>(total_length_) / docs_.size());
  const double f = static_cast<double>(tf);
  const double norm =
      params_.k1 * (1.0 - params_.b + params_.b * static_cast<double>(length) / avgdl);
  return idf_value * f * (params_.k1 + 1.0) / (f + norm);
}

std::vector<bm25_hit> bm25_index::search(const weighted_query& query, std::size_t limit) const {
  std::map<std::string, double> scores;
  for (const auto& [t, w] : query) {
    if (!(w > 0.0)) continue;
    const auto p = postings_.find(t);
    if (p == postings_.end()) continue;
    const double i = idf(t);
    for (const auto& [id, tf] : p->second)
      scores[id] += w * term_score(i, tf, docs_.at(id).length);
  }
  std::vector<bm25_hit> hits;
  for (const auto& [id, s] : scores)
    if (s > 0.0) hits.push_back({id, s});
  std::stable_sort(hits.begin(), hits.end(),
                   [](const bm25_hit& a, const bm25_hit& b) { return a.score > b.score; });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

double bm25_index::score(const weighted_query& query, const std::string& id) const {
  const auto d = docs_.find(id);
  if (d == docs_.end()) return 0.0;
  double s = 0.0;
  for (const auto& [t, w] : query) {
    const auto c = d->second.counts.find(t);
    if (!(w > 0.0) || c == d->second.counts.end()) continue;
    s += w * term_score(idf(t), c->second, d->second.length);
  }
  return s;
}

double bm25_index::coverage(const weighted_query& query, const std::string& id) const {
  const auto d = docs_.find(id);
  double total = 0.0;
  double covered = 0.0;
  for (const auto& [t, w] : query) {
    if (!(w > 0.0)) continue;
    const double mass = w * idf(t);
    total += mass;
    if (d != docs_.end() && d->second.counts.count(t) != 0) covered += mass;
  }
  return total > 0.0 ? covered / total : 0.0;
}

const term_counts* bm25_index::document(const std::string& id) const {
  const auto d = docs_.find(id);
  return d == docs_.end() ? nullptr : &d->second.counts;
}

} // namespace aetherial::actors::text
