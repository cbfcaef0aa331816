#include "actors/text/tfidf.hpp"

#include <algorithm>
#include <cmath>

namespace aetherial::actors::text {

void document_frequencies::add(const term_counts& counts) {
  ++documents;
  for (const auto& [t, n] : counts)
    if (n > 0) ++df[t];
}

double document_frequencies::idf(const std::string& term) const {
  const auto it = df.find(term);
  const double d = it == df.end() ? 0.0 : static_cast<double>(it->second);
  return std::log((1.0 + static_cast<double>(documents)) / (1.0 + d)) + 1.0;
}

std::vector<std::string> rarest_terms(const term_counts& counts, std::size_t max_terms) {
  if (counts.size() <= max_terms) return {};
  std::vector<std::pair<std::uint32_t, const std::string*>> order;
  order.reserve(counts.size());
  for (const auto& [t, n] : counts)
    order.emplace_back(n, &t);
  // Rarest first; among equals, the last term in byte order goes first.
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? (a.first < b.first) : (*a.second > *b.second);
  });
  const std::size_t keep = max_terms - max_terms / 10;
  std::vector<std::string> drop;
  for (std::size_t i = 0; i + keep < order.size(); ++i)
    drop.push_back(*order[i].second);
  return drop;
}

void document_frequencies::bound(std::size_t max_terms) {
  for (const auto& t : rarest_terms(df, max_terms))
    df.erase(t);
}

namespace {

bool is_number(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::vector<keyword> top_keywords(const analyzed_text& doc, const document_frequencies& corpus,
                                  std::size_t k, std::size_t min_length) {
  std::vector<keyword> all;
  for (const auto& [t, n] : doc.counts) {
    if (t.size() < min_length || is_number(t)) continue;
    const auto s = doc.surface.find(t);
    all.push_back(
        {t, s == doc.surface.end() ? t : s->second, static_cast<double>(n) * corpus.idf(t)});
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const keyword& a, const keyword& b) { return a.weight > b.weight; });
  if (all.size() > k) all.resize(k);
  return all;
}

std::vector<std::size_t> key_sentences(const std::vector<std::string>& sents,
                                       const document_frequencies& corpus, std::size_t k) {
  std::vector<std::size_t> picked;
  if (sents.size() <= k) {
    for (std::size_t i = 0; i < sents.size(); ++i)
      picked.push_back(i);
    return picked;
  }
  // Term weights over the whole text: frequency in the text times rarity in the corpus.
  std::vector<term_counts> per_sentence;
  term_counts whole;
  for (const auto& s : sents) {
    per_sentence.push_back(count_terms(s));
    for (const auto& [t, n] : per_sentence.back())
      whole[t] += n;
  }
  std::vector<std::pair<double, std::size_t>> scored;
  for (std::size_t i = 0; i < sents.size(); ++i) {
    double sum = 0.0;
    std::uint32_t len = 0;
    for (const auto& [t, n] : per_sentence[i]) {
      sum += static_cast<double>(whole[t]) * corpus.idf(t);
      len += n;
    }
    double score = len == 0 ? 0.0 : sum / std::sqrt(static_cast<double>(len));
    if (i == 0) score *= 1.2;
    scored.emplace_back(score, i);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; i < k; ++i)
    picked.push_back(scored[i].second);
  std::sort(picked.begin(), picked.end());
  return picked;
}

std::string summarize(std::string_view text, const document_frequencies& corpus, std::size_t k,
                      std::size_t max_bytes) {
  const auto sents = sentences(text);
  std::string out;
  for (std::size_t i : key_sentences(sents, corpus, k)) {
    if (!out.empty()) out += ' ';
    out += sents[i];
  }
  return clip(out, max_bytes);
}

} // namespace aetherial::actors::text
