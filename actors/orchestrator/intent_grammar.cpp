#include "actors/orchestrator/intent_grammar.hpp"

#include <algorithm>

namespace aetherial::actors::orchestrator {

namespace {

using words = std::vector<std::string_view>;
using slot_filler = void (*)(const tokens&, slot_map&);

/// One pattern of the grammar, with its phrases already split into words.
struct rule {
  std::string intent;
  double base = 0.0;
  std::vector<std::vector<phrase>> required; ///< one phrase of each group must occur
  std::vector<phrase> boosts;
  std::vector<phrase> vetoes;
  slot_filler fill = nullptr;
};

std::vector<phrase> phrases(const words& w) {
  std::vector<phrase> r;
  r.reserve(w.size());
  for (auto s : w)
    r.push_back(make_phrase(s));
  return r;
}

std::vector<phrase> concat(std::vector<phrase> a, const std::vector<phrase>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool contains_any(const tokens& t, const std::vector<phrase>& ps) {
  for (const auto& p : ps)
    if (find_phrase(t, p) != std::string::npos) return true;
  return false;
}

/// Position of the first of `ws` at or after `from`, or npos.
std::size_t find_word(const tokens& t, const words& ws, std::size_t from = 0) {
  for (std::size_t i = from; i < t.size(); ++i)
    if (one_of(t[i].norm, ws)) return i;
  return std::string::npos;
}

const words articles = {"the", "a", "an", "my", "our", "this", "that", "some", "your"};

/// Skips articles from `i` on.
std::size_t skip_articles(const tokens& t, std::size_t i) {
  while (i < t.size() && one_of(t[i].norm, articles))
    ++i;
  return i;
}

/// Tokens from `i` up to (excluding) the first of `stops` or ",", as written.
std::string phrase_until(const tokens& t, std::size_t i, const words& stops,
                         std::size_t* end = nullptr) {
  std::size_t j = i;
  while (j < t.size() && t[j].norm != "," && !one_of(t[j].norm, stops))
    ++j;
  if (end) *end = j;
  return join_orig(t, i, j);
}

const words how_words = {"how do i",    "how can i",         "how to",       "how do you",
                         "how do we",   "how should i",      "how does one", "where do i",
                         "where can i", "what is the way to"};

const words quiz_words = {"quiz", "quizzes", "quizes", "quizz", "quizzs"};

// --- slot fillers ------------------------------------------------------------------------

void fill_how_to(const tokens& t, slot_map& s) {
  for (const auto& p : phrases(how_words)) {
    const auto i = find_phrase(t, p);
    if (i == std::string::npos) continue;
    const std::string subject = join_orig(t, i + p.size(), t.size());
    if (!subject.empty()) s["subject"] = subject;
    return;
  }
}

void fill_active_users(const tokens& t, slot_map& s) {
  const std::vector<std::pair<std::string_view, words>> periods = {
      {"today", {"today", "todays", "dau", "now", "currently"}},
      {"yesterday", {"yesterday", "yesterdays"}},
      {"week", {"week", "weekly", "weeks", "wau"}},
      {"month", {"month", "monthly", "months", "mau"}},
  };
  for (const auto& [period, ws] : periods)
    if (find_word(t, ws) != std::string::npos) {
      s["period"] = std::string(period);
      return;
    }
}

void fill_diagnose(const tokens& t, slot_map& s) {
  // A named service comes before a service noun ("the checkout service"); a page or site is
  // only the subject when no service noun is there.
  const words service_nouns = {"server", "servers", "service", "api", "backend", "database", "db"};
  const words other_nouns = {"site", "website", "app", "page", "checkout", "search", "login"};
  const words not_names = {"the", "a",   "an", "my",  "our",   "this",   "that", "is",
                           "are", "why", "so", "web", "whole", "entire", ","};
  auto i = find_word(t, service_nouns);
  if (i == std::string::npos) i = find_word(t, other_nouns);
  if (i == std::string::npos) return;
  if (i > 0 && !one_of(t[i - 1].norm, not_names)) {
    s["service"] = t[i - 1].orig;
    s["subject"] = "the " + join_orig(t, i - 1, i + 1);
  } else {
    s["subject"] = "the " + t[i].orig;
  }
}

const words deploy_verbs = {"deploy", "redeploy", "release", "ship", "push"};

/// 7 to 40 hex digits, at least one of them a digit: a commit id.
bool is_commit_like(const std::string& w) {
  if (w.size() < 7 || w.size() > 40) return false;
  bool digit = false;
  for (char c : w) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c < 'a' || c > 'f')
      return false;
  }
  return digit;
}

void fill_deploy(const tokens& t, slot_map& s) {
  const std::vector<std::pair<std::string_view, words>> envs = {
      {"production", {"production", "prod", "live"}},
      {"staging", {"staging", "stage"}},
      {"qa", {"qa"}},
      {"canary", {"canary"}},
      {"sandbox", {"sandbox"}},
  };
  for (const auto& [env, ws] : envs)
    if (find_word(t, ws) != std::string::npos) {
      s["environment"] = std::string(env);
      break;
    }
  if (s.count("environment") == 0) {
    const auto to = find_word(t, {"to", "into", "on"});
    if (to != std::string::npos && to + 1 < t.size() &&
        one_of(t[to + 1].norm, {"dev", "development", "test", "testing"}))
      s["environment"] =
          t[to + 1].norm == "dev" || t[to + 1].norm == "development" ? "dev" : "test";
  }
  // A commit: the word after "commit", or a word of 7 to 40 hex digits with a digit in it.
  std::size_t commit_at = std::string::npos;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool after_word = i > 0 && one_of(t[i - 1].norm, {"commit", "sha", "revision"});
    if (after_word || is_commit_like(t[i].norm)) {
      s["commit"] = t[i].norm;
      commit_at = i;
      break;
    }
  }
  // The service: "the web service", "service web", "... of web", "... for web", or the one
  // word deployed when it is no word for a change ("Deploy web to production").
  const words service_nouns = {"service", "repo", "repository"};
  const words not_names = {"the", "a", "an", "my", "our", "this", "that", "new", "to", "of", ","};
  if (const auto n = find_word(t, service_nouns); n != std::string::npos) {
    if (n > 0 && !one_of(t[n - 1].norm, not_names) && !one_of(t[n - 1].norm, deploy_verbs))
      s["service"] = t[n - 1].orig;
    else if (n + 1 < t.size() && !one_of(t[n + 1].norm, not_names) &&
             !one_of(t[n + 1].norm, {"to", "into", "on", "in"}))
      s["service"] = t[n + 1].orig;
  }
  const auto v = find_word(t, deploy_verbs);
  if (v == std::string::npos) return;
  std::size_t end = 0;
  const std::size_t start = skip_articles(t, v + 1);
  const std::string change = phrase_until(
      t, start, {"to", "into", "on", "in", "of", "for", "from", "at", "commit", "sha"}, &end);
  if (!change.empty() && start != commit_at) s["change"] = change;
  if (s.count("service") == 0 && end < t.size() && one_of(t[end].norm, {"of", "for", "from"})) {
    const std::size_t n = skip_articles(t, end + 1);
    if (n < t.size() && t[n].norm != "," && !is_commit_like(t[n].norm) &&
        !one_of(t[n].norm, {"production", "prod", "staging", "live"}))
      s["service"] = t[n].orig;
  }
  const words change_words = {"feature", "features",   "build",  "builds", "version", "release",
                              "update",  "changes",    "change", "fix",    "fixes",   "code",
                              "it",      "everything", "latest", "new",    "commit",  "branch"};
  if (s.count("service") == 0 && end == start + 1 && start != commit_at &&
      !one_of(t[start].norm, change_words))
    s["service"] = t[start].orig;
}

