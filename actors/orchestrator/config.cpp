#include "actors/orchestrator/config.hpp"

#include <string>

#include "actors/kit/settings.hpp"

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

void read_config(kit::settings_reader& r, orchestrator_config& cfg) {
  for (const auto& [role, intents] : r.get_family("permissions"))
    cfg.permissions[role] = kit::split_list(intents);
  cfg.task_timeout_ms = r.get_int64("task_timeout_ms", cfg.task_timeout_ms, 1);
  cfg.effect_timeout_ms = r.get_int64("effect_timeout_ms", cfg.effect_timeout_ms, 1);
  cfg.min_confidence = r.get_double("min_confidence", cfg.min_confidence, 0.0, 1.0);
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(orchestrator_config, config_from_settings, read_config)

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
