#include "actors/orchestrator/intent_grammar.hpp"

#include <algorithm>

#include "actors/orchestrator/intent_rules.hpp"
#include "actors/orchestrator/intents.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::size_t word_count(const tokens& t) {
  return static_cast<std::size_t>(
      std::count_if(t.begin(), t.end(), [](const token& x) { return x.norm != ","; }));
}

// --- negation and questions ------------------------------------------------------------------

/// Words that say not to: "do not", "don't", "never", "no deploy", "stop", "cancel", ...
const words negation_words = {"not",       "dont",   "never",  "no",      "stop",    "cancel",
                              "cancelled", "abort",  "halt",   "avoid",   "refrain", "shouldnt",
                              "mustnt",    "wont",   "cant",   "cannot",  "nobody",  "postpone",
                              "pause",     "freeze", "block",  "prevent", "forbid",  "donot",
                              "dnot",      "nver",   "neither"};

/// Words after a negation that make it none: "don't forget to deploy", "not only".
const words negation_undone = {"forget", "only", "hesitate", "wait"};

/// The positions where any phrase of the rule's required groups starts.
std::vector<std::size_t> trigger_positions(const tokens& t, const rule& r) {
  std::vector<std::size_t> at;
  for (const auto& group : r.required)
    for (const auto& p : group)
      for (auto i = find_phrase(t, p); i != std::string::npos; i = find_phrase(t, p, i + 1))
        at.push_back(i);
  std::sort(at.begin(), at.end());
  return at;
}

/// Whether a negation governs one of the rule's words: it comes before the word, in the same
/// clause, at most six words before it ("Do not, under any circumstances, deploy" is one
/// clause too: a comma right after the negation does not end it).
bool negated(const tokens& t, const rule& r) {
  for (const std::size_t w : trigger_positions(t, r)) {
    bool crossed_comma = false;
    for (std::size_t back = 1; back <= 7 && back <= w; ++back) {
      const std::size_t i = w - back;
      if (t[i].norm == ",") {
        crossed_comma = true;
        continue;
      }
      if (!one_of(t[i].norm, negation_words)) continue;
      if (i + 1 < t.size() && one_of(t[i + 1].norm, negation_undone)) continue;
      // "No, deploy it" says yes; a lone "no" must be right before ("no deploy today").
      if (t[i].norm == "no" && (back > 2 || crossed_comma)) continue;
      // A comma ends the clause, unless the command opens with the negation: "Do not, under
      // any circumstances, deploy".
      if (crossed_comma && i > 1) continue;
      return true;
    }
  }
  for (const auto& p : phrases({"hold off", "call off", "put on hold", "hold the", "back out of"}))
    if (find_phrase(t, p) != std::string::npos) return true;
  return false;
}

/// Openings of a polite request, which is no question: "Can you deploy web?".
const words polite_openings = {
    "can you",          "could you",    "would you",     "will you", "can we",  "could we",
    "would you please", "can u",        "could u",       "please",   "pls",     "plz",
    "kindly",           "lets",         "i want",        "i need",   "we need", "i would like",
    "id like",          "go ahead and", "i want you to", "you can",  "would u", "can i get",
    "could i get"};

/// Openings of a question.
const words question_openings = {
    "what", "whats", "when",    "whens",  "did",   "didnt", "has",    "have", "hasnt", "havent",
    "is",   "isnt",  "was",     "wasnt",  "were",  "are",   "how",    "hows", "which", "who",
    "whos", "where", "why",     "should", "shall", "does",  "doesnt", "do",   "any",   "wat",
    "wht",  "whn",   "whether", "wasn",   "will",  "would", "could",  "can",  "am",    "whose"};

/// Words asking for the state of a thing rather than for the thing.
const words status_words = {"status", "statuses", "progress", "history", "log",    "logs",
                            "state",  "outcome",  "result",   "results", "stauts", "staus",
                            "statsu", "overview", "summary",  "report"};