void fill_course(const tokens& t, slot_map& s) {
  const auto c = find_word(t, {"course", "courses", "curriculum"});
  if (c != std::string::npos) {
    const auto about = find_word(t, {"about", "on", "in", "for"}, c + 1);
    if (about != std::string::npos) {
      std::size_t j = skip_articles(t, about + 1);
      const std::size_t start = j;
      while (j < t.size() && t[j].norm != "," &&
             !one_of(t[j].norm, {"with", "covering", "including", "that"}) &&
             !(t[j].norm == "and" && j + 1 < t.size() &&
               one_of(t[j + 1].norm, {"add", "include", "make", "cover", "with"})))
        ++j;
      const std::string topic = join_orig(t, start, j);
      if (!topic.empty()) s["topic"] = topic;
    }
  }
  const auto cov = find_word(t, {"covering", "including", "covers", "cover"});
  if (cov != std::string::npos) {
    tokens rest(t.begin() + static_cast<std::ptrdiff_t>(cov), t.end());
    const auto list = topics_named(rest);
    std::string joined;
    for (const auto& x : list)
      joined += (joined.empty() ? "" : ", ") + x;
    if (!joined.empty()) s["topics"] = joined;
  }
  if (const auto q = quizzes_wanted(t)) s["quizzes"] = *q ? "true" : "false";
}

