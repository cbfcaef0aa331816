// Effects: language-model requests and their results, deadlines, and the conversation sweep.

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include "actors/kit/containers.hpp"
#include "actors/kit/task.hpp"
#include "actors/orchestrator/intents.hpp"
#include "actors/orchestrator/orchestrator_agent.hpp"
#include "actors/orchestrator/routing.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::string seconds(std::int64_t ms) {
  return integer(ms / 1000) + " s";
}

} // namespace

std::pair<std::string, std::string> orchestrator_agent::ask_language_model(const command_info& cmd,
                                                                           const conversation& conv,
                                                                           const intent_match& m,
                                                                           context& ctx) {
  const std::string effect_id = cfg_.llm_effect_kind + "-" + cmd.command_id;
  key_values params = {{"intent", std::string(unknown_intent)}, {"role", cmd.role}};
  // The latest earlier turns, oldest first, as context for the model.
  const std::size_t n = std::min<std::size_t>(conv.turns.size(), cfg_.llm_context_turns);
  for (std::size_t i = conv.turns.size() - n; i < conv.turns.size(); ++i)
    params.emplace_back("context." +
                            integer(static_cast<std::int64_t>(i + n - conv.turns.size() + 1)),
                        conv.turns[i].text);
  emit_effect_request(ctx, cmd.conversation_id, cmd.correlation, effect_id, cfg_.llm_effect_kind,
                      cmd.text, cmd.conversation_id, cmd.principal, params);
  emit_reply(ctx, output::decisions, cmd.conversation_id, cmd.correlation,
             kit::reply_spec{cmd.conversation_id,
                             std::string(kind_name),
                             "'" + truncate_utf8(cmd.text, cfg_.max_turn_text) +
                                 "' matches no intent rule (best confidence " +
                                 fixed(m.confidence) + "); asked the language model",
                             fbs::ReplyStatus::effect_requested,
                             std::string(unknown_intent),
                             m.confidence,
                             {effect_id},
                             {{"effect_id", effect_id},
                              {"kind", cfg_.llm_effect_kind},
                              {"principal", cmd.principal},
                              {"role", cmd.role}}});
  reply(ctx, cmd,
        "No rule of mine understands this, so I have asked a language model (effect " + effect_id +
            "). There is no answer yet; it will follow here once an effect worker records one.",
        fbs::ReplyStatus::pending, std::string(unknown_intent), m.confidence,
        {{"effect_id", effect_id}, {"kind", cfg_.llm_effect_kind}}, {effect_id});

  pending_effect p;
  p.conversation_id = cmd.conversation_id;
  p.correlation = cmd.correlation;
  p.command_id = cmd.command_id;
  p.intent = std::string(unknown_intent);
  p.kind = cfg_.llm_effect_kind;
  p.confidence = m.confidence;
  p.principal = cmd.principal;
  p.issued_ms = ctx.event_time_ms();
  p.deadline_ms = std::max(ctx.event_time_ms(), state_.watermark_ms) + cfg_.effect_timeout_ms;
  remember(effect_id, std::move(p), ctx.tables());
  return {std::string(unknown_intent), "pending"};
}

void orchestrator_agent::on_effect_result(const fbs::EffectResult& r, context& ctx) {
  const std::string effect_id(view(r.effect_id()));
  const auto taken = take_effect(effect_id, ctx.tables());
  if (!taken) return;
  const pending_effect& p = *taken;

  const std::string out(view(r.output()));
  const std::string detail(view(r.detail()));
  const bool answered = r.success() && !out.empty();
  std::string reply_text;
  if (answered)
    reply_text = out;
  else if (r.success())
    reply_text = "The language model returned an empty answer.";
  else
    reply_text = "The language model gave no answer: " +
                 (detail.empty() ? std::string("the effect failed without a reason.") : detail);
  const auto status = answered ? fbs::ReplyStatus::answered : fbs::ReplyStatus::failed;
  answer_pending(p, reply_text, status, {effect_id},
                 {{"effect_id", effect_id}, {"source", p.kind}, {"detail", detail}}, ctx);
}

