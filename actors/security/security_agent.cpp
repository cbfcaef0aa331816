#include "actors/security/security_agent.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "actors/security/detection.hpp"
#include "actors/security/state_codec.hpp"
#include "actors/security/text.hpp"

namespace aetherial::actors::security {

security_agent::security_agent(security_config cfg) : agent_base(std::move(cfg)) {
  if (cfg_.partitions == 0) cfg_.partitions = 1;
  if (cfg_.bucket_ms <= 0) cfg_.bucket_ms = 60'000;
}

void security_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  incidents_this_event_ = 0;
  const std::int64_t now = ctx.event_time_ms();
  state_.watermark_ms = std::max(state_.watermark_ms, now);
  // Any event's time can end a block or an approval window: expire first, so that a request
  // after its block's end is judged as unblocked.
  expire(ctx);

  switch (event.payload_type()) {
    case fbs::Payload::RequestSummary: on_request(*event.payload_as_RequestSummary(), ctx); break;
    case fbs::Payload::BanApproval: {
      const auto& a = *event.payload_as_BanApproval();
      const std::string_view approver =
          view(a.approver()).empty() ? view(event.principal()) : view(a.approver());
      if (approver_allowed(view(a.subject()), approver, ctx))
        on_ban_answer(view(a.subject()), a.approved(), approver, view(a.reason()), ctx);
      break;
    }
    case fbs::Payload::Feedback: {
      const auto& f = *event.payload_as_Feedback();
      if (view(f.kind()) != "ban_approval") break;
      const bool approved =
          f.value() >= 0.5 || view(f.label()) == "approved" || view(f.label()) == "approve";
      const std::string_view approver =
          view(f.user_ref()).empty() ? view(event.principal()) : view(f.user_ref());
      if (approver_allowed(view(f.target_id()), approver, ctx))
        on_ban_answer(view(f.target_id()), approved, approver, view(f.label()), ctx);
      break;
    }
    default:
      // Other feedback, decisions (including this agent's own) and unknown payloads carry
      // nothing to act on.
      break;
  }
  if (now - state_.last_sweep_ms >= cfg_.bucket_ms) {
    state_.last_sweep_ms = now;
    sweep(now);
  }
}

void security_agent::sweep(std::int64_t now) {
  const std::int64_t idle_before = now - cfg_.idle_forget_ms;
  for (auto* m : {&state_.ips, &state_.users})
    for (auto it = m->begin(); it != m->end();)
      it = it->second.last_seen_ms < idle_before ? m->erase(it) : std::next(it);
  for (auto it = state_.subjects.begin(); it != state_.subjects.end();) {
    const auto& r = it->second;
    const bool quiet = r.ban == ban_status::none && r.blocked_until_ms == 0 &&
                       (r.offenses.empty() || r.offenses.back() <= now - cfg_.offense_window_ms);
    it = quiet && r.last_seen_ms < idle_before ? state_.subjects.erase(it) : std::next(it);
  }
  // Bans are kept longest; subjects with a block in force or a pending ban are never evicted
  // (their count is bounded by the detections a bucket can raise).
  evict_oldest(state_.subjects, cfg_.max_subjects, [](const subject_record& r) {
    return r.ban == ban_status::none && r.blocked_until_ms == 0;
  });
  evict_oldest(state_.subjects, cfg_.max_subjects,
               [](const subject_record& r) { return r.ban == ban_status::banned; });
}

void security_agent::reindex() {
  unblock_due_.clear();
  ban_due_.clear();
  for (const auto& [subject, r] : state_.subjects) {
    if (r.ban == ban_status::proposed)
      ban_due_.emplace(r.ban_deadline_ms, subject);
    else if (r.ban == ban_status::none && r.blocked_until_ms != 0)
      unblock_due_.emplace(r.blocked_until_ms, subject);
  }
}

// ---------------------------------------------------------------------------------------
// Snapshots and creation
// ---------------------------------------------------------------------------------------

std::unique_ptr<agent> make_security_agent(const agent_settings& settings) {
  return std::make_unique<security_agent>(config_from(settings));
}

} // namespace aetherial::actors::security