void fill_payment(const tokens& t, slot_map& s) {
  s["topic"] = "money";
  const std::vector<std::pair<std::string_view, words>> problems = {
      {"not_through", {"through", "failed", "fail", "fails", "declined", "rejected", "pending"}},
      {"double_charge", {"twice", "double", "duplicate"}},
      {"refund", {"refund", "refunds", "refunded"}},
  };
  for (const auto& [p, ws] : problems)
    if (find_word(t, ws) != std::string::npos) {
      s["problem"] = std::string(p);
      return;
    }
}

void fill_feature(const tokens& t, slot_map& s) {
  const auto v = find_word(t, {"add", "implement", "introduce", "build", "create"});
  if (v == std::string::npos) return;
  std::size_t end = 0;
  const std::string feature =
      phrase_until(t, skip_articles(t, v + 1), {"to", "for", "on", "in"}, &end);
  if (!feature.empty()) s["feature"] = feature;
  if (end < t.size() && t[end].norm != ",") {
    const std::string where = phrase_until(t, skip_articles(t, end + 1), {});
    if (!where.empty()) s["location"] = where;
  }
}

void fill_bug(const tokens& t, slot_map& s) {
  const words stops = {"the",    "a",     "an",      "my",    "our",         "this", "that", "fix",
                       "repair", "debug", "resolve", "patch", "investigate", "in",   "on",   "with",
                       "is",     "are",   "there",   ","};
  const auto k = find_word(t, {"bug", "bugs", "crash", "crashes", "crashing", "regression",
                               "glitch", "broken", "defect"});
  if (k != std::string::npos) {
    std::size_t j = k;
    while (j > 0 && !one_of(t[j - 1].norm, stops))
      --j;
    if (j < k) {
      s["component"] = join_orig(t, j, k);
      return;
    }
    // "the login page is broken": the words before "is".
    if (k >= 2 && one_of(t[k - 1].norm, {"is", "are", "seems", "keeps"})) {
      const std::size_t end = k - 1;
      j = end;
      while (j > 0 && !one_of(t[j - 1].norm, stops))
        --j;
      if (j < end) {
        s["component"] = join_orig(t, j, end);
        return;
      }
    }
  }
  const auto v = find_word(t, {"fix", "repair", "debug", "resolve", "patch"});
  if (v != std::string::npos) {
    const std::string c = phrase_until(t, skip_articles(t, v + 1),
                                       {"bug", "bugs", "crash", "issue", "problem", "in", "on"});
    if (!c.empty()) s["component"] = c;
  }
}

void fill_tests(const tokens& t, slot_map& s) {
  const std::vector<std::pair<std::string_view, words>> kinds = {
      {"unit", {"unit"}},
      {"integration", {"integration"}},
      {"end_to_end", {"e2e", "end"}},
      {"load", {"load", "performance"}},
      {"regression", {"regression"}},
  };
  for (const auto& [k, ws] : kinds)
    if (find_word(t, ws) != std::string::npos) {
      s["test_kind"] = std::string(k);
      break;
    }
  const auto f = find_word(t, {"for", "of", "in", "covering"});
  if (f == std::string::npos) return;
  std::size_t i = skip_articles(t, f + 1);
  std::size_t j = i;
  while (j < t.size() && t[j].norm != ",")
    ++j;
  // "auth module" -> "auth": the kind of unit is not its name.
  while (j > i + 1 && one_of(t[j - 1].norm, {"module", "modules", "component", "package", "service",
                                             "library", "code", "class", "file"}))
    --j;
  const std::string module = join_orig(t, i, j);
  if (!module.empty()) s["module"] = module;
}

