#include "actors/text/naive_bayes.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "actors/text/tfidf.hpp"

namespace aetherial::actors::text {

void naive_bayes::learn(const std::string& label, const term_counts& doc) {
  auto& c = classes[label];
  ++c.documents;
  for (const auto& [t, n] : doc) {
    c.terms[t] += n;
    c.tokens += n;
    vocabulary[t] += n;
  }
}

void naive_bayes::unlearn(const std::string& label, const term_counts& doc) {
  const auto it = classes.find(label);
  if (it == classes.end()) return;
  auto& c = it->second;
  if (c.documents > 0) --c.documents;
  for (const auto& [t, n] : doc) {
    const auto ct = c.terms.find(t);
    if (ct == c.terms.end()) continue;
    const std::uint32_t removed = std::min(n, ct->second);
    ct->second -= removed;
    c.tokens -= std::min<std::uint64_t>(c.tokens, removed);
    if (ct->second == 0) c.terms.erase(ct);
    const auto v = vocabulary.find(t);
    if (v != vocabulary.end()) {
      v->second -= std::min(v->second, removed);
      if (v->second == 0) vocabulary.erase(v);
    }
  }
  if (c.documents == 0 && c.terms.empty()) classes.erase(it);
}

std::uint64_t naive_bayes::documents() const {
  std::uint64_t n = 0;
  for (const auto& [label, c] : classes)
    n += c.documents;
  return n;
}

std::uint64_t naive_bayes::documents(const std::string& label) const {
  const auto it = classes.find(label);
  return it == classes.end() ? 0 : it->second.documents;
}

std::map<std::string, double> naive_bayes::posterior(const term_counts& doc, double alpha) const {
  std::map<std::string, double> out;
  if (classes.empty()) return out;
  const double total_docs = static_cast<double>(documents());
  const double n_classes = static_cast<double>(classes.size());
  const double v = static_cast<double>(std::max<std::size_t>(1, vocabulary.size()));
  std::map<std::string, double> log_p;
  double top = -1e300;
  for (const auto& [label, c] : classes) {
    double lp = std::log((static_cast<double>(c.documents) + 1.0) / (total_docs + n_classes));
    const double denominator = std::log(static_cast<double>(c.tokens) + alpha * v);
    for (const auto& [t, n] : doc) {
      if (vocabulary.count(t) == 0) continue;
      const auto ct = c.terms.find(t);
      const double count = ct == c.terms.end() ? 0.0 : static_cast<double>(ct->second);
      lp += static_cast<double>(n) * (std::log(count + alpha) - denominator);
    }
    log_p[label] = lp;
    top = std::max(top, lp);
  }
  double z = 0.0;
  for (const auto& [label, lp] : log_p)
    z += std::exp(lp - top);
  for (const auto& [label, lp] : log_p)
    out[label] = std::exp(lp - top) / z;
  return out;
}

void naive_bayes::bound(std::size_t max_terms) {
  for (const auto& t : rarest_terms(vocabulary, max_terms)) {
    for (auto& [label, c] : classes) {
      const auto ct = c.terms.find(t);
      if (ct == c.terms.end()) continue;
      c.tokens -= std::min<std::uint64_t>(c.tokens, ct->second);
      c.terms.erase(ct);
    }
    vocabulary.erase(t);
  }
}

} // namespace aetherial::actors::text
