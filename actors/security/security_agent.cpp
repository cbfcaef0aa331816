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
    case fbs::Payload::RequestSummary:
      // The account part of a request, re-keyed by this agent on the IP's partition.
      if (ctx.input_topic() == repartition_topic)
        on_account_request(*event.payload_as_RequestSummary(), ctx);
      else
        on_request(*event.payload_as_RequestSummary(), ctx);
      break;
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
    sweep(now, ctx.tables());
  }
}

void security_agent::sweep(std::int64_t now, table_store& tables) {
  // Requesters idle for idle_forget_ms. An entry filed before its requester's real time (it was
  // seen since) is filed again there.
  const auto due = [&](const requester_record& r) { return forget_at(r, cfg_); };
  state_.ip_rows -= kit::expire_rows<requester_slot>(ips_expiry_, tables, ips_table, now, due);
  state_.user_rows -=
      kit::expire_rows<requester_slot>(users_expiry_, tables, users_table, now, due);
  // Subjects without a block, a pending ban or recent offenses, idle as long. Bans are kept.
  subjects_expiry_.take_due(tables, now,
                            [&](const kit::index_entry& e) -> std::optional<std::int64_t> {
                              subject_slot slot(tables, subjects_table, e.key);
                              if (!slot.record) return std::nullopt;
                              if (forgotten(*slot.record, cfg_, now)) {
                                slot.record.reset();
                                slot.save();
                                return std::nullopt;
                              }
                              const auto at = forget_at(*slot.record, cfg_);
                              if (!at) return std::nullopt;
                              return std::max(*at, now + 1);
                            });
}

void security_agent::bound(std::string_view table, const kit::expiry_index& index,
                           std::uint64_t& rows, std::uint64_t max, table_store& tables) {
  // The index's first entry whose requester was not seen since it was filed is the least
  // recently seen of all (every other entry is filed at or before its requester's time).
  while (rows > max) {
    const auto e = index.first(tables);
    if (!e) break;
    index.unfile(tables, e->key, e->at);
    requester_slot slot(tables, table, e->key);
    if (!slot.record) continue;
    if (const std::int64_t at = forget_at(*slot.record, cfg_); at != e->at) {
      index.file(tables, e->key, at);
      continue;
    }
    slot.record.reset();
    slot.save();
    --rows;
  }
}

void security_agent::restored() {
  for (auto* index : {&ips_expiry_, &users_expiry_, &subjects_expiry_, &unblock_due_, &ban_due_})
    *index = kit::expiry_index(index->name());
}

// ---------------------------------------------------------------------------------------
// Snapshots and creation
// ---------------------------------------------------------------------------------------

std::unique_ptr<agent> make_security_agent(const agent_settings& settings) {
  return std::make_unique<security_agent>(config_from(settings));
}

} // namespace aetherial::actors::security
