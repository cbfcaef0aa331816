#include "actors/orchestrator/intent_rules.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::vector<phrase> concat(std::vector<phrase> a, const std::vector<phrase>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const words articles = {"the", "a", "an", "my", "our", "this", "that", "some", "your"};

} // namespace

std::vector<phrase> phrases(const words& w) {
  std::vector<phrase> r;
  r.reserve(w.size());
  for (auto s : w)
    r.push_back(make_phrase(s));
  return r;
}

bool contains_any(const tokens& t, const std::vector<phrase>& ps) {
  for (const auto& p : ps)
    if (find_phrase(t, p) != std::string::npos) return true;
  return false;
}

/// Position of the first of `ws` at or after `from`, or npos.
std::size_t find_word(const tokens& t, const words& ws, std::size_t from) {
  for (std::size_t i = from; i < t.size(); ++i)
    if (one_of(t[i].norm, ws)) return i;
  return std::string::npos;
}

/// Skips articles from `i` on.
std::size_t skip_articles(const tokens& t, std::size_t i) {
  while (i < t.size() && one_of(t[i].norm, articles))
    ++i;
  return i;
}

/// Tokens from `i` up to (excluding) the first of `stops` or ",", as written.
std::string phrase_until(const tokens& t, std::size_t i, const words& stops, std::size_t* end) {
  std::size_t j = i;
  while (j < t.size() && t[j].norm != "," && !one_of(t[j].norm, stops))
    ++j;
  if (end) *end = j;
  return join_orig(t, i, j);
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

} // namespace aetherial::actors::orchestrator
