#include "actors/orchestrator/orchestrator_agent.hpp"

#include <algorithm>
#include <utility>

#include "actors/kit/task.hpp"
#include "actors/orchestrator/routing.hpp"
#include "actors/orchestrator/state_codec.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

namespace {

constexpr std::string_view course_intent = "content.create_course";
constexpr std::string_view confirm_intent = "dialogue.confirm";

std::string normalized_role(std::string_view r) {
  std::string s;
  for (char c : r) {
    if (c == ' ' || c == '\t') continue;
    s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return s;
}

/// `tmpl` with every "{name}" replaced by the slot's value.
std::string render(const std::string& tmpl, const slot_map& slots) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] == '{') {
      const auto close = tmpl.find('}', i);
      if (close != std::string::npos) {
        const auto it = slots.find(tmpl.substr(i + 1, close - i - 1));
        if (it != slots.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(tmpl[i++]);
  }
  return out;
}

std::string seconds(std::int64_t ms) {
  return integer(ms / 1000) + " s";
}

std::string joined(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string s;
  for (const auto& x : items) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

std::vector<std::string> split_topics(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(", ", start);
    const std::string item =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

std::string rate_text(const route_stats& s) {
  return fixed(success_rate(s)) + " (" + integer(s.successes) + " of " +
         integer(std::int64_t{s.successes} + s.failures) + " succeeded)";
}

} // namespace

orchestrator_agent::orchestrator_agent(orchestrator_config cfg) : cfg_(std::move(cfg)) {}

void orchestrator_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  state_.watermark_ms = std::max(state_.watermark_ms, ctx.event_time_ms());
  // Deadlines pass with any event's time: an outcome arriving after its task's deadline
  // finds the task already failed, whichever topic moved the clock.
  expire(ctx);
  if (state_.watermark_ms >= state_.next_sweep_ms) sweep_conversations();

  switch (event.payload_type()) {
    case fbs::Payload::Command: on_command(event, *event.payload_as_Command(), ctx); break;
    case fbs::Payload::TaskOutcome: on_task_outcome(*event.payload_as_TaskOutcome(), ctx); break;
    case fbs::Payload::EffectResult: on_effect_result(*event.payload_as_EffectResult(), ctx); break;
    default:
      // Task events (its own among them) and anything else carry nothing to act on.
      break;
  }
}

// --- commands ------------------------------------------------------------------------------

void orchestrator_agent::on_command(const fbs::Envelope& event, const fbs::Command& cmd,
                                    context& ctx) {
  command_info info;
  info.command_id = ctx.cause_id().to_string();
  info.conversation_id = std::string(text(cmd.conversation_id()));
  if (info.conversation_id.empty()) info.conversation_id = std::string(text(event.key()));
  if (info.conversation_id.empty()) info.conversation_id = info.command_id;
  info.correlation = std::string(text(event.correlation_id()));
  if (info.correlation.empty()) info.correlation = info.conversation_id;
  info.principal = std::string(text(event.principal()));
  info.role = normalized_role(text(cmd.role()));
  info.text = std::string(text(cmd.text()));

  auto [it, created] = state_.conversations.try_emplace(info.conversation_id);
  conversation& conv = it->second;
  // A command delivered again (at-least-once) is answered once.
  for (const auto& t : conv.turns)
    if (t.command_id == info.command_id) return;
  const std::int64_t now = ctx.event_time_ms();
  if (created) conv.started_ms = now;
  conv.last_ms = std::max(conv.last_ms, now);
  conv.principal = info.principal;
  conv.role = info.role;
  ++conv.commands;
  ++state_.commands;
  if (conv.draft.active && state_.watermark_ms - conv.draft.opened_ms > cfg_.draft_ttl_ms)
    conv.draft = course_draft{};

  auto [intent, status] = handle(info, conv, ctx);
  // `handle` never adds or removes conversations, so `conv` is still valid here.
  conv.turns.push_back(
      turn{info.command_id, now, intent, truncate_utf8(info.text, cfg_.max_turn_text), status});
  while (conv.turns.size() > cfg_.max_turns)
    conv.turns.pop_front();

  // Beyond the bound, the least recently active conversations go (ties by id).
  while (state_.conversations.size() > cfg_.max_conversations) {
    auto victim = state_.conversations.end();
    for (auto c = state_.conversations.begin(); c != state_.conversations.end(); ++c) {
      if (c->first == info.conversation_id) continue;
      if (victim == state_.conversations.end() || c->second.last_ms < victim->second.last_ms)
        victim = c;
    }
    if (victim == state_.conversations.end()) break;
    state_.conversations.erase(victim);
  }
}

std::pair<std::string, std::string> orchestrator_agent::handle(const command_info& cmd,
                                                               conversation& conv, context& ctx) {
  const tokens t = tokenize(cmd.text);
  if (t.empty()) {
    reply(ctx, cmd, "The command has no text to act on.", fbs::ReplyStatus::failed, "", 0.0);
    return {"", "failed"};
  }
  if (conv.draft.active) {
    if (is_confirmation(t)) return confirm_course(cmd, conv, t, ctx);
    if (is_decline(t)) {
      const std::string topic = conv.draft.topic;
      conv.draft = course_draft{};
      reply(ctx, cmd,
            "Cancelled the course" + (topic.empty() ? std::string() : " about " + topic) +
                "; nothing was sent to the Content agent.",
            fbs::ReplyStatus::answered, std::string(course_intent), 1.0);
      return {std::string(course_intent), "answered"};
    }
  }

  intent_match m = parse_intent(t);
  if (m.confidence < cfg_.min_confidence) {
    m.intent = std::string(unknown_intent);
    m.slots.clear();
  }
  const bool understood = m.intent != unknown_intent;

  if (!understood && conv.draft.active) return continue_course(cmd, conv, t, ctx);
  if (!understood && is_confirmation(t)) {
    reply(ctx, cmd, "Nothing in this conversation is waiting for a confirmation.",
          fbs::ReplyStatus::answered, std::string(confirm_intent), 1.0);
    return {std::string(confirm_intent), "answered"};
  }

  if (!role_allows(cfg_.permissions, cmd.role, m.intent)) return refuse(cmd, m, ctx);
  if (m.intent == course_intent) return open_course(cmd, conv, m, ctx);
  if (cfg_.routes.count(m.intent) != 0) return route(cmd, m, is_urgent(t), ctx);
  return ask_language_model(cmd, conv, m, ctx);
}

std::pair<std::string, std::string>
orchestrator_agent::refuse(const command_info& cmd, const intent_match& m, context& ctx) {
  ++state_.refusals;
  std::vector<std::string> allowed_roles;
  for (const auto& [role, patterns] : cfg_.permissions)
    if (role_allows(cfg_.permissions, role, m.intent)) allowed_roles.push_back(role);
  std::string reason;
  if (cmd.role.empty())
    reason = "the command names no role";
  else if (cfg_.permissions.count(cmd.role) == 0)
    reason = "role '" + cmd.role + "' is not known";
  else
    reason = "role '" + cmd.role + "' may not issue " + m.intent;
  emit_access_audit(ctx, cmd.conversation_id, cmd.correlation, cmd.principal, cmd.role, m.intent,
                    false, reason);
  std::string text = "Refused: " + reason + ".";
  if (!allowed_roles.empty()) text += " Roles that may: " + joined(allowed_roles) + ".";
  reply(ctx, cmd, std::move(text), fbs::ReplyStatus::refused, m.intent, m.confidence,
        {{"reason", reason}, {"allowed_roles", joined(allowed_roles, ",")}});
  return {m.intent, "refused"};
}

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
  if (r.options.empty())
    return ask_language_model(cmd, state_.conversations.at(cmd.conversation_id), m, ctx);
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
             reply_fields{cmd.conversation_id,
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
  state_.tasks[task_id] = std::move(p);
  return {m.intent, "pending"};
}

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
             reply_fields{cmd.conversation_id,
                          "'" + truncate_utf8(cmd.text, cfg_.max_turn_text) +
                              "' matches no intent rule (best confidence " + fixed(m.confidence) +
                              "); asked the language model",
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

// --- the course dialogue ---------------------------------------------------------------------

std::pair<std::string, std::string> orchestrator_agent::open_course(const command_info& cmd,
                                                                    conversation& conv,
                                                                    const intent_match& m,
                                                                    context& ctx) {
  course_draft d;
  d.active = true;
  if (const auto it = m.slots.find("topic"); it != m.slots.end()) d.topic = it->second;
  if (const auto it = m.slots.find("topics"); it != m.slots.end())
    d.topics = split_topics(it->second);
  if (const auto it = m.slots.find("quizzes"); it != m.slots.end())
    d.quizzes = it->second == "true";
  d.confidence = m.confidence;
  d.opened_ms = ctx.event_time_ms();
  conv.draft = d;
  ask_for_course_details(cmd, conv.draft, ctx);
  return {std::string(course_intent), "answered"};
}

std::pair<std::string, std::string> orchestrator_agent::continue_course(const command_info& cmd,
                                                                        conversation& conv,
                                                                        const tokens& t,
                                                                        context& ctx) {
  course_draft& d = conv.draft;
  if (d.topic.empty()) {
    d.topic = join_orig(t, 0, t.size());
  } else {
    auto topics = topics_named(t);
    if (!topics.empty()) d.topics = std::move(topics);
  }
  if (const auto q = quizzes_wanted(t)) d.quizzes = *q;
  d.opened_ms = ctx.event_time_ms();
  ask_for_course_details(cmd, d, ctx);
  return {std::string(course_intent), "answered"};
}

void orchestrator_agent::ask_for_course_details(const command_info& cmd, const course_draft& d,
                                                context& ctx) {
  std::string text;
  if (d.topic.empty()) {
    text = "I can have the Content agent build a course. What should it be about?";
  } else if (d.topics.empty()) {
    text = "I can have the Content agent outline a course about " + d.topic +
           " from the knowledge base. Which topics should it cover? Name them (for example "
           "\"cover X, Y and Z\"), or say yes to let it choose";
    text += d.quizzes ? "; it will have a quiz per module."
                      : "; add \"with quizzes\" for a quiz per module.";
  } else {
    text = "The course about " + d.topic + " would cover: " + joined(d.topics) +
           (d.quizzes ? ", with a quiz per module" : "") +
           ". Shall I hand it to the Content agent? Say yes";
    text += d.quizzes ? ", or name other topics."
                      : " (add \"with quizzes\" for a quiz per module), or name other topics.";
  }
  reply(ctx, cmd, std::move(text), fbs::ReplyStatus::answered, std::string(course_intent),
        d.confidence,
        {{"awaiting", d.topic.empty() ? "topic" : "confirmation"},
         {"topic", d.topic},
         {"topics", joined(d.topics)},
         {"quizzes", d.quizzes ? "true" : "false"}});
}

std::pair<std::string, std::string> orchestrator_agent::confirm_course(const command_info& cmd,
                                                                       conversation& conv,
                                                                       const tokens& t,
                                                                       context& ctx) {
  course_draft& d = conv.draft;
  if (const auto q = quizzes_wanted(t)) d.quizzes = *q;
  intent_match m;
  m.intent = std::string(course_intent);
  m.confidence = d.confidence;
  if (!role_allows(cfg_.permissions, cmd.role, m.intent)) return refuse(cmd, m, ctx);
  if (d.topic.empty()) {
    d.opened_ms = ctx.event_time_ms();
    ask_for_course_details(cmd, d, ctx);
    return {m.intent, "answered"};
  }
  m.slots["topic"] = d.topic;
  if (!d.topics.empty()) m.slots["topics"] = joined(d.topics);
  m.slots["quizzes"] = d.quizzes ? "true" : "false";
  // The person has agreed to the course here: the Content agent finalizes it at once.
  m.slots["confirmed"] = "true";
  conv.draft = course_draft{};
  return route(cmd, m, is_urgent(t), ctx);
}

// --- outcomes, effect results, deadlines -------------------------------------------------------

void orchestrator_agent::on_task_outcome(const fbs::TaskOutcome& o, context& ctx) {
  const auto it = state_.tasks.find(std::string(text(o.task_id())));
  // Outcomes of tasks this instance did not issue, or already answered or timed out, are not
  // counted again: the pending entry is what makes an outcome count once.
  if (it == state_.tasks.end()) return;
  const std::string task_id = it->first;
  const pending_task p = std::move(it->second);
  state_.tasks.erase(it);

  // The agent's own status, else (outcomes written before it) success or failure, with an
  // escalation said in the results.
  fbs::ReplyStatus status = o.status();
  if (status == fbs::ReplyStatus::unknown || !kit::is_final(status)) {
    status = o.success() ? fbs::ReplyStatus::answered : fbs::ReplyStatus::failed;
    if (const auto* results = o.results())
      for (const auto* kv : *results)
        if (kv != nullptr && text(kv->key()) == "status" && text(kv->value()) == "escalated")
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
      details.emplace_back(std::string(text(kv->key())), std::string(text(kv->value())));
    }
  }
  const std::string detail(text(o.detail()));
  std::string reply_text;
  if (o.success() || status == fbs::ReplyStatus::no_data || status == fbs::ReplyStatus::escalated)
    reply_text = capitalized(p.agent) +
                 " agent: " + (detail.empty() ? "completed " + p.task_type + "." : detail);
  else
    reply_text = "The " + capitalized(p.agent) + " agent could not complete " + p.task_type + ": " +
                 (detail.empty() ? std::string("it gave no reason.") : detail);
  emit_reply(
      ctx, output::replies, p.conversation_id, p.correlation,
      reply_fields{
          p.conversation_id, reply_text, status, p.intent, p.confidence, {task_id}, details});
  set_turn_outcome(p.conversation_id, p.command_id, std::string(kit::status_name(status)));
}

void orchestrator_agent::on_effect_result(const fbs::EffectResult& r, context& ctx) {
  const auto it = state_.effects.find(std::string(text(r.effect_id())));
  if (it == state_.effects.end()) return;
  const std::string effect_id = it->first;
  const pending_effect p = std::move(it->second);
  state_.effects.erase(it);

  const std::string out(text(r.output()));
  const std::string detail(text(r.detail()));
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
  emit_reply(ctx, output::replies, p.conversation_id, p.correlation,
             reply_fields{p.conversation_id,
                          reply_text,
                          status,
                          p.intent,
                          p.confidence,
                          {effect_id},
                          {{"effect_id", effect_id}, {"source", p.kind}, {"detail", detail}}});
  set_turn_outcome(p.conversation_id, p.command_id, std::string(kit::status_name(status)));
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
    emit_reply(ctx, output::replies, p.conversation_id, p.correlation,
               reply_fields{p.conversation_id,
                            "No outcome from the " + capitalized(p.agent) + " agent for task " +
                                it->first + " within " + seconds(cfg_.task_timeout_ms) +
                                "; I have stopped waiting for it.",
                            fbs::ReplyStatus::failed,
                            p.intent,
                            p.confidence,
                            {it->first},
                            {{"task_id", it->first},
                             {"agent", p.agent},
                             {"task_type", p.task_type},
                             {"reason", "timeout"},
                             {"success_rate", fixed(success_rate(s), 4)}}});
    set_turn_outcome(p.conversation_id, p.command_id, "failed");
    it = state_.tasks.erase(it);
  }
  for (auto it = state_.effects.begin(); it != state_.effects.end();) {
    const pending_effect& p = it->second;
    if (p.deadline_ms > state_.watermark_ms) {
      ++it;
      continue;
    }
    emit_reply(ctx, output::replies, p.conversation_id, p.correlation,
               reply_fields{p.conversation_id,
                            "The language model did not answer within " +
                                seconds(cfg_.effect_timeout_ms) + " (effect " + it->first +
                                "); I have stopped waiting for it.",
                            fbs::ReplyStatus::failed,
                            p.intent,
                            p.confidence,
                            {it->first},
                            {{"effect_id", it->first}, {"source", p.kind}, {"reason", "timeout"}}});
    set_turn_outcome(p.conversation_id, p.command_id, "failed");
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

// --- helpers ---------------------------------------------------------------------------------

void orchestrator_agent::reply(context& ctx, const command_info& cmd, std::string text,
                               fbs::ReplyStatus status, const std::string& intent,
                               double confidence, key_values details,
                               std::vector<std::string> citations) {
  emit_reply(ctx, output::replies, cmd.conversation_id, cmd.correlation,
             reply_fields{cmd.conversation_id, std::move(text), std::move(status), intent,
                          confidence, std::move(citations), std::move(details)});
}

void orchestrator_agent::set_turn_outcome(const std::string& conversation_id,
                                          const std::string& command_id,
                                          const std::string& status) {
  const auto c = state_.conversations.find(conversation_id);
  if (c == state_.conversations.end()) return;
  for (auto& t : c->second.turns)
    if (t.command_id == command_id) t.outcome = status;
}

bytes orchestrator_agent::snapshot() const {
  return encode_state(state_);
}

bool orchestrator_agent::restore(const std::uint8_t* data, std::size_t size) {
  auto decoded = decode_state(data, size);
  if (!decoded) return false;
  state_ = std::move(*decoded);
  return true;
}

std::unique_ptr<agent> make_orchestrator_agent(const agent_settings& settings) {
  return std::make_unique<orchestrator_agent>(config_from_settings(settings));
}

} // namespace aetherial::actors::orchestrator
