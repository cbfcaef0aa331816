// Task routing: intents become tasks for the agent that handles them, and their outcomes close the
// turn.

#include <algorithm>
#include <utility>

#include "actors/kit/containers.hpp"
#include "actors/kit/task.hpp"
#include "actors/orchestrator/intents.hpp"
#include "actors/orchestrator/orchestrator_agent.hpp"
#include "actors/orchestrator/routing.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::string rate_text(const route_stats& s) {
  return fixed(success_rate(s)) + " (" + integer(s.successes) + " of " +
         integer(std::int64_t{s.successes} + s.failures) + " succeeded)";
}

} // namespace

std::pair<std::string, std::string> orchestrator_agent::route(const command_info& cmd,
                                                              const intent_match& m, bool urgent,
                                                              context& ctx) {
  const intent_route& table = cfg_.routes.at(m.intent);
  // Only kinds that do the task type are candidates: a table entry no agent does is never
  // chosen, whatever its success rate.
  intent_route r = table;
  r.options.clear();
  for (const auto& o : table.options)
    if (kit::can_do(o.agent, o.task_type)) r.options.push_back(o);
  if (r.options.empty()) return unhandled(cmd, m, table, ctx);
  slot_map slots = m.slots;
  for (const auto& [k, v] : r.defaults)
    slots.emplace(k, v);
  const std::size_t chosen = choose_option(r.options, state_.stats);
  const route_option& target = r.options[chosen];
  const int priority = std::clamp(r.priority + (urgent ? cfg_.urgency_bonus : 0), 0, 9);
  const std::string task_id = "task-" + cmd.command_id;

  task_fields task;
  task.task_id = task_id;
  task.type = target.task_type;
  task.target_agent = target.agent;
  task.priority = priority;
  task.conversation_id = cmd.conversation_id;
  task.requested_by = cmd.principal;
  task.text = cmd.text;
  task.intent = m.intent;
  task.role = cmd.role;
  task.token = cmd.token;
  task.params = task_params_of(target.task_type, slots);
  emit_task(ctx, cmd.conversation_id, cmd.correlation, task);

  // The routing decision, with the numbers it rests on, for auditors.
  std::string why = "'" + truncate_utf8(cmd.text, cfg_.max_turn_text) + "' understood as " +
                    m.intent + " (confidence " + fixed(m.confidence) + "); routed to " +
                    target.agent + " as " + target.task_type;
  key_values details = {{"task_id", task_id},           {"task_type", target.task_type},
                        {"target_agent", target.agent}, {"priority", integer(priority)},
                        {"principal", cmd.principal},   {"role", cmd.role}};
  if (r.options.size() == 1) {
    why += ", the only capable agent";
  } else {
    why += " by success rate:";
    for (std::size_t i = 0; i < r.options.size(); ++i) {
      const auto& o = r.options[i];
      why += (i == 0 ? " " : "; ") + o.agent + " " + rate_text(stats_of(state_.stats, o));
    }
    why += "; equal rates keep the table order";
  }
  for (const auto& o : r.options)
    details.emplace_back("success_rate." + o.agent,
                         fixed(success_rate(stats_of(state_.stats, o)), 4));
  for (const auto& [k, v] : slots)
    details.emplace_back("slot." + k, v);
  if (urgent) why += "; marked urgent, priority raised";
  emit_reply(ctx, output::decisions, cmd.conversation_id, cmd.correlation,
             kit::reply_spec{cmd.conversation_id,
                             std::string(kind_name),
                             why,
                             fbs::ReplyStatus::routed,
                             m.intent,
                             m.confidence,
                             {task_id},
                             details});

  reply(ctx, cmd,
        render(r.doing, slots) + ": routed to the " + capitalized(target.agent) +
            " agent as task " + task_id + " (priority " + integer(priority) +
            "). Its outcome follows here when the agent reports back.",
        fbs::ReplyStatus::pending, m.intent, m.confidence,
        {{"task_id", task_id}, {"target_agent", target.agent}, {"priority", integer(priority)}},
        {task_id});

  pending_task p;
  p.conversation_id = cmd.conversation_id;
  p.correlation = cmd.correlation;
  p.command_id = cmd.command_id;
  p.intent = m.intent;
  p.agent = target.agent;
  p.task_type = target.task_type;
  p.priority = priority;
  p.confidence = m.confidence;
  p.principal = cmd.principal;
  p.issued_ms = ctx.event_time_ms();
  p.deadline_ms = std::max(ctx.event_time_ms(), state_.watermark_ms) + cfg_.task_timeout_ms;
  remember(task_id, std::move(p), ctx.tables());
  return {m.intent, "pending"};
}

// --- outcomes, effect results, deadlines -------------------------------------------------------

void orchestrator_agent::on_task_outcome(const fbs::TaskOutcome& o, context& ctx) {
  // Outcomes of tasks this instance did not issue, or already answered or timed out, are not
  // counted again: the pending entry is what makes an outcome count once.
  const std::string task_id(view(o.task_id()));
  const auto taken = take_task(task_id, ctx.tables());
  if (!taken) return;
  const pending_task& p = *taken;

  // The agent's own status, else (outcomes written before it) success or failure, with an
  // escalation said in the results.
  fbs::ReplyStatus status = o.status();
  if (status == fbs::ReplyStatus::unknown || !kit::is_final(status)) {
    status = o.success() ? fbs::ReplyStatus::answered : fbs::ReplyStatus::failed;
    if (const auto* results = o.results())
      for (const auto* kv : *results)
        if (kv != nullptr && view(kv->key()) == "status" && view(kv->value()) == "escalated")
          status = fbs::ReplyStatus::escalated;
  }
  // An answer from no data yet is not a failure of the agent, nor a success: not counted.
  auto& s = state_.stats[stats_key(p.agent, p.task_type)];
  if (status != fbs::ReplyStatus::no_data) {
    if (o.success())
      ++s.successes;
    else
      ++s.failures;
  }

  key_values details = {{"task_id", task_id},
                        {"agent", p.agent},
                        {"task_type", p.task_type},
                        {"success_rate", fixed(success_rate(s), 4)}};
  if (const auto* results = o.results()) {
    for (const auto* kv : *results) {
      if (kv == nullptr) continue;
      details.emplace_back(std::string(view(kv->key())), std::string(view(kv->value())));
    }
  }
  const std::string detail(view(o.detail()));
  std::string reply_text;
  if (o.success() || status == fbs::ReplyStatus::no_data || status == fbs::ReplyStatus::escalated)
    reply_text = capitalized(p.agent) +
                 " agent: " + (detail.empty() ? "completed " + p.task_type + "." : detail);
  else
    reply_text = "The " + capitalized(p.agent) + " agent could not complete " + p.task_type + ": " +
                 (detail.empty() ? std::string("it gave no reason.") : detail);
  answer_pending(p, reply_text, status, {task_id}, details, ctx);
}

} // namespace aetherial::actors::orchestrator
