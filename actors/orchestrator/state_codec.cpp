#include "actors/orchestrator/state_codec.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_tables.hpp"

namespace aetherial::actors::orchestrator {

namespace {

bool unit(double v) {
  return v >= 0.0 && v <= 1.0;
}

std::unique_ptr<stored::ConversationT> to_stored(const conversation& c) {
  auto t = std::make_unique<stored::ConversationT>();
  t->principal = c.principal;
  t->role = c.role;
  t->started_ms = c.started_ms;
  t->last_ms = c.last_ms;
  t->commands = c.commands;
  for (const auto& x : c.turns) {
    auto u = std::make_unique<stored::TurnT>();
    u->command_id = x.command_id;
    u->time_ms = x.time_ms;
    u->intent = x.intent;
    u->text = x.text;
    u->outcome = x.outcome;
    t->turns.push_back(std::move(u));
  }
  t->draft = std::make_unique<course_draft>(c.draft);
  return t;
}

bool from_stored(const stored::ConversationT& t, conversation& c) {
  c.principal = t.principal;
  c.role = t.role;
  c.started_ms = t.started_ms;
  c.last_ms = t.last_ms;
  c.commands = t.commands;
  for (const auto& u : t.turns) {
    if (!u) return false;
    c.turns.push_back(turn{u->command_id, u->time_ms, u->intent, u->text, u->outcome});
  }
  if (!t.draft) return false;
  c.draft = *t.draft;
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
  t.conversations = kit::to_entries<stored::ConversationEntryT>(
      s.conversations,
      [](stored::ConversationEntryT& e, const conversation& v) { e.value = to_stored(v); });
  t.tasks = kit::to_entries<stored::TaskEntryT>(s.tasks);
  t.effects = kit::to_entries<stored::EffectEntryT>(s.effects);
  t.stats = kit::to_entries<stored::StatsEntryT>(
      s.stats, [](stored::StatsEntryT& e, const route_stats& v) {
        e.value = std::make_unique<stored::RouteStatsT>();
        e.value->successes = v.successes;
        e.value->failures = v.failures;
      });
  t.watermark_ms = s.watermark_ms;
  t.next_sweep_ms = s.next_sweep_ms;
  t.events = s.events;
  t.commands = s.commands;
  t.refusals = s.refusals;
  return t;
}

std::optional<orchestrator_state> from_table(const stored::OrchestratorStateT& t) {
  orchestrator_state s;
  const bool ok =
      kit::from_entries(t.conversations, s.conversations,
                        [](const stored::ConversationEntryT& e, conversation& v) {
                          return e.value && from_stored(*e.value, v);
                        }) &&
      kit::from_entries_checked(t.tasks, s.tasks, valid_task) &&
      kit::from_entries_checked(t.effects, s.effects, valid_effect) &&
      kit::from_entries(t.stats, s.stats, [](const stored::StatsEntryT& e, route_stats& v) {
        if (!e.value) return false;
        v = route_stats{e.value->successes, e.value->failures};
        return true;
      });
  if (!ok) return std::nullopt;
  s.watermark_ms = t.watermark_ms;
  s.next_sweep_ms = t.next_sweep_ms;
  s.events = t.events;
  s.commands = t.commands;
  s.refusals = t.refusals;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(orchestrator_state, stored::OrchestratorState, to_table, from_table)

} // namespace aetherial::actors::orchestrator
