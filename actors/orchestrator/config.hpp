#pragma once
// Every setting of the Orchestrator agent, each documented beside its default.
// Owned by actors/orchestrator; a config is copied into an agent when it is created and never
// changes while the agent lives. Config is not state: it is not part of a snapshot, but it is
// part of what an audit must reproduce (deployment settings can override parts of it).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::orchestrator {

/// An agent that can do the work of an intent, and the task type it knows it as.
struct route_option {
  std::string agent;     ///< target agent kind ("operations")
  std::string task_type; ///< Task.type ("operations.diagnose_latency")
};

/// How an intent becomes a task.
struct intent_route {
  /// Capable agents, in order of preference when their success rates are equal; the one with
  /// the best Laplace-smoothed success rate (s + 1) / (n + 2) is chosen.
  std::vector<route_option> options;
  int priority = 5; ///< Task.priority, 0 (lowest) .. 9 (highest)
  /// What the reply says is being done; "{slot}" is replaced by the slot's value.
  std::string doing;
  /// Slot values used when the command does not say ("period" -> "today").
  std::map<std::string, std::string> defaults;
  /// The action in a few words, for confirmations and refusals ("deploy {change} to
  /// {environment}"); empty for read-only intents.
  std::string action;
};

/// The routing table: every intent the grammar knows, and its route.
[[nodiscard]] std::map<std::string, intent_route> default_routes();

/// Role-based access: role -> intent patterns it may issue. A pattern is an intent
/// ("support.how_to"), a prefix ("development.*") or "*"; a role not listed may do nothing.
using permission_table = std::map<std::string, std::vector<std::string>>;

/// Roles and what they may ask for.
[[nodiscard]] permission_table default_permissions();

/// An intent that runs only after its requester confirms it, optionally only in one
/// environment: "operations.scale_down@production" is risky when the command names production
/// or no environment at all.
struct risky_intent {
  std::string intent;
  std::string environment; ///< "" = in every environment
};

/// The risky intents by default: deploys, rollbacks, bans, scaling production down, data
/// deletion.
[[nodiscard]] std::vector<risky_intent> default_risky_intents();

/// Configuration of the Orchestrator agent.
struct orchestrator_config {
  std::map<std::string, intent_route> routes = default_routes(); ///< by intent
  permission_table permissions = default_permissions();          ///< by role
  /// A grammar match below this confidence is treated as not understood (language model).
  double min_confidence = 0.5;
  int urgency_bonus = 1; ///< priority added when a command says it is urgent (capped at 9)

  std::int64_t task_timeout_ms = 15 * 60'000;  ///< no outcome by then: the task failed
  std::int64_t effect_timeout_ms = 5 * 60'000; ///< no effect result by then: it failed
  std::string llm_effect_kind = "llm";         ///< EffectRequest.kind for unknown intents
  std::uint32_t llm_context_turns = 3;         ///< earlier turns sent along as context

  std::uint32_t max_turns = 20;    ///< turns kept per conversation (oldest dropped)
  std::size_t max_turn_text = 280; ///< bytes of a command's text kept in a turn
  std::int64_t conversation_ttl_ms = 24 * 3'600'000; ///< idle conversations expire after this
  std::int64_t draft_ttl_ms = 30 * 60'000;           ///< an unconfirmed course draft lapses

  /// Intents that wait for a "yes" from the same principal in the same conversation.
  std::vector<risky_intent> risky_intents = default_risky_intents();
  /// A risky command not confirmed by then (event time) is dropped; a late "yes" does nothing.
  std::int64_t confirm_ttl_ms = 5 * 60'000;
};

/// Name of the agent kind: the prefix of its settings ("<kind>.<name>") and the emitter name
/// in derived event ids.
inline constexpr std::string_view kind_name = "orchestrator";

/// The defaults with deployment settings applied:
///   "orchestrator.permissions.<role>" = "support.*,content.*"  (replaces that role's list;
///                                        an empty value takes every right away)
///   "orchestrator.task_timeout_ms", "orchestrator.effect_timeout_ms" = positive integers
///   "orchestrator.min_confidence" = a number in [0, 1]
///   "orchestrator.risky_intents" = "development.deploy, operations.scale_down@production"
///                                  (replaces the list; each an intent of the routing table)
///   "orchestrator.confirm_ttl_ms" = a positive integer
/// Values that do not parse leave the default in place (`check_settings` reports them).
[[nodiscard]] orchestrator_config config_from_settings(const agent_settings& settings);

/// Bad values and unknown keys among the "orchestrator." settings; empty when they are fine.
[[nodiscard]] std::vector<std::string> check_settings(const agent_settings& settings);

/// Whether `intent` with `slots` (after the route's defaults) must be confirmed first.
[[nodiscard]] bool is_risky(const std::vector<risky_intent>& risky, std::string_view intent,
                            const std::map<std::string, std::string>& slots);

/// Whether `role` may issue `intent` under `permissions`.
[[nodiscard]] bool role_allows(const permission_table& permissions, std::string_view role,
                               std::string_view intent);

} // namespace aetherial::actors::orchestrator
