#pragma once
// Self-healing: an incident gets a runbook action chosen by learned success rate; the action
// is verified before a deadline from later events (outcomes, health checks, or any event
// whose time passes the deadline); failures retry an alternative; repeated failures or
// recurrences of the same problem are escalated to a human.

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Fails the remediations whose verification deadline is before the event time.
void expire_remediations(self_healing_state& s, const self_healing_config& cfg, context& ctx);

/// Opens (or folds) an incident and decides its first remediation or its escalation.
void on_health_incident(self_healing_state& s, const self_healing_config& cfg,
                        const fbs::HealthIncident& incident, context& ctx);

/// Verifies a remediation from its recorded outcome.
void on_remediation_outcome(self_healing_state& s, const self_healing_config& cfg,
                            const fbs::RemediationOutcome& outcome, context& ctx);

/// Verifies the remediations of a service from a healthy probe.
void on_health_check(self_healing_state& s, const self_healing_config& cfg,
                     const fbs::HealthCheck& check, context& ctx);

/// Laplace-smoothed success rate of a runbook action: (successes + 1) / (attempts + 2).
[[nodiscard]] double learned_success_rate(const self_healing_state& s, std::string_view runbook,
                                          std::string_view action);

} // namespace aetherial::actors::operations
