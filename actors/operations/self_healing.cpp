#include "actors/operations/self_healing.hpp"

#include <algorithm>
#include <vector>

#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

std::vector<runbook> default_runbooks() {
  return {
      {"db_timeout",
       "database-timeout",
       {"restart_connection_pool", "failover_read_replica"},
       120'000},
      {"http_5xx_burst", "http-5xx-burst", {"rollback_deploy", "restart_service"}, 180'000},
      {"disk_full", "disk-full", {"rotate_logs", "expand_volume"}, 300'000},
      {"agent_quarantined",
       "agent-quarantine",
       {"restart_agent_host", "rebalance_partitions"},
       120'000},
  };
}

namespace {

std::string action_key(std::string_view runbook_name, std::string_view action) {
  std::string k(runbook_name);
  k += '|';
  k += action;
  return k;
}

std::string problem_key(std::string_view service, std::string_view kind) {
  std::string k(service);
  k += '|';
  k += kind;
  return k;
}

const runbook& runbook_for(const self_healing_config& cfg, std::string_view kind) {
  for (const auto& r : cfg.runbooks)
    if (r.incident_kind == kind && !r.actions.empty()) return r;
  return cfg.fallback;
}

const runbook* runbook_named(const self_healing_config& cfg, std::string_view name) {
  for (const auto& r : cfg.runbooks)
    if (r.name == name) return &r;
  return cfg.fallback.name == name ? &cfg.fallback : nullptr;
}

void prune_times(std::vector<std::int64_t>& times, std::int64_t now, std::int64_t window) {
  times.erase(
      std::remove_if(times.begin(), times.end(), [&](std::int64_t t) { return t <= now - window; }),
      times.end());
}

std::string rate_text(const self_healing_state& s, std::string_view runbook_name,
                      std::string_view action) {
  const auto it = s.actions.find(action_key(runbook_name, action));
  const std::uint32_t ok = it == s.actions.end() ? 0 : it->second.successes;
  const std::uint32_t bad = it == s.actions.end() ? 0 : it->second.failures;
  return std::string(action) + " " + fixed(learned_success_rate(s, runbook_name, action)) + " (" +
         integer(ok) + " of " + integer(ok + bad) + " verified)";
}

// The action with the best learned rate, skipping actions that already failed for this
// incident while an untried one remains; ties go to the runbook's order.
const std::string& choose_action(const self_healing_state& s, const runbook& rb,
                                 const incident_record& inc) {
  auto failed = [&](const std::string& a) {
    return std::find(inc.failed_actions.begin(), inc.failed_actions.end(), a) !=
           inc.failed_actions.end();
  };
  const bool untried_left =
      std::any_of(rb.actions.begin(), rb.actions.end(), [&](const auto& a) { return !failed(a); });
  const std::string* best = nullptr;
  double best_rate = -1.0;
  for (const auto& a : rb.actions) {
    if (untried_left && failed(a)) continue;
    const double r = learned_success_rate(s, rb.name, a);
    if (r > best_rate) {
      best_rate = r;
      best = &a;
    }
  }
  return *best;
}

void emit_remediation(self_healing_state& s, const self_healing_config& cfg, const std::string& id,
                      incident_record& inc, problem_record& prob, const std::string& lead,
                      context& ctx) {
  const runbook* rb = runbook_named(cfg, inc.runbook);
  if (rb == nullptr) rb = &runbook_for(cfg, inc.kind);
  const std::int64_t now = ctx.event_time_ms();
  const auto& action = choose_action(s, *rb, inc);
  inc.action = action;
  inc.attempt += 1;
  inc.deadline_ms = now + rb->verify_deadline_ms;
  inc.status = incident_status::remediating;
  prob.attempts.push_back(now);
  prob.open_incident = id;

  const double rate = learned_success_rate(s, rb->name, action);
  std::string alternatives;
  for (const auto& a : rb->actions) {
    if (a == action) continue;
    alternatives += alternatives.empty() ? "" : ", ";
    alternatives += rate_text(s, rb->name, a);
  }
  const std::string reason =
      lead + "; runbook " + rb->name + " attempt " + integer(inc.attempt) + ": " +
      rate_text(s, rb->name, action) + " learned success rate (Laplace-smoothed)" +
      (alternatives.empty() ? std::string() : "; alternatives: " + alternatives) + "; verify by " +
      integer(inc.deadline_ms) + " ms (+" + integer(rb->verify_deadline_ms / 1000) + " s)";
  auto& b = ctx.builder();
  const auto payload = fbs::CreateRemediationDecisionDirect(
      b, id.c_str(), inc.service.c_str(), rb->name.c_str(), action.c_str(), inc.attempt,
      inc.deadline_ms, rate, reason.c_str());
  ctx.emit(output::decisions, inc.service, fbs::Payload::RemediationDecision, payload.Union(), id);
}

void emit_escalation(const self_healing_config& cfg, const std::string& id, incident_record& inc,
                     problem_record& prob, const std::string& why, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  inc.status = incident_status::escalated;
  inc.closed_ms = now;
  prob.escalated = true;
  prob.escalated_ms = now;
  prob.open_incident.clear();
  const int attempts = static_cast<int>(prob.attempts.size());
  const std::string reason = inc.kind + " on " + inc.service + " (incident " + id +
                             ") escalated to " + cfg.escalation_role + ": " + why + "; " +
                             integer(attempts) + " automated remediation attempts in the last " +
                             integer(cfg.recurrence_window_ms / 1000) + " s";
  auto& b = ctx.builder();
  const auto payload = fbs::CreateEscalationDecisionDirect(
      b, id.c_str(), inc.service.c_str(), attempts, cfg.escalation_role.c_str(), reason.c_str());
  ctx.emit(output::decisions, inc.service, fbs::Payload::EscalationDecision, payload.Union(), id);
  prob.strikes.clear();
  prob.attempts.clear();
}

// Records a strike; true if the problem has now reached the escalation threshold.
bool strike(problem_record& prob, const self_healing_config& cfg, std::int64_t now) {
  prune_times(prob.strikes, now, cfg.recurrence_window_ms);
  prune_times(prob.attempts, now, cfg.recurrence_window_ms);
  prob.strikes.push_back(now);
  return static_cast<int>(prob.strikes.size()) >= std::max(cfg.escalate_after, 1);
}

// Closes the current attempt of `id` with a verdict, learns from it, and follows up.
void conclude(self_healing_state& s, const self_healing_config& cfg, const std::string& id,
              incident_record& inc, bool success, const std::string& evidence, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  auto& record = s.actions[action_key(inc.runbook, inc.action)];
  if (success)
    ++record.successes;
  else
    ++record.failures;
  auto& prob = s.problems[problem_key(inc.service, inc.kind)];

  const std::string verdict = std::string(success ? "verified" : "failed") + ": " + inc.action +
                              " (attempt " + integer(inc.attempt) + ") for " + inc.kind + " on " +
                              inc.service + ": " + evidence + "; " +
                              rate_text(s, inc.runbook, inc.action) + " now";
  auto& b = ctx.builder();
  const auto payload = fbs::CreateVerificationDecisionDirect(
      b, id.c_str(), inc.service.c_str(), inc.runbook.c_str(), success, verdict.c_str());
  ctx.emit(output::decisions, inc.service, fbs::Payload::VerificationDecision, payload.Union(), id);

  if (success) {
    inc.status = incident_status::resolved;
    inc.closed_ms = now;
    if (prob.open_incident == id) prob.open_incident.clear();
    return;
  }
  inc.failed_actions.push_back(inc.action);
  if (strike(prob, cfg, now)) {
    emit_escalation(cfg, id, inc, prob,
                    integer(static_cast<std::int64_t>(prob.strikes.size())) +
                        " failures or recurrences within " +
                        integer(cfg.recurrence_window_ms / 1000) + " s (threshold " +
                        integer(cfg.escalate_after) + "), last: " + evidence,
                    ctx);
    return;
  }
  emit_remediation(s, cfg, id, inc, prob,
                   "retrying " + inc.kind + " on " + inc.service + " after " + inc.action +
                       " failed (" + integer(static_cast<std::int64_t>(prob.strikes.size())) +
                       " of " + integer(cfg.escalate_after) + " strikes)",
                   ctx);
}

void prune_closed(self_healing_state& s, const self_healing_config& cfg, std::int64_t now) {
  for (auto it = s.incidents.begin(); it != s.incidents.end();) {
    if (it->second.status != incident_status::remediating &&
        it->second.closed_ms <= now - cfg.retention_ms)
      it = s.incidents.erase(it);
    else
      ++it;
  }
}

} // namespace

double learned_success_rate(const self_healing_state& s, std::string_view runbook_name,
                            std::string_view action) {
  const auto it = s.actions.find(action_key(runbook_name, action));
  if (it == s.actions.end()) return 0.5;
  const double ok = it->second.successes;
  const double all = static_cast<double>(it->second.successes) + it->second.failures;
  return (ok + 1.0) / (all + 2.0);
}

void expire_remediations(self_healing_state& s, const self_healing_config& cfg, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  // Collect first: concluding may emit a retry with a new deadline for the same incident.
  std::vector<std::string> expired;
  for (const auto& [id, inc] : s.incidents)
    if (inc.status == incident_status::remediating && inc.deadline_ms < now) expired.push_back(id);
  for (const auto& id : expired) {
    auto& inc = s.incidents.at(id);
    conclude(s, cfg, id, inc, false,
             "no successful outcome or healthy check by the deadline " + integer(inc.deadline_ms) +
                 " ms (event time now " + integer(now) + " ms)",
             ctx);
  }
  prune_closed(s, cfg, now);
}

void on_health_incident(self_healing_state& s, const self_healing_config& cfg,
                        const fbs::HealthIncident& incident, context& ctx) {
  const std::string id(view(incident.incident_id()));
  const std::string service(view(incident.service()));
  const std::string kind(view(incident.kind()));
  if (id.empty() || service.empty() || kind.empty()) return;
  if (s.incidents.count(id) != 0) return; // a redelivered incident changes nothing
  const std::int64_t now = ctx.event_time_ms();
  auto& prob = s.problems[problem_key(service, kind)];

  if (prob.escalated && now - prob.escalated_ms >= cfg.recurrence_window_ms)
    prob.escalated = false; // the escalation window is over: automation resumes
  const bool recurring =
      prob.has_incident && now - prob.last_incident_ms < cfg.recurrence_window_ms;
  const std::int64_t previous_ms = prob.last_incident_ms;
  prob.has_incident = true;
  prob.last_incident_ms = now;

  const runbook& rb = runbook_for(cfg, kind);
  incident_record inc;
  inc.service = service;
  inc.kind = kind;
  inc.runbook = rb.name;
  inc.opened_ms = now;
  auto& stored = s.incidents.emplace(id, std::move(inc)).first->second;

  if (prob.escalated) {
    // Already with a human: fold the repeat into the escalation.
    ++prob.absorbed;
    stored.status = incident_status::escalated;
    stored.closed_ms = now;
    return;
  }
  if (recurring) {
    const std::string why = kind + " recurred on " + service + " " +
                            integer((now - previous_ms) / 1000) + " s after the previous incident";
    if (strike(prob, cfg, now)) {
      emit_escalation(cfg, id, stored, prob,
                      why + "; " + integer(static_cast<std::int64_t>(prob.strikes.size())) +
                          " failures or recurrences within " +
                          integer(cfg.recurrence_window_ms / 1000) + " s (threshold " +
                          integer(cfg.escalate_after) + ")",
                      ctx);
      return;
    }
    if (!prob.open_incident.empty() && prob.open_incident != id) {
      // A remediation of the same problem is under way: this incident joins it.
      ++prob.absorbed;
      stored.status = incident_status::resolved;
      stored.closed_ms = now;
      return;
    }
    emit_remediation(s, cfg, id, stored, prob,
                     why + " (" + integer(static_cast<std::int64_t>(prob.strikes.size())) + " of " +
                         integer(cfg.escalate_after) + " strikes)",
                     ctx);
    return;
  }
  emit_remediation(s, cfg, id, stored, prob,
                   kind + " on " + service + " (incident " + id + ", severity " +
                       fbs::EnumNameSeverity(incident.severity()) + ")",
                   ctx);
}

void on_remediation_outcome(self_healing_state& s, const self_healing_config& cfg,
                            const fbs::RemediationOutcome& outcome, context& ctx) {
  const auto it = s.incidents.find(std::string(view(outcome.incident_id())));
  if (it == s.incidents.end()) return;
  auto& inc = it->second;
  // Only the outcome of the current attempt can verify it; late ones are history.
  if (inc.status != incident_status::remediating || view(outcome.action()) != inc.action) return;
  const std::string detail(view(outcome.detail()));
  conclude(s, cfg, it->first, inc, outcome.success(),
           std::string("remediation outcome reported ") +
               (outcome.success() ? "success" : "failure") +
               (detail.empty() ? std::string() : " (" + detail + ")"),
           ctx);
}

void on_health_check(self_healing_state& s, const self_healing_config& cfg,
                     const fbs::HealthCheck& check, context& ctx) {
  if (!check.healthy()) return; // an unhealthy probe proves nothing before the deadline
  const auto service = view(check.service());
  std::vector<std::string> verified;
  for (const auto& [id, inc] : s.incidents)
    if (inc.status == incident_status::remediating && inc.service == service)
      verified.push_back(id);
  const std::string component(view(check.component()));
  for (const auto& id : verified)
    conclude(s, cfg, id, s.incidents.at(id), true,
             "health check of " + std::string(service) +
                 (component.empty() ? std::string() : "/" + component) + " healthy at " +
                 integer(ctx.event_time_ms()) + " ms",
             ctx);
}

} // namespace aetherial::actors::operations