void orchestrator_agent::expire(context& ctx) {
  auto& tables = ctx.tables();
  const std::int64_t now = state_.watermark_ms;
  // Tasks and effects fail at their deadlines, in (deadline, id) order.
  tasks_deadline_.take_due(
      tables, now, [&](const kit::index_entry& e) -> std::optional<std::int64_t> {
        task_slot slot(tables, tasks_table, e.key);
        if (!slot.record) return std::nullopt;
        if (slot.record->deadline_ms > now) return slot.record->deadline_ms;
        const pending_task p = std::move(*slot.record);
        slot.erase();
        auto& s = state_.stats[stats_key(p.agent, p.task_type)];
        ++s.failures;
        answer_pending(p,
                       "No outcome from the " + capitalized(p.agent) + " agent for task " + e.key +
                           " within " + seconds(cfg_.task_timeout_ms) +
                           "; I have stopped waiting for it.",
                       fbs::ReplyStatus::failed, {e.key},
                       {{"task_id", e.key},
                        {"agent", p.agent},
                        {"task_type", p.task_type},
                        {"reason", "timeout"},
                        {"success_rate", fixed(success_rate(s), 4)}},
                       ctx);
        return std::nullopt;
      });
  effects_deadline_.take_due(
      tables, now, [&](const kit::index_entry& e) -> std::optional<std::int64_t> {
        effect_slot slot(tables, effects_table, e.key);
        if (!slot.record) return std::nullopt;
        if (slot.record->deadline_ms > now) return slot.record->deadline_ms;
        const pending_effect p = std::move(*slot.record);
        slot.erase();
        answer_pending(p,
                       "The language model did not answer within " +
                           seconds(cfg_.effect_timeout_ms) + " (effect " + e.key +
                           "); I have stopped waiting for it.",
                       fbs::ReplyStatus::failed, {e.key},
                       {{"effect_id", e.key}, {"source", p.kind}, {"reason", "timeout"}}, ctx);
        return std::nullopt;
      });
  // Conversations idle past their limit are forgotten (a draft past its own limit lapses when
  // the conversation next speaks).
  kit::expire_rows<conversation_slot>(conversations_expiry_, tables, conversations_table, now,
                                      [&](const conversation& c) { return forget_at(c, cfg_); });
}

void orchestrator_agent::restored() {
  conversations_expiry_ = kit::expiry_index(conversations_expiry_.name());
  tasks_deadline_ = kit::expiry_index(tasks_deadline_.name());
  effects_deadline_ = kit::expiry_index(effects_deadline_.name());
}

namespace {

/// Keeps `p` as the row `id` of `table`, filed in `index` at its deadline.
template <class Slot, class Pending>
void remember_pending(const kit::expiry_index& index, table_store& tables, std::string_view table,
                      const std::string& id, Pending p) {
  Slot slot(tables, table, id);
  if (slot.record) index.unfile(tables, id, slot.record->deadline_ms);
  slot.record = std::move(p);
  slot.save();
  index.file(tables, id, slot.record->deadline_ms);
}

/// Takes the row `id` of `table` and its entry in `index`.
template <class Slot>
auto take_pending(const kit::expiry_index& index, table_store& tables, std::string_view table,
                  std::string_view id) -> decltype(Slot::record) {
  if (!rememberable(id)) return std::nullopt;
  Slot slot(tables, table, id);
  if (!slot.record) return std::nullopt;
  index.unfile(tables, id, slot.record->deadline_ms);
  slot.erase();
  return std::move(slot.record);
}

} // namespace

void orchestrator_agent::remember(const std::string& id, pending_task p, table_store& tables) {
  remember_pending<task_slot>(tasks_deadline_, tables, tasks_table, id, std::move(p));
}

void orchestrator_agent::remember(const std::string& id, pending_effect p, table_store& tables) {
  remember_pending<effect_slot>(effects_deadline_, tables, effects_table, id, std::move(p));
}

std::optional<pending_task> orchestrator_agent::take_task(std::string_view id,
                                                          table_store& tables) {
  return take_pending<task_slot>(tasks_deadline_, tables, tasks_table, id);
}

std::optional<pending_effect> orchestrator_agent::take_effect(std::string_view id,
                                                              table_store& tables) {
  return take_pending<effect_slot>(effects_deadline_, tables, effects_table, id);
}

} // namespace aetherial::actors::orchestrator
