// Effects: language-model requests and their results, deadlines, and the conversation sweep.

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
  state_.effects[effect_id] = std::move(p);
  return {std::string(unknown_intent), "pending"};
}

void orchestrator_agent::on_effect_result(const fbs::EffectResult& r, context& ctx) {
  auto taken = kit::take(state_.effects, std::string(view(r.effect_id())));
  if (!taken) return;
  const auto& [effect_id, p] = *taken;

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
  for (auto it = state_.tasks.begin(); it != state_.tasks.end();) {
    const pending_task& p = it->second;
    if (p.deadline_ms > state_.watermark_ms) {
      ++it;
      continue;
    }
    auto& s = state_.stats[stats_key(p.agent, p.task_type)];
    ++s.failures;
    answer_pending(p,
                   "No outcome from the " + capitalized(p.agent) + " agent for task " + it->first +
                       " within " + seconds(cfg_.task_timeout_ms) +
                       "; I have stopped waiting for it.",
                   fbs::ReplyStatus::failed, {it->first},
                   {{"task_id", it->first},
                    {"agent", p.agent},
                    {"task_type", p.task_type},
                    {"reason", "timeout"},
                    {"success_rate", fixed(success_rate(s), 4)}},
                   ctx);
    it = state_.tasks.erase(it);
  }
  for (auto it = state_.effects.begin(); it != state_.effects.end();) {
    const pending_effect& p = it->second;
    if (p.deadline_ms > state_.watermark_ms) {
      ++it;
      continue;
    }
    answer_pending(p,
                   "The language model did not answer within " + seconds(cfg_.effect_timeout_ms) +
                       " (effect " + it->first + "); I have stopped waiting for it.",
                   fbs::ReplyStatus::failed, {it->first},
                   {{"effect_id", it->first}, {"source", p.kind}, {"reason", "timeout"}}, ctx);
    it = state_.effects.erase(it);
  }
}

void orchestrator_agent::sweep_conversations() {
  for (auto it = state_.conversations.begin(); it != state_.conversations.end();) {
    conversation& c = it->second;
    if (state_.watermark_ms - c.last_ms > cfg_.conversation_ttl_ms) {
      it = state_.conversations.erase(it);
      continue;
    }
    if (c.draft.active && state_.watermark_ms - c.draft.opened_ms > cfg_.draft_ttl_ms)
      c.draft = course_draft{};
    ++it;
  }
  state_.next_sweep_ms = state_.watermark_ms + cfg_.sweep_interval_ms;
}

} // namespace aetherial::actors::orchestrator
