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
    const auto rollback_words =
        phrases({"roll back", "rolled back", "rolling back", "rollback", "rollbacks", "revert",
                 "reverted", "reverting", "rolback", "roll it back", "undo the deploy",
                 "undo the release", "downgrade", "downgraded"});
    // Words of a feature, so "Add a ban button" or "Add a delete account option" is a feature.
    const auto feature_things =
        phrases({"button", "toggle", "option", "feature", "page", "screen", "endpoint", "menu",
                 "setting", "settings", "form", "test", "tests", "widget", "tab", "field"});
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
                           "monthly active", "dau", "wau", "mau", "users active", "actve users",
                           "actve user", "activ users", "active usres", "active usrs",
                           "how many users", "user count", "number of users", "active accounts"})},
                 phrases({"show", "today", "todays", "count", "how many", "number", "yesterday",
                          "week", "month", "report"}),
                 how,
                 &fill_active_users});
    r.push_back({"analytics.popular_features",
                 0.8,
                 {phrases({"feature", "features", "functionality", "functions"}),
                  phrases({"popular", "most used", "used most", "most use", "top", "usage",
                           "favorite", "favourite", "most", "best", "trending"})},
                 phrases({"which", "what", "show", "list", "week", "today", "month"}),
                 how,
                 nullptr});
    r.push_back({"analytics.retention",
                 0.8,
                 {phrases({"retention", "churn", "churning", "retained", "retaining", "come back",
                           "coming back", "came back", "returning users", "return rate"})},
                 phrases({"why", "user", "users", "dropping", "drop", "falling", "down",
                          "new users", "cohort", "cohorts"}),
                 how,
                 nullptr});
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
                 {phrases({"deploy",
                           "deploying",
                           "deployed",
                           "deploys",
                           "deployment",
                           "deployments",
                           "redeploy",
                           "redeployed",
                           "release",
                           "released",
                           "ship",
                           "shipped",
                           "shipping",
                           "roll out",
                           "rolled out",
                           "rollout",
                           "push to production",
                           "go live",
                           "deplyo",
                           "dpeloy",
                           "deply",
                           "depoly",
                           "delpoy",
                           "deplpy",
                           "deploymnet",
                           "deployement"})},
                 phrases({"production", "prod", "staging", "live", "feature", "version", "build"}),
                 concat(how, rollback_words),
                 &fill_deploy,
                 true});
    r.push_back({"content.create_course",
                 0.8,
                 {phrases({"course", "courses", "curriculum", "learning path", "cours", "coruse",
                           "corse", "cuorse"}),
                  phrases({"create", "make", "build", "design", "generate", "new", "write", "start",
                           "prepare", "set up", "draft", "develop", "created", "made", "built",
                           "designed", "written", "creat", "craete"})},
                 concat(phrases({"about", "on", "lessons", "modules"}), phrases(quiz_words)),
                 how,
                 &fill_course,
                 true});
    r.push_back({"support.payment_issue",
                 0.75,
                 {phrases({"payment", "payments",     "paymnet",     "paymet",   "payemnt",
                           "paid",    "pay",          "charge",      "charged",  "charges",
                           "refund",  "refunds",      "billing",     "bill",     "invoice",
                           "card",    "subscription", "transaction", "purchase", "purchased"})},
                 phrases({"didnt go through", "did not go through", "not go through", "failed",
                          "declined", "rejected", "twice", "double", "missing", "wrong", "problem",
                          "issue", "error", "cant", "cannot", "stuck", "my"}),
                 concat(how, phrases({"debug", "bug", "bugs"})),
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
         &fill_feature,
         true});
    r.push_back({"development.bug_fix",
                 0.8,
                 {phrases({"bug", "bugs", "crash", "crashes", "crashing", "broken", "not working",
                           "doesnt work", "does not work", "defect", "regression", "glitch"})},
                 phrases({"fix", "repair", "debug", "resolve", "patch", "investigate"}),
                 how,
                 &fill_bug,
                 true});
    r.push_back({"development.bug_fix",
                 0.65,
                 {phrases({"fix", "repair", "debug", "patch"})},
                 phrases({"issue", "problem", "error", "errors"}),
                 how,
                 &fill_bug,
                 true});
    r.push_back({"development.write_tests",
                 0.8,
                 {phrases({"test", "tests", "testing", "test coverage", "spec", "specs"}),
                  phrases({"write", "add", "create", "generate", "cover", "increase", "improve",
                           "need", "written", "wrote", "added", "created", "generated"})},
                 phrases({"unit", "integration", "module", "coverage", "for"}),
                 how,
                 &fill_tests,
                 true});
    r.push_back({"development.rollback",
                 0.85,
                 {concat(rollback_words, phrases({"roll"}))},
                 phrases({"deploy", "deployment", "release", "version", "previous", "last",
                          "production", "prod", "back"}),
                 concat(how, phrases({"roll out", "rolled out", "rolling out", "rollout"})),
                 &fill_rollback,
                 true});
    r.push_back(
        {"security.ban",
         0.8,
         {phrases({"ban", "bans", "banned", "banning", "blacklist", "blocklist", "bna", "block ip",
                   "block the ip", "block user", "block the user", "block address", "suspend user",
                   "suspend the user", "suspend account", "suspend the account"})},
         phrases({"user", "ip", "address", "account", "spammer"}),
         concat(how, feature_things),
         &fill_ban,
         true});
    const auto scale_words = phrases({"scale", "scaled", "scaling", "sacle", "downscale", "upscale",
                                      "replicas", "instances", "pods"});
    r.push_back({"operations.scale_down",
                 0.8,
                 {scale_words, phrases({"down", "scale in", "downscale", "reduce", "decrease",
                                        "fewer", "shrink", "lower", "cut"})},
                 phrases({"production", "prod", "replicas", "instances", "to"}),
                 concat(how, feature_things),
                 &fill_scale,
                 true});
    r.push_back({"operations.scale_up",
                 0.8,
                 {scale_words,
                  phrases({"up", "scale out", "upscale", "increase", "more", "raise", "grow"})},
                 phrases({"production", "prod", "replicas", "instances", "to"}),
                 concat(how, feature_things),
                 &fill_scale,
                 true});
    r.push_back({"data.delete",
                 0.8,
                 {phrases({"delete", "deleted", "deleting", "erase", "erased", "erasing", "wipe",
                           "wiped", "purge", "purged", "remove", "removed", "destroy", "drop",
                           "delte", "deleet", "earse"}),
                  phrases({"data", "tenant", "tenants", "records", "personal data", "pii",
                           "account data", "user data", "customer data", "gdpr"})},
                 phrases({"all", "everything", "permanently", "user", "tenant", "gdpr"}),
                 concat(how, feature_things),
                 &fill_delete,
                 true});
    return r;
  }();
  return all;
}

} // namespace aetherial::actors::orchestrator
