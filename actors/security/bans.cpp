// Offenses and bans: repeat offenders get a ban proposal that waits for a human approval.

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "actors/kit/access.hpp"
#include "actors/security/detection.hpp"
#include "actors/security/security_agent.hpp"
#include "actors/security/signatures.hpp"
#include "actors/security/text.hpp"

namespace aetherial::actors::security {

void security_agent::offend(const std::string& subject, std::string_view kind,
                            const std::string& incident, context& ctx) {
  auto& tables = ctx.tables();
  subject_slot slot(tables, subjects_table, subject);
  offend(slot.record ? *slot.record : slot.record.emplace(), subject, kind, incident, ctx);
  store(slot, tables);
}

void security_agent::offend(subject_record& rec, const std::string& subject, std::string_view kind,
                            const std::string& incident, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  rec.last_seen_ms = std::max(rec.last_seen_ms, now);
  if (rec.ban != ban_status::none) return;
  // Forget offenses older than the window.
  std::size_t keep = 0;
  for (std::size_t i = 0; i < rec.offenses.size(); ++i)
    if (rec.offenses[i] > now - cfg_.offense_window_ms) {
      rec.offenses[keep] = rec.offenses[i];
      rec.offense_kinds[keep] = std::move(rec.offense_kinds[i]);
      ++keep;
    }
  rec.offenses.resize(keep);
  rec.offense_kinds.resize(keep);
  rec.offenses.push_back(now);
  rec.offense_kinds.emplace_back(kind);
  rec.incident_id = incident;

  const auto n = static_cast<std::uint32_t>(rec.offenses.size());
  std::string kinds;
  for (const auto& k : rec.offense_kinds)
    kinds += (kinds.empty() ? "" : ", ") + k;
  if (n >= cfg_.ban_after_offenses) {
    // A permanent ban is a human's call: hold the block until the approval deadline.
    rec.ban = ban_status::proposed;
    rec.ban_deadline_ms = now + cfg_.ban_approval_timeout_ms;
    ban_due_.file(ctx.tables(), subject, rec.ban_deadline_ms);
    const std::string lead =
        integer(n) + " offenses within " + duration(cfg_.offense_window_ms) + " (" + kinds + ")";
    block(rec, subject, rec.ban_deadline_ms,
          lead + "; blocked while a permanent ban waits for approval", ctx);
    emit_block(subject, "ban_proposed", cfg_.ban_approval_timeout_ms, rec.ban_deadline_ms, incident,
               lead + "; permanent ban proposed, waiting for a human's approval within " +
                   duration(cfg_.ban_approval_timeout_ms),
               ctx);
    return;
  }
  const double ttl = std::min(static_cast<double>(cfg_.max_block_ttl_ms),
                              static_cast<double>(cfg_.block_ttl_ms) *
                                  std::pow(cfg_.block_ttl_growth, static_cast<double>(n - 1)));
  const auto ttl_ms = static_cast<std::int64_t>(ttl);
  block(rec, subject, now + ttl_ms,
        std::string(kind) + "; offense " + integer(n) + " within " +
            duration(cfg_.offense_window_ms) + " (" + kinds + "), blocked for " + duration(ttl_ms) +
            "; a ban is proposed at " + integer(cfg_.ban_after_offenses),
        ctx);
}

void security_agent::end_proposal(subject_record& rec, const std::string& subject,
                                  const std::string& why, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  auto& tables = ctx.tables();
  ban_due_.unfile(tables, subject, rec.ban_deadline_ms);
  rec.ban = ban_status::none;
  rec.ban_deadline_ms = 0;
  const std::int64_t last = rec.offenses.empty() ? now : rec.offenses.back();
  rec.offenses.clear();
  rec.offense_kinds.clear();
  emit_block(subject, "ban_rejected", 0, 0, rec.incident_id, why, ctx);
  // Back to an ordinary block from the last offense, which may already be over.
  const std::int64_t until = last + cfg_.block_ttl_ms;
  if (until > now) {
    block(rec, subject, until, "ban not approved; ordinary block until its end", ctx);
    return;
  }
  unblock_due_.unfile(tables, subject, rec.blocked_until_ms);
  rec.blocked_until_ms = 0;
  emit_block(subject, "unblock", 0, now, rec.incident_id, "ban not approved; block over", ctx);
}

bool security_agent::approver_allowed(std::string_view subject, std::string_view claimed,
                                      context& ctx) {
  // An answer to nothing pending is ignored without a record, as before.
  if (!trackable(subject)) return false;
  const subject_slot slot(ctx.tables(), subjects_table, subject);
  if (!slot.record || slot.record->ban != ban_status::proposed) return false;
  const auto verdict = kit::check_approval(ctx.identity(), claimed, cfg_.ban_approver_roles);
  if (verdict.allowed) return true;
  kit::emit_access_audit(ctx, subject, verdict.principal, "", "security.permanent_ban", false,
                         verdict.reason);
  return false;
}

void security_agent::on_ban_answer(std::string_view subject, bool approved,
                                   std::string_view approver, std::string_view reason,
                                   context& ctx) {
  const std::string s(subject);
  auto& tables = ctx.tables();
  subject_slot slot(tables, subjects_table, s);
  // An answer to nothing pending (unknown, already decided, timed out) changes nothing.
  if (!slot.record || slot.record->ban != ban_status::proposed) return;
  auto& rec = *slot.record;
  const std::string by = approver.empty() ? std::string("unknown approver") : std::string(approver);
  const std::string because = reason.empty() ? std::string() : ": " + std::string(reason);
  if (!approved) {
    end_proposal(rec, s, "permanent ban rejected by " + by + because, ctx);
    store(slot, tables);
    return;
  }
  ban_due_.unfile(tables, s, rec.ban_deadline_ms);
  unblock_due_.unfile(tables, s, rec.blocked_until_ms);
  rec.ban = ban_status::banned;
  rec.ban_deadline_ms = 0;
  rec.blocked_until_ms = 0;
  rec.last_seen_ms = std::max(rec.last_seen_ms, ctx.event_time_ms());
  emit_block(s, "ban", 0, 0, rec.incident_id, "permanent ban approved by " + by + because, ctx);
  store(slot, tables);
}

} // namespace aetherial::actors::security
