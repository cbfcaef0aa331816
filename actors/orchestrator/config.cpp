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
  r["analytics.popular_features"] = {
      {{"analytics", "analytics.popular_features"}}, 4, "Ranking the most used features", {}};
  r["analytics.retention"] = {
      {{"analytics", "analytics.retention"}}, 4, "Comparing the retention of new users", {}};
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
                             {{"environment", "staging"}, {"change", "the latest build"}},
                             "deploy {change}{ of $service} to {environment}{ at commit $commit}"};
  // Read-only: no agent answers it today, so the Orchestrator says it has no deploy record.
  r["development.deploy_status"] = {
      {{"development", "development.deploy_status"}}, 4, "Looking up the deploy{ of $service}", {}};
  // Risky intents without a handler today: the table names the agent that owns the matter;
  // none does the task type, so a confirmed command is answered, honestly, with nothing done.
  r["development.rollback"] = {{{"development", "development.rollback"}},
                               8,
                               "Rolling back{ $service} to the {version} version",
                               {{"version", "previous"}},
                               "roll back{ $service}{ in $environment} to the {version} version"};
  r["security.ban"] = {{{"security", "security.ban"}},
                       8,
                       "Banning {target}",
                       {{"target", "the named user or address"}},
                       "ban {target}"};
  r["operations.scale_down"] = {{{"operations", "operations.scale_down"}},
                                7,
                                "Scaling {service} down",
                                {{"service", "the named service"}},
                                "scale {service} down{ to $replicas replicas}{ in $environment}"};
  r["operations.scale_up"] = {{{"operations", "operations.scale_up"}},
                              7,
                              "Scaling {service} up",
                              {{"service", "the named service"}},
                              "scale {service} up{ to $replicas replicas}{ in $environment}"};
  r["data.delete"] = {{},
                      8,
                      "Deleting the data of {target}",
                      {{"target", "the named owner"}},
                      "delete all data of {target}, permanently"};
  r["content.create_course"] = {{{"content", "content.create_course"}},
                                3,
                                "Building the course about {topic}",
                                {{"topic", "the requested subject"}, {"quizzes", "false"}},
                                "create a course about {topic}"};
  r["support.how_to"] = {
      {{"support", "support.how_to"}}, 4, "Looking up how to {subject}", {{"subject", "do that"}}};
  r["support.payment_issue"] = {{{"support", "support.payment_issue"}},
                                8,
                                "Checking your payment with the Support agent",
                                {{"topic", "money"}}};
  r["development.feature_request"] = {{{"development", "development.feature_request"}},
                                      3,
                                      "Implementing {feature}",
                                      {{"feature", "the requested feature"}},
                                      "implement {feature}"};
  r["development.bug_fix"] = {{{"development", "development.bug_fix"}},
                              6,
                              "Investigating the {component} bug",
                              {{"component", "reported"}},
                              "fix the {component} bug"};
  r["development.write_tests"] = {{{"development", "development.write_tests"}},
                                  3,
                                  "Writing {test_kind} tests for {module}",
                                  {{"test_kind", "unit"}, {"module", "the named code"}},
                                  "write {test_kind} tests for {module}"};
  return r;
}

permission_table default_permissions() {
  return {
      {"admin", {"*"}},
      {"developer", {"development.*", "operations.diagnose_latency", "support.*", "general.ask"}},
      {"operator", {"operations.*", "support.*", "general.ask"}},
      {"analyst", {"analytics.*", "support.*", "content.*", "general.ask"}},
      {"moderator", {"content.*", "support.*", "general.ask"}},
      {"user", {"support.*", "content.*", "general.ask"}},
  };
}

std::vector<risky_intent> default_risky_intents() {
  return {{"development.deploy", ""},    {"development.rollback", ""}, {"security.ban", ""},
          {"operations.scale_down", ""}, {"operations.scale_up", ""},  {"data.delete", ""}};
}

bool is_risky(const std::vector<risky_intent>& risky, std::string_view intent,
              const std::map<std::string, std::string>& slots) {
  for (const auto& r : risky) {
    if (r.intent != intent) continue;
    if (r.environment.empty()) return true;
    const auto env = slots.find("environment");
    if (env == slots.end() || env->second.empty() || env->second == r.environment) return true;
  }
  return false;
}

namespace {

void read_config(kit::settings_reader& r, orchestrator_config& cfg) {
  for (const auto& [role, intents] : r.get_family("permissions"))
    cfg.permissions[role] = kit::split_list(intents);
  cfg.task_timeout_ms = r.get_int64("task_timeout_ms", cfg.task_timeout_ms, 1);
  cfg.effect_timeout_ms = r.get_int64("effect_timeout_ms", cfg.effect_timeout_ms, 1);
  cfg.min_confidence = r.get_double("min_confidence", cfg.min_confidence, 0.0, 1.0);
  cfg.confirm_ttl_ms = r.get_int64("confirm_ttl_ms", cfg.confirm_ttl_ms, 1);
  std::vector<std::string> current;
  for (const auto& x : cfg.risky_intents)
    current.push_back(x.environment.empty() ? x.intent : x.intent + "@" + x.environment);
  const auto listed = r.get_list("risky_intents", current);
  std::vector<risky_intent> risky;
  bool ok = true;
  for (const auto& item : listed) {
    const auto at = item.find('@');
    risky_intent x{item.substr(0, at), at == std::string::npos ? "" : item.substr(at + 1)};
    ok = ok && cfg.routes.count(x.intent) != 0 &&
         (at == std::string::npos || !x.environment.empty());
    risky.push_back(std::move(x));
  }
  if (ok)
    cfg.risky_intents = std::move(risky);
  else
    r.reject("risky_intents", "intents of the routing table, each optionally \"@<environment>\"");
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