/// Openings of a request to show something.
const words show_openings = {"show",
                             "list",
                             "display",
                             "give me",
                             "tell me",
                             "check on",
                             "check",
                             "view",
                             "get me",
                             "fetch",
                             "report",
                             "see",
                             "sho",
                             "lsit",
                             "get",
                             "find",
                             "look up",
                             "i want to see",
                             "id like to see",
                             "let me see",
                             "can you show",
                             "could you show",
                             "can you tell",
                             "could you tell",
                             "please show",
                             "please list"};

/// Verbs that open an order, besides the rule's own words: "Fix the status page bug".
const words order_verbs = {"fix",      "repair",    "add",      "create", "write",   "make",
                           "build",    "implement", "deploy",   "ship",   "release", "push",
                           "roll",     "revert",    "ban",      "scale",  "delete",  "erase",
                           "wipe",     "purge",     "remove",   "start",  "run",     "debug",
                           "patch",    "resolve",   "generate", "design", "prepare", "develop",
                           "rollback", "suspend",   "block",    "drop",   "go",      "introduce",
                           "increase", "reduce",    "cover",    "draft",  "set"};

/// Whether `ws` has a phrase starting at `at`.
bool phrase_at(const tokens& t, const words& ws, std::size_t at) {
  for (const auto& p : phrases(ws))
    if (find_phrase(t, p, at) == at) return true;
  return false;
}

/// Where the request itself starts, after "please", "can you", "ok", ...
std::size_t lead_of(const tokens& t) {
  std::size_t i = 0;
  for (bool more = true; more && i < t.size();) {
    more = false;
    for (const auto& p : phrases(polite_openings))
      if (find_phrase(t, p, i) == i) {
        i += p.size();
        more = true;
        break;
      }
    while (i < t.size() && (t[i].norm == "," || one_of(t[i].norm, {"ok", "okay", "now", "just",
                                                                   "hey", "hi", "then", "so"}))) {
      ++i;
      more = true;
    }
  }
  return i;
}

command_kind kind_of(const tokens& t, const rule& r, bool question_mark) {
  if (negated(t, r)) return command_kind::negated;
  const std::size_t lead = lead_of(t);
  const bool polite = lead > 0;
  const auto triggers = trigger_positions(t, r);
  const bool rule_word_leads = std::find(triggers.begin(), triggers.end(), lead) != triggers.end();
  const bool order = lead < t.size() && (rule_word_leads || one_of(t[lead].norm, order_verbs));
  const bool about_status = find_word(t, status_words) != std::string::npos;
  // "Deploy status?", "deployment status": the action word names the thing asked about.
  if (rule_word_leads && lead + 1 < t.size() && one_of(t[lead + 1].norm, status_words))
    return command_kind::status;
  if (phrase_at(t, show_openings, 0) || phrase_at(t, show_openings, lead))
    return command_kind::status;
  if (about_status && !order) return command_kind::status;
  if (polite || order) return command_kind::positive;
  if (!t.empty() && one_of(t[0].norm, question_openings)) return command_kind::question;
  if (question_mark) return command_kind::question;
  return command_kind::positive;
}

} // namespace

intent_match parse_intent(const tokens& t, bool question_mark) {
  intent_match best;
  const rule* chosen = nullptr;
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
    chosen = &r;
  }
  if (chosen != nullptr && chosen->action) {
    best.kind = kind_of(t, *chosen, question_mark);
    if (best.intent == deploy_intent &&
        (best.kind == command_kind::question || best.kind == command_kind::status))
      best.intent = std::string(deploy_status_intent);
  }
  return best;
}

intent_match parse_command(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\n' || text[end - 1] == '\t' ||
                     text[end - 1] == '.' || text[end - 1] == '!' || text[end - 1] == ')'))
    --end;
  return parse_intent(tokenize(text), end > 0 && text[end - 1] == '?');
}

std::string_view command_kind_name(command_kind k) {
  switch (k) {
    case command_kind::negated: return "negated";
    case command_kind::question: return "question";
    case command_kind::status: return "status";
    case command_kind::positive: break;
  }
  return "positive";
}

std::vector<std::string> grammar_intents() {
  std::vector<std::string> r;
  for (const auto& x : rules())
    if (std::find(r.begin(), r.end(), x.intent) == r.end()) r.push_back(x.intent);
  // Not a rule of its own: a question or status request about a deploy.
  r.push_back(std::string(deploy_status_intent));
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
