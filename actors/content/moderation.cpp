#include "actors/content/moderation.hpp"

#include "actors/kit/format.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::content {

bool is_known_label(std::string_view label) {
  return label == "spam" || label == "abuse" || label == label_ok;
}

blocklist::blocklist(const std::vector<std::string>& phrases) {
  for (const auto& p : phrases) {
    auto ws = text::words(p);
    if (!ws.empty()) phrases_.emplace_back(p, std::move(ws));
  }
}

std::string blocklist::match(const std::vector<std::string>& words) const {
  for (const auto& [phrase, ws] : phrases_)
    if (text::contains_sequence(words, ws)) return phrase;
  return {};
}

bool classifier_ready(const text::naive_bayes& classifier, const content_config& cfg) {
  const std::uint64_t total = classifier.documents();
  const std::uint64_t ok = classifier.documents(std::string(label_ok));
  return total >= cfg.min_training && ok > 0 && total > ok;
}

moderation moderate(const std::vector<std::string>& words, const text::term_counts& terms,
                    const blocklist& blocked, const text::naive_bayes& classifier,
                    const content_config& cfg) {
  moderation m;
  const std::string phrase = blocked.match(words);
  if (!phrase.empty()) {
    m.verdict = "remove";
    m.score = 1.0;
    m.reasons.push_back("blocklist: \"" + phrase + "\"");
  }
  if (!classifier_ready(classifier, cfg)) {
    m.reasons.push_back("classifier: not trained yet (" +
                        kit::integer(static_cast<std::int64_t>(classifier.documents())) +
                        " labelled items)");
    return m;
  }
  const auto posterior = classifier.posterior(terms);
  double harmful = 0.0;
  std::string top_label;
  double top = -1.0;
  for (const auto& [label, p] : posterior) {
    if (label == label_ok) continue;
    harmful += p;
    if (p > top) {
      top = p;
      top_label = label;
    }
  }
  m.reasons.push_back("classifier: " + top_label + " " + kit::fixed(harmful) + " (" +
                      kit::integer(static_cast<std::int64_t>(classifier.documents())) +
                      " labelled items)");
  if (m.verdict == "remove") return m;
  m.score = harmful;
  if (harmful >= cfg.remove_score)
    m.verdict = "remove";
  else if (harmful >= cfg.flag_score)
    m.verdict = "flag";
  return m;
}

} // namespace aetherial::actors::content
