#pragma once
// Moderation of one text: the blocklist first (a blocked phrase removes), then the naive
// Bayes classifier trained from moderator labels (the probability of any label but "ok"
// flags or removes), and the enrichment that goes with a verdict (tags, summary, language).

#include <string>
#include <string_view>
#include <vector>

#include "actors/content/config.hpp"
#include "actors/text/language.hpp"
#include "actors/text/naive_bayes.hpp"
#include "actors/text/tfidf.hpp"

namespace aetherial::actors::content {

/// The label of acceptable content; every other label counts as harmful.
inline constexpr std::string_view label_ok = "ok";

/// Moderator labels the classifier learns.
[[nodiscard]] bool is_known_label(std::string_view label);

/// A blocklist, tokenized once from the config's phrases.
class blocklist {
public:
  explicit blocklist(const std::vector<std::string>& phrases);
  /// The first blocked phrase `words` contains (in config order), or empty.
  [[nodiscard]] std::string match(const std::vector<std::string>& words) const;

private:
  std::vector<std::pair<std::string, std::vector<std::string>>> phrases_;
};

/// What moderation decided about one text.
struct moderation {
  std::string verdict = "allow"; ///< "allow", "flag", "remove"
  double score = 0.0;            ///< 0..1: 1 for a blocked phrase, else the classifier's
  std::vector<std::string> reasons;
};

/// Moderates a text given as words and terms.
[[nodiscard]] moderation moderate(const std::vector<std::string>& words,
                                  const text::term_counts& terms, const blocklist& blocked,
                                  const text::naive_bayes& classifier, const content_config& cfg);

/// True if the classifier has learned enough to vote (min_training items, with at least one
/// "ok" and one harmful label).
[[nodiscard]] bool classifier_ready(const text::naive_bayes& classifier, const content_config& cfg);

} // namespace aetherial::actors::content
