// Incidents and blocks: raising incidents, blocking subjects, and expiring blocks and ban
// proposals.

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "actors/security/detection.hpp"
#include "actors/security/security_agent.hpp"
#include "actors/security/signatures.hpp"
#include "actors/security/text.hpp"

namespace aetherial::actors::security {

namespace {

fbs::Severity raise_severity(fbs::Severity s) {
  return s == fbs::Severity::info ? fbs::Severity::warning : fbs::Severity::critical;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Incidents, blocks and bans
// ---------------------------------------------------------------------------------------

bool security_agent::held(const std::string& subject) const {
  const auto it = state_.subjects.find(subject);
  if (it == state_.subjects.end()) return false;
  return it->second.ban != ban_status::none || it->second.blocked_until_ms != 0;
}

std::string security_agent::raise(const detection& d, context& ctx) {
  std::string id = d.incident_id;
  if (id.empty()) id = "sec-" + ctx.cause_id().to_string() + "-" + integer(incidents_this_event_);
  ++incidents_this_event_;
  // A repeat offender's incident is one level more severe.
  fbs::Severity severity = d.severity;
  const auto it = state_.subjects.find(d.subject);
  if (it != state_.subjects.end() && !it->second.offenses.empty() &&
      it->second.offenses.back() > ctx.event_time_ms() - cfg_.offense_window_ms)
    severity = raise_severity(severity);
  auto& b = ctx.builder();
  auto p = fbs::CreateSecurityIncidentDirect(b, id.c_str(), d.kind.c_str(), severity,
                                             d.subject.c_str(), d.score, d.evidence.c_str());
  ctx.emit(output::decisions, d.subject, fbs::Payload::SecurityIncident, p.Union(), id);
  return id;
}

void security_agent::emit_block(const std::string& subject, std::string_view action,
                                std::int64_t ttl_ms, std::int64_t until_ms,
                                const std::string& incident, const std::string& reason,
                                context& ctx) {
  auto& b = ctx.builder();
  const std::string a(action);
  auto p = fbs::CreateBlockDecisionDirect(b, subject.c_str(), a.c_str(), ttl_ms, until_ms,
                                          incident.c_str(), reason.c_str());
  ctx.emit(output::decisions, subject, fbs::Payload::BlockDecision, p.Union(), incident);
}

void security_agent::block(subject_record& rec, const std::string& subject, std::int64_t until,
                           const std::string& reason, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  if (rec.blocked_until_ms != 0) unblock_due_.erase({rec.blocked_until_ms, subject});
  rec.blocked_until_ms = until;
  if (rec.ban == ban_status::none) unblock_due_.emplace(until, subject);
  emit_block(subject, "block", until - now, until, rec.incident_id, reason, ctx);
}

void security_agent::expire(context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  while (!ban_due_.empty() && ban_due_.begin()->first <= now) {
    const std::string subject = ban_due_.begin()->second;
    auto& rec = state_.subjects[subject];
    end_proposal(rec, subject,
                 "no approval within " + duration(cfg_.ban_approval_timeout_ms) +
                     "; permanent ban dropped",
                 ctx);
  }
  while (!unblock_due_.empty() && unblock_due_.begin()->first <= now) {
    const auto [until, subject] = *unblock_due_.begin();
    unblock_due_.erase(unblock_due_.begin());
    auto& rec = state_.subjects[subject];
    rec.blocked_until_ms = 0;
    emit_block(subject, "unblock", 0, until, rec.incident_id, "block expired at " + integer(until),
               ctx);
  }
}

} // namespace aetherial::actors::security
