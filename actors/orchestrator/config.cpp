#include "actors/orchestrator/config.hpp"

#include <charconv>
#include <string>

namespace aetherial::actors::orchestrator {

std::map<std::string, intent_route> default_routes() {
  std::map<std::string, intent_route> r;
  r["analytics.active_users"] = {{{"analytics", "analytics.active_users"}},
                                 4,
                                 "Counting active users for {period}",
                                 {{"period", "today"}}};
  // Latency has two capable agents: Operations (load, incidents, caches) and Development
  // (a regression in a recent change). Outcomes decide which one is asked first.
  r["operations.diagnose_latency"] = {{{"operations", "operations.diagnose_latency"},
                                       {"development", "development.diagnose_latency"}},
                                      7,
                                      "Diagnosing why {subject} is slow",
                                      {{"subject", "the platform"}}};
  r["development.deploy"] = {{{"development", "development.deploy"}},
                             8,
                             "Running tests and the deploy gate before deploying {change} to "
                             "{environment}",
                             {{"environment", "staging"}, {"change", "the latest build"}}};
  r["content.create_course"] = {{{"content", "content.create_course"}},
                                3,
                                "Building the course about {topic}",
                                {{"topic", "the requested subject"}, {"quizzes", "false"}}};
  r["support.how_to"] = {
      {{"support", "support.how_to"}}, 4, "Looking up how to {subject}", {{"subject", "do that"}}};
  r["support.payment_issue"] = {{{"support", "support.payment_issue"}},
                                8,
                                "Checking your payment with the Support agent",
                                {{"topic", "money"}}};
  r["development.feature_request"] = {{{"development", "development.feature_request"}},
                                      3,
                                      "Implementing {feature}",
                                      {{"feature", "the requested feature"}}};
  r["development.bug_fix"] = {{{"development", "development.bug_fix"}},
                              6,
                              "Investigating the {component} bug",
                              {{"component", "reported"}}};
  r["development.write_tests"] = {{{"development", "development.write_tests"}},
                                  3,
                                  "Writing {test_kind} tests for {module}",
                                  {{"test_kind", "unit"}, {"module", "the named code"}}};
  return r;
}

permission_table default_permissions() {
  return {
      {"admin", {"*"}},
      {"developer", {"development.*", "operations.diagnose_latency", "support.*", "general.ask"}},
      {"analyst", {"analytics.*", "support.*", "content.*", "general.ask"}},
      {"moderator", {"content.*", "support.*", "general.ask"}},
      {"user", {"support.*", "content.*", "general.ask"}},
  };
}

namespace {

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    while (!cur.empty() && cur.back() == ' ')
      cur.pop_back();
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (char c : v) {
    if (c == ',') {
      flush();
    } else if (c != ' ' || !cur.empty()) {
      cur.push_back(c);
    }
  }
  flush();
  return out;
}

bool parse_positive(const std::string& v, std::int64_t& out) {
  std::int64_t x = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || x <= 0) return false;
  out = x;
  return true;
}

} // namespace

orchestrator_config config_from_settings(const agent_settings& settings) {
  orchestrator_config cfg;
  constexpr std::string_view perm_prefix = "orchestrator.permissions.";
  for (const auto& [key, value] : settings) {
    if (key.compare(0, perm_prefix.size(), perm_prefix) == 0 && key.size() > perm_prefix.size()) {
      cfg.permissions[key.substr(perm_prefix.size())] = split_list(value);
    } else if (key == "orchestrator.task_timeout_ms") {
      (void)parse_positive(value, cfg.task_timeout_ms);
    } else if (key == "orchestrator.effect_timeout_ms") {
      (void)parse_positive(value, cfg.effect_timeout_ms);
    } else if (key == "orchestrator.min_confidence") {
      // from_chars is locale-independent, unlike strtod.
      double x = 0.0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), x);
      const bool ok = r.ec == std::errc{} && r.ptr == value.data() + value.size() && x >= 0.0;
      if (ok && x <= 1.0) cfg.min_confidence = x;
    }
  }
  return cfg;
}

bool role_allows(const permission_table& permissions, std::string_view role,
                 std::string_view intent) {
  const auto it = permissions.find(std::string(role));
  if (it == permissions.end()) return false;
  for (const auto& p : it->second) {
    if (p == "*" || p == intent) return true;
    if (p.size() >= 2 && p.compare(p.size() - 2, 2, ".*") == 0 &&
        intent.substr(0, p.size() - 1) == std::string_view(p).substr(0, p.size() - 1))
      return true;
  }
  return false;
}

} // namespace aetherial::actors::orchestrator
