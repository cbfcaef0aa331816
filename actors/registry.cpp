#include "actors/registry.hpp"

#include "actors/kit/gather.hpp"

#include "actors/analytics/analytics_agent.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/analytics/tables.hpp"
#include "actors/content/content_agent.hpp"
#include "actors/content/state_codec.hpp"
#include "actors/development/development_agent.hpp"
#include "actors/development/state_codec.hpp"
#include "actors/development/tables.hpp"
#include "actors/operations/operations_agent.hpp"
#include "actors/operations/service_table.hpp"
#include "actors/operations/state_codec.hpp"
#include "actors/orchestrator/orchestrator_agent.hpp"
#include "actors/orchestrator/state_codec.hpp"
#include "actors/orchestrator/tables.hpp"
#include "actors/security/security_agent.hpp"
#include "actors/security/state_codec.hpp"
#include "actors/security/tables.hpp"
#include "actors/support/state_codec.hpp"
#include "actors/support/support_agent.hpp"
#include "actors/support/tables.hpp"

namespace aetherial::actors {

namespace {

agent_kind kind(std::string_view name, std::vector<std::string> inputs, std::uint32_t version,
                std::uint32_t min_version, std::unique_ptr<agent> (*make)(const agent_settings&),
                std::vector<std::string> (*check_settings)(const agent_settings&),
                std::vector<table_decl> tables = {}) {
  agent_kind k;
  k.name = std::string(name);
  k.input_topics = std::move(inputs);
  k.state_version = version;
  k.min_state_version = min_version;
  k.make = make;
  k.check_settings = check_settings;
  // Every kind keeps tables: those it declares, and the runtime's `$state` for a state too
  // large for one snapshot record (runtime/state_spill.hpp).
  k.uses_tables = true;
  k.tables = std::move(tables);
  return k;
}

std::vector<table_decl> security_tables() {
  const std::string requester = "aetherial.state.security.RequesterRow";
  const auto index = [](std::string_view name) { return table_decl{std::string(name), {}, true}; };
  return {{std::string(security::ips_table), requester},
          {std::string(security::users_table), requester},
          {std::string(security::subjects_table), "aetherial.state.security.SubjectRow"},
          {std::string(security::bucket_sources_table), {}},
          index(security::ips_expiry_index),
          index(security::users_expiry_index),
          index(security::subjects_expiry_index),
          index(security::unblock_due_index),
          index(security::ban_due_index)};
}

std::vector<table_decl> support_tables() {
  const auto index = [](std::string_view name) { return table_decl{std::string(name), {}, true}; };
  return {{std::string(support::conversations_table), "aetherial.state.support.ConversationRow"},
          {std::string(support::replies_table), "aetherial.state.support.ReplyRow"},
          index(support::conversations_expiry_index),
          index(support::replies_expiry_index)};
}

std::vector<table_decl> orchestrator_tables() {
  const auto index = [](std::string_view name) { return table_decl{std::string(name), {}, true}; };
  return {
      {std::string(orchestrator::conversations_table), "aetherial.state.orchestrator.Conversation"},
      {std::string(orchestrator::tasks_table), "aetherial.state.orchestrator.PendingTask"},
      {std::string(orchestrator::effects_table), "aetherial.state.orchestrator.PendingEffect"},
      index(orchestrator::conversations_expiry_index),
      index(orchestrator::tasks_deadline_index),
      index(orchestrator::effects_deadline_index)};
}

std::vector<table_decl> development_tables() {
  const auto index = [](std::string_view name) { return table_decl{std::string(name), {}, true}; };
  return {{std::string(development::repos_table), "aetherial.state.development.RepoRow"},
          {std::string(development::tests_table), "aetherial.state.development.TestHistory"},
          {std::string(development::clusters_table), "aetherial.state.development.FailureCluster"},
          {std::string(development::owners_table), "aetherial.state.development.OwnerRow"},
          {std::string(development::changes_table), "aetherial.state.development.ChangeRecord"},
          index(development::tests_expiry_index),
          index(development::clusters_expiry_index),
          index(development::owners_expiry_index),
          index(development::changes_expiry_index)};
}

// The tables of questions that span partitions (actors/kit/gather.hpp).
std::vector<table_decl> gather_tables() {
  return {{std::string(kit::gatherer::table), "aetherial.state.gather.Gather"},
          {std::string(kit::gatherer::parts_table), {}},
          {std::string(kit::gatherer::deadline_index), {}, true}};
}

std::vector<table_decl> with_gathers(std::vector<table_decl> tables) {
  for (auto& t : gather_tables())
    tables.push_back(std::move(t));
  return tables;
}

std::vector<table_decl> analytics_tables() {
  return with_gathers(
      {{std::string(analytics::users_table), "aetherial.state.analytics.UserRow"},
       {std::string(analytics::members_table), "aetherial.state.analytics.MemberRow"},
       {std::string(analytics::sessions_table), "aetherial.state.analytics.SessionRow"},
       {std::string(analytics::days_table), "aetherial.state.analytics.Day"},
       {std::string(analytics::cohorts_table), "aetherial.state.analytics.Cohort"},
       {std::string(analytics::sessions_order_table), {}},
       {std::string(analytics::users_expiry_index), {}, true}});
}

std::vector<agent_kind> build_kinds() {
  std::vector<agent_kind> kinds;
  kinds.push_back(kind(
      operations::kind_name,
      {"platform.metrics", "platform.health", "aetherial.telemetry", "aetherial.tasks"},
      operations::state_encoding_version, operations::min_state_encoding_version,
      &operations::make_operations_agent, &operations::check_settings,
      with_gathers(
          {{std::string(operations::services_table), "aetherial.state.operations.ServiceRow"}})));
  kinds.push_back(kind(orchestrator::kind_name,
                       {"aetherial.commands", "aetherial.tasks", "aetherial.effect-results"},
                       orchestrator::state_encoding_version,
                       orchestrator::min_state_encoding_version,
                       &orchestrator::make_orchestrator_agent, &orchestrator::check_settings,
                       orchestrator_tables()));
  kinds.push_back(
      kind(support::kind_name,
           {"platform.support", "aetherial.tasks", "platform.feedback", "aetherial.broadcast"},
           support::state_encoding_version, support::min_state_encoding_version,
           &support::make_support_agent, &support::check_settings, support_tables()));
  kinds.push_back(kind(content::kind_name,
                       {"platform.content", "platform.feedback", "aetherial.tasks",
                        "aetherial.effect-results", "platform.support", "aetherial.broadcast"},
                       content::state_encoding_version, content::min_state_encoding_version,
                       &content::make_content_agent, &content::check_settings));
  kinds.push_back(
      kind(security::kind_name, {"platform.requests", "platform.feedback", "aetherial.repartition"},
           security::state_encoding_version, security::min_state_encoding_version,
           &security::make_security_agent, &security::check_settings, security_tables()));
  kinds.push_back(kind(analytics::kind_name, {"platform.activity", "aetherial.tasks"},
                       analytics::state_encoding_version, analytics::min_state_encoding_version,
                       &analytics::make_analytics_agent, &analytics::check_settings,
                       analytics_tables()));
  kinds.push_back(kind(
      development::kind_name, {"platform.dev", "aetherial.tasks", "aetherial.effect-results"},
      development::state_encoding_version, development::min_state_encoding_version,
      &development::make_development_agent, &development::check_settings, development_tables()));
  return kinds;
}

} // namespace

const std::vector<agent_kind>& agent_kinds() {
  static const std::vector<agent_kind> kinds = build_kinds();
  return kinds;
}

const agent_kind* find_agent_kind(std::string_view name) {
  for (const auto& k : agent_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

} // namespace aetherial::actors
