#pragma once
// Deciding how to answer one support question: retrieve the best article (BM25 re-ranked by
// feedback; the conversation's earlier turns, at a lower weight, choose among the articles
// that speak to the question), measure the confidence (how much of the question the article
// covers) and the sentiment, and decide whether a person must take over.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "actors/support/config.hpp"
#include "actors/support/state.hpp"
#include "actors/text/sentiment.hpp"

namespace aetherial::actors::support {

/// Escalation reasons, in priority order (the first that applies is the handoff's reason).
inline constexpr std::string_view reason_money = "money";
inline constexpr std::string_view reason_negative = "negative_sentiment";
inline constexpr std::string_view reason_low_confidence = "low_confidence";

/// An article ranked for a question.
struct ranked_article {
  std::string id;
  double bm25 = 0.0;     ///< BM25 score
  double feedback = 1.0; ///< multiplier from thumbs up/down, 0.5..1.5
  double score = 0.0;    ///< bm25 × feedback
};

/// The feedback multiplier of an article: 0.5 + (up + 1) / (up + down + 2), so 1.0 without
/// votes, towards 1.5 when liked and 0.5 when disliked.
[[nodiscard]] double feedback_multiplier(const article_votes* votes);

/// The retrieval query of a text: its words without stopwords and without opinion words of
/// the sentiment lexicon ("terrible", "thanks" say how, not what), stemmed, each at `weight`.
[[nodiscard]] text::weighted_query topic_query(std::string_view text, double weight = 1.0);

/// The best `limit` articles for `query`: the top `candidates` by BM25, re-ranked by score
/// (ties by id).
[[nodiscard]] std::vector<ranked_article>
rank_articles(const support_state& s, const text::weighted_query& query, std::size_t candidates);

/// Everything decided about one question.
struct assessment {
  std::string article_id;    ///< the best article, or empty if none matches
  double confidence = 0.0;   ///< share of the question the article covers, 0..1
  double score = 0.0;        ///< its re-ranked score
  bool used_context = false; ///< the conversation's earlier turns chose another article
  std::string passage;       ///< the sentences of the article that answer, clipped
  text::sentiment sentiment;
  double conversation_sentiment = 0.0; ///< mean over this and the kept turns
  std::string money_word;              ///< the money word found, or empty
  std::vector<std::string> reasons;    ///< escalation reasons that apply, by priority
  [[nodiscard]] bool escalate() const noexcept { return !reasons.empty(); }
};

/// Assesses `question` in the light of `conv` (nullptr for a new conversation).
/// `money_stems` are the config's money words, stemmed.
[[nodiscard]] assessment assess(const support_state& s, const support_config& cfg,
                                const std::vector<std::string>& money_stems,
                                std::string_view question, const conversation* conv);

} // namespace aetherial::actors::support
