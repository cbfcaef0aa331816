#include "actors/orchestrator/intent_grammar.hpp"

#include <algorithm>

#include "actors/orchestrator/intent_rules.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::size_t word_count(const tokens& t) {
  return static_cast<std::size_t>(
      std::count_if(t.begin(), t.end(), [](const token& x) { return x.norm != ","; }));
}

} // namespace

intent_match parse_intent(const tokens& t) {
  intent_match best;
  const std::size_t n = word_count(t);
  const double length_penalty = n > 12 ? 0.02 * static_cast<double>(n - 12) : 0.0;
  for (const auto& r : rules()) {
    bool ok = true;
    for (const auto& group : r.required)
      ok = ok && contains_any(t, group);
    if (!ok || contains_any(t, r.vetoes)) continue;
    int boosts = 0;
    for (const auto& b : r.boosts)
      if (find_phrase(t, b) != std::string::npos) ++boosts;
    const double c = std::clamp(r.base + 0.05 * boosts - length_penalty, 0.0, 0.98);
    if (c <= best.confidence) continue;
    best.intent = r.intent;
    best.confidence = c;
    best.slots.clear();
    if (r.fill) r.fill(t, best.slots);
  }
  return best;
}

std::vector<std::string> grammar_intents() {
  std::vector<std::string> r;
  for (const auto& x : rules())
    if (std::find(r.begin(), r.end(), x.intent) == r.end()) r.push_back(x.intent);
  return r;
}

bool is_confirmation(const tokens& t) {
  if (t.empty()) return false;
  if (one_of(t[0].norm, {"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "confirm", "confirmed",
                         "correct", "absolutely", "agreed"}))
    return true;
  for (const auto& p : phrases({"go ahead", "sounds good", "do it", "lets do it", "looks good",
                                "that works", "please do", "please proceed", "proceed"}))
    if (find_phrase(t, p) == 0) return true;
  return false;
}

bool is_decline(const tokens& t) {
  if (t.empty() || word_count(t) > 3) return false;
  if (one_of(t[0].norm, {"no", "nope", "cancel", "stop", "abort", "nah"})) return true;
  return find_phrase(t, make_phrase("never mind")) == 0 ||
         find_phrase(t, make_phrase("forget it")) == 0;
}

std::optional<bool> quizzes_wanted(const tokens& t) {
  const auto q = find_word(t, quiz_words);
  if (q == std::string::npos) return std::nullopt;
  for (std::size_t back = 1; back <= 2 && back <= q; ++back)
    if (one_of(t[q - back].norm, {"no", "without", "skip", "dont", "not"})) return false;
  return true;
}

std::vector<std::string> topics_named(const tokens& t) {
  const words fillers = {"no",     "cover", "covering", "covers", "include", "including",
                         "topics", "topic", "it",       "should", "please",  "about",
                         "with",   "i",     "want",     "would",  "like",    "also",
                         "lets",   "and",   "the",      "on",     "are",     "is",
                         "can",    "you",   "instead",  "focus",  "ok",      "okay"};
  std::size_t i = 0;
  while (i < t.size() && (t[i].norm == "," || one_of(t[i].norm, fillers)))
    ++i;
  std::vector<std::string> out;
  std::size_t start = i;
  auto flush = [&](std::size_t end) {
    std::size_t b = skip_articles(t, start);
    bool quiz = false;
    for (std::size_t k = b; k < end; ++k)
      quiz = quiz || one_of(t[k].norm, quiz_words);
    const std::string item = join_orig(t, b, end);
    if (!item.empty() && !quiz) out.push_back(item);
  };
  for (; i < t.size(); ++i) {
    // "... and history with quizzes": the quiz wish ends the last topic.
    const bool quiz_wish = one_of(t[i].norm, {"with", "without"}) && i + 1 < t.size() &&
                           one_of(t[i + 1].norm, quiz_words);
    if (t[i].norm == "," || t[i].norm == "and" || t[i].norm == "plus" || quiz_wish) {
      flush(i);
      start = i + 1;
    }
  }
  flush(t.size());
  return out;
}

bool is_urgent(const tokens& t) {
  return find_word(t, {"urgent", "urgently", "asap", "immediately", "emergency"}) !=
             std::string::npos ||
         find_phrase(t, make_phrase("right now")) != std::string::npos;
}

} // namespace aetherial::actors::orchestrator