const std::vector<rule>& rules() {
  static const std::vector<rule> all = [] {
    const auto how = phrases(how_words);
    std::vector<rule> r;
    r.push_back({"support.how_to",
                 0.8,
                 {how},
                 phrases({"create", "set up", "change", "reset", "use", "find", "update", "make",
                          "start", "add", "cancel"}),
                 {},
                 &fill_how_to});
    r.push_back({"analytics.active_users",
                 0.8,
                 {phrases({"active users", "active user", "daily active", "weekly active",
                           "monthly active", "dau", "wau", "mau", "users active", "how many users",
                           "user count", "number of users", "active accounts"})},
                 phrases({"show", "today", "todays", "count", "how many", "number", "yesterday",
                          "week", "month", "report"}),
                 how,
                 &fill_active_users});
    r.push_back({"operations.diagnose_latency",
                 0.75,
                 {phrases({"slow", "slowly", "slower", "slowness", "latency", "sluggish", "lagging",
                           "laggy", "taking forever", "takes forever", "response time",
                           "response times", "timeout", "timeouts", "timing out"})},
                 phrases({"why", "server", "servers", "service", "api", "site", "website",
                          "backend", "database", "db", "app", "page", "pages", "requests"}),
                 how,
                 &fill_diagnose});
    r.push_back({"development.deploy",
                 0.8,
                 {phrases({"deploy", "deploying", "deployment", "redeploy", "release", "ship",
                           "roll out", "rollout", "push to production", "go live"})},
                 phrases({"production", "prod", "staging", "live", "feature", "version", "build"}),
                 how,
                 &fill_deploy});
    r.push_back({"content.create_course",
                 0.8,
                 {phrases({"course", "courses", "curriculum", "learning path"}),
                  phrases({"create", "make", "build", "design", "generate", "new", "write", "start",
                           "prepare", "set up", "draft", "develop"})},
                 concat(phrases({"about", "on", "lessons", "modules"}), phrases(quiz_words)),
                 how,
                 &fill_course});
    r.push_back({"support.payment_issue",
                 0.75,
                 {phrases({"payment", "payments", "paid", "pay", "charge", "charged", "charges",
                           "refund", "refunds", "billing", "bill", "invoice", "card",
                           "subscription", "transaction", "purchase", "purchased"})},
                 phrases({"didnt go through", "did not go through", "not go through", "failed",
                          "declined", "rejected", "twice", "double", "missing", "wrong", "problem",
                          "issue", "error", "cant", "cannot", "stuck", "my"}),
                 how,
                 &fill_payment});
    r.push_back(
        {"development.feature_request",
         0.75,
         {phrases({"add", "implement", "introduce", "build", "create"}),
          phrases({"toggle", "button",    "feature",      "option",        "setting", "settings",
                   "mode",   "page",      "screen",       "endpoint",      "field",   "filter",
                   "switch", "menu",      "theme",        "dashboard",     "widget",  "tab",
                   "form",   "dark mode", "notification", "notifications", "export",  "search"})},
         phrases({"dark mode", "users", "support"}),
         concat(how,
                concat(phrases({"course", "courses", "test", "tests", "testing", "bug", "bugs"}),
                       phrases(quiz_words))),
         &fill_feature});
    r.push_back({"development.bug_fix",
                 0.8,
                 {phrases({"bug", "bugs", "crash", "crashes", "crashing", "broken", "not working",
                           "doesnt work", "does not work", "defect", "regression", "glitch"})},
                 phrases({"fix", "repair", "debug", "resolve", "patch", "investigate"}),
                 how,
                 &fill_bug});
    r.push_back({"development.bug_fix",
                 0.65,
                 {phrases({"fix", "repair", "debug", "patch"})},
                 phrases({"issue", "problem", "error", "errors"}),
                 how,
                 &fill_bug});
    r.push_back(
        {"development.write_tests",
         0.8,
         {phrases({"test", "tests", "testing", "test coverage", "spec", "specs"}),
          phrases({"write", "add", "create", "generate", "cover", "increase", "improve", "need"})},
         phrases({"unit", "integration", "module", "coverage", "for"}),
         how,
         &fill_tests});
    return r;
  }();
  return all;
}

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
