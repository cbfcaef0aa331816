#include "actors/orchestrator/state_codec.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_tables.hpp"
#include "actors/kit/table_rows.hpp"

namespace aetherial::actors::orchestrator {

namespace {

bool unit(double v) {
  return v >= 0.0 && v <= 1.0;
}

// The fields a record and its table share, by name.
const auto conversation_fields = [](auto& c) {
  return std::tie(c.principal, c.role, c.started_ms, c.last_ms, c.commands);
};
const auto turn_fields = [](auto& u) {
  return std::tie(u.command_id, u.time_ms, u.intent, u.text, u.outcome);
};
const auto confirmation_fields = [](auto& p) {
  return std::tie(p.intent, p.confidence, p.text, p.principal, p.role, p.command_id, p.correlation,
                  p.urgent, p.issued_ms, p.expires_ms);
};
const auto stats_fields = [](auto& r) { return std::tie(r.successes, r.failures); };
const auto state_fields = [](auto& s) {
  return std::tie(s.watermark_ms, s.events, s.commands, s.refusals);
};

std::unique_ptr<stored::ConversationT> to_stored(const conversation& c) {
  auto t = std::make_unique<stored::ConversationT>();
  kit::copy_fields(*t, c, conversation_fields);
  t->turns = kit::to_tables<stored::TurnT>(c.turns, turn_fields);
  t->draft = std::make_unique<course_draft>(c.draft);
  // Absent when nothing waits, so a conversation without one encodes as before it existed.
  if (c.confirmation) {
    auto p = std::make_unique<stored::PendingConfirmationT>();
    kit::copy_fields(*p, *c.confirmation, confirmation_fields);
    p->slots = kit::to_entries<stored::SlotEntryT>(
        c.confirmation->slots, [](stored::SlotEntryT& e, const std::string& v) { e.value = v; });
    t->confirmation = std::move(p);
  }
  return t;
}

bool from_stored(const stored::ConversationT& t, conversation& c) {
  kit::copy_fields(c, t, conversation_fields);
  if (!kit::from_tables(t.turns, c.turns, turn_fields) || !t.draft) return false;
  c.draft = *t.draft;
  if (t.confirmation) {
    pending_confirmation p;
    kit::copy_fields(p, *t.confirmation, confirmation_fields);
    if (!kit::from_entries(t.confirmation->slots, p.slots,
                           [](const stored::SlotEntryT& e, std::string& v) {
                             v = e.value;
                             return true;
                           }) ||
        !unit(p.confidence) || p.expires_ms < p.issued_ms || p.intent.empty())
      return false;
    c.confirmation = std::move(p);
  }
  return unit(c.draft.confidence) && c.last_ms >= c.started_ms;
}

bool valid_task(const pending_task& t) {
  return unit(t.confidence) && t.priority >= 0 && t.priority <= 9 && t.deadline_ms >= t.issued_ms;
}

bool valid_effect(const pending_effect& e) {
  return unit(e.confidence) && e.deadline_ms >= e.issued_ms;
}

stored::OrchestratorStateT to_table(const orchestrator_state& s) {
  stored::OrchestratorStateT t;
  t.stats = kit::to_entries<stored::StatsEntryT>(
      s.stats, [](stored::StatsEntryT& e, const route_stats& v) {
        e.value = std::make_unique<stored::RouteStatsT>();
        kit::copy_fields(*e.value, v, stats_fields);
      });
  kit::copy_fields(t, s, state_fields);
  return t;
}

std::optional<orchestrator_state> from_table(const stored::OrchestratorStateT& t) {
  orchestrator_state s;
  const bool ok =
      kit::from_entries(t.stats, s.stats, [](const stored::RouteStatsT& r, route_stats& v) {
        kit::copy_fields(v, r, stats_fields);
        return true;
      });
  if (!ok) return std::nullopt;
  kit::copy_fields(s, t, state_fields);
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(orchestrator_state, stored::OrchestratorState, to_table, from_table)

bytes encode_conversation(const conversation& c) {
  return kit::encode_row<stored::Conversation>(*to_stored(c));
}

conversation decode_conversation(const bytes& value) {
  const auto t = kit::decode_row<stored::Conversation>(value, "conversations");
  conversation c;
  if (!from_stored(t, c)) kit::impossible_row("conversations");
  return c;
}

bytes encode_task(const pending_task& t) {
  return kit::encode_row<stored::PendingTask>(t);
}

pending_task decode_task(const bytes& value) {
  auto t = kit::decode_row<stored::PendingTask>(value, "tasks");
  if (!valid_task(t)) kit::impossible_row("tasks");
  return t;
}

bytes encode_effect(const pending_effect& e) {
  return kit::encode_row<stored::PendingEffect>(e);
}

pending_effect decode_effect(const bytes& value) {
  auto e = kit::decode_row<stored::PendingEffect>(value, "effects");
  if (!valid_effect(e)) kit::impossible_row("effects");
  return e;
}

} // namespace aetherial::actors::orchestrator
