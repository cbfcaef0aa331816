#include "actors/support/triage.hpp"

#include <algorithm>

#include "actors/text/stopwords.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::support {

double feedback_multiplier(const article_votes* votes) {
  const double up = votes ? votes->up : 0.0;
  const double down = votes ? votes->down : 0.0;
  return 0.5 + (up + 1.0) / (up + down + 2.0);
}

std::vector<ranked_article> rank_articles(const support_state& s, const text::weighted_query& query,
                                          std::size_t candidates) {
  std::vector<ranked_article> out;
  for (const auto& hit : s.kb.search(query, candidates)) {
    const auto v = s.votes.find(hit.id);
    ranked_article a;
    a.id = hit.id;
    a.bm25 = hit.score;
    a.feedback = feedback_multiplier(v == s.votes.end() ? nullptr : &v->second);
    a.score = a.bm25 * a.feedback;
    out.push_back(std::move(a));
  }
  std::stable_sort(out.begin(), out.end(), [](const ranked_article& a, const ranked_article& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return out;
}

text::weighted_query topic_query(std::string_view text, double weight) {
  text::weighted_query q;
  for (const auto& w : text::words(text))
    if (!text::is_stopword(w) && text::valence(w) == 0.0) q[text::stem(w)] = weight;
  return q;
}

namespace {

/// The sentences of the article that share the most query terms (ties: earlier first), up to
/// `k`, in article order; the title alone for an article without a body.
std::string passage_for(const text::article& a, const text::weighted_query& q, std::size_t k,
                        std::size_t max_bytes) {
  const auto sents = text::sentences(a.body);
  if (sents.empty()) return text::clip(a.title, max_bytes);
  std::vector<std::pair<double, std::size_t>> scored;
  for (std::size_t i = 0; i < sents.size(); ++i) {
    double hit = 0.0;
    for (const auto& [t, n] : text::count_terms(sents[i])) {
      const auto w = q.find(t);
      if (w != q.end()) hit += w->second;
    }
    scored.emplace_back(hit, i);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<std::size_t> picked;
  for (std::size_t i = 0; i < scored.size() && i < k; ++i)
    picked.push_back(scored[i].second);
  std::sort(picked.begin(), picked.end());
  std::string out;
  for (std::size_t i : picked) {
    if (!out.empty()) out += ' ';
    out += sents[i];
  }
  return text::clip(out, max_bytes);
}

} // namespace

assessment assess(const support_state& s, const support_config& cfg,
                  const std::vector<std::string>& money_stems, std::string_view question,
                  const conversation* conv) {
  assessment a;
  const auto ws = text::words(question);
  a.sentiment = text::sentiment_of_words(ws);
  for (const auto& w : ws) {
    const std::string st = text::stem(w);
    if (std::find(money_stems.begin(), money_stems.end(), st) != money_stems.end()) {
      a.money_word = w;
      break;
    }
  }

  // Confidence is always measured on the question itself; the conversation's earlier turns
  // only help choose among the articles that speak to it (a follow-up such as "what are the
  // limits?" after a question about courses means the course limits).
  const text::weighted_query question_query = topic_query(question);
  text::weighted_query query = question_query;
  const auto ranked = rank_articles(s, question_query, cfg.candidates);
  const ranked_article* best = ranked.empty() ? nullptr : &ranked.front();
  std::vector<ranked_article> with_context;
  if (best != nullptr && conv != nullptr && !conv->turns.empty() && cfg.context_weight > 0.0) {
    text::weighted_query q = question_query;
    for (const auto& t : conv->turns)
      for (const auto& [term, w] : topic_query(t.text, cfg.context_weight))
        q.emplace(term, w);
    for (auto& r : rank_articles(s, q, cfg.candidates))
      if (s.kb.index().coverage(question_query, r.id) > 0.0) with_context.push_back(std::move(r));
    if (!with_context.empty() && with_context.front().id != best->id) {
      best = &with_context.front();
      query = std::move(q);
      a.used_context = true;
    }
  }
  if (best != nullptr) {
    a.article_id = best->id;
    a.score = best->score;
    a.confidence = s.kb.index().coverage(question_query, best->id);
    if (const auto* art = s.kb.find(best->id))
      a.passage = passage_for(*art, query, cfg.answer_sentences, cfg.answer_max_bytes);
  }

  double sum = a.sentiment.score;
  std::size_t n = 1;
  if (conv != nullptr)
    for (const auto& t : conv->turns) {
      sum += t.sentiment;
      ++n;
    }
  a.conversation_sentiment = sum / static_cast<double>(n);

  if (!a.money_word.empty()) a.reasons.emplace_back(reason_money);
  if (a.sentiment.score <= cfg.negative_sentiment ||
      (n >= 2 && a.conversation_sentiment <= cfg.conversation_negative))
    a.reasons.emplace_back(reason_negative);
  if (a.confidence < cfg.low_confidence) a.reasons.emplace_back(reason_low_confidence);
  return a;
}

} // namespace aetherial::actors::support
