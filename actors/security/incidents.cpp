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

bool security_agent::held(const std::string& subject, context& ctx) const {
  const subject_slot slot(ctx.tables(), subjects_table, subject);
  return slot.record &&
         (slot.record->ban != ban_status::none || slot.record->blocked_until_ms != 0);
}

std::string security_agent::raise(const detection& d, context& ctx) {
  std::string id = d.incident_id;
  if (id.empty()) id = "sec-" + ctx.cause_id().to_string() + "-" + integer(incidents_this_event_);
  ++incidents_this_event_;
  // A repeat offender's incident is one level more severe.
  fbs::Severity severity = d.severity;
  if (const subject_slot slot(ctx.tables(), subjects_table, d.subject);
      slot.record && !slot.record->offenses.empty() &&
      slot.record->offenses.back() > ctx.event_time_ms() - cfg_.offense_window_ms)
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
  auto& tables = ctx.tables();
  if (rec.blocked_until_ms != 0) unblock_due_.unfile(tables, subject, rec.blocked_until_ms);
  rec.blocked_until_ms = until;
  if (rec.ban == ban_status::none) unblock_due_.file(tables, subject, until);
  emit_block(subject, "block", until - now, until, rec.incident_id, reason, ctx);
}

void security_agent::expire(context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  auto& tables = ctx.tables();
  ban_due_.take_due(tables, now, [&](const kit::index_entry& e) -> std::optional<std::int64_t> {
    subject_slot slot(tables, subjects_table, e.key);
    if (!slot.record) slot.record.emplace();
    end_proposal(*slot.record, e.key,
                 "no approval within " + duration(cfg_.ban_approval_timeout_ms) +
                     "; permanent ban dropped",
                 ctx);
    store(slot, tables);
    return std::nullopt;
  });
  unblock_due_.take_due(tables, now, [&](const kit::index_entry& e) -> std::optional<std::int64_t> {
    subject_slot slot(tables, subjects_table, e.key);
    if (!slot.record) slot.record.emplace();
    slot.record->blocked_until_ms = 0;
    emit_block(e.key, "unblock", 0, e.at, slot.record->incident_id,
               "block expired at " + integer(e.at), ctx);
    store(slot, tables);
    return std::nullopt;
  });
}

void security_agent::store(subject_slot& slot, table_store& tables) {
  slot.save();
  // Filed anew on every write: the time may have moved earlier (a rejected ban, a lifted
  // block); an entry left at an earlier time is filed again here when it comes due.
  if (slot.record)
    if (const auto at = forget_at(*slot.record, cfg_))
      subjects_expiry_.file(tables, slot.key(), *at);
}

} // namespace aetherial::actors::security
