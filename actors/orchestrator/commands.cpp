// Commands: roles (RBAC), intent matching and refusals, and the replies of a turn.

#include <algorithm>
#include <optional>
#include <utility>

#include "actors/kit/task.hpp"
#include "actors/orchestrator/intents.hpp"
#include "actors/orchestrator/orchestrator_agent.hpp"
#include "actors/orchestrator/routing.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::string normalized_role(std::string_view r) {
  std::string s;
  for (char c : r) {
    if (c == ' ' || c == '\t') continue;
    s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return s;
}

/// The principal a command is issued by: the one place it is read, so that every check made
/// on it (role refusals, who may confirm a risky command) follows when it becomes the verified
/// principal of a signed command.
std::string command_principal(const fbs::Envelope& event) {
  return std::string(view(event.principal()));
}

} // namespace

orchestrator_agent::command_info orchestrator_agent::acting_for(const command_info& cmd,
                                                                const std::string& intent) const {
  // The runtime has checked that a role the command asks for is one of the token's.
  command_info acting = cmd;
  if (cmd.verified_roles.empty()) return acting;
  acting.role = cmd.verified_roles.front();
  for (const auto& r : cmd.verified_roles)
    if (role_allows(cfg_.permissions, r, intent)) {
      acting.role = r;
      break;
    }
  return acting;
}

// --- commands ------------------------------------------------------------------------------

void orchestrator_agent::on_command(const fbs::Envelope& event, const fbs::Command& cmd,
                                    context& ctx) {
  command_info info;
  info.command_id = ctx.cause_id().to_string();
  info.conversation_id = std::string(view(cmd.conversation_id()));
  if (info.conversation_id.empty()) info.conversation_id = std::string(view(event.key()));
  if (info.conversation_id.empty()) info.conversation_id = info.command_id;
  info.correlation = std::string(view(event.correlation_id()));
  if (info.correlation.empty()) info.correlation = info.conversation_id;
  info.principal = command_principal(event);
  info.role = normalized_role(view(cmd.role()));
  info.text = std::string(view(cmd.text()));
  info.token = std::string(view(cmd.token()));

  // Who asks is what the runtime verified, never what the command claims. An unproven
  // command changes nothing: it is refused, for auditors too, before any conversation state.
  const actors::identity& who = ctx.identity();
  if (who.status == actors::identity_status::refused) {
    ++state_.refusals;
    const std::string reason = "identity not proven: " + who.reason;
    emit_access_audit(ctx, info.conversation_id, info.correlation, info.principal, info.role,
                      "command", false, reason);
    reply(ctx, info, "Refused: " + reason + ".", fbs::ReplyStatus::refused, "", 0.0,
          {{"reason", reason}});
    return;
  }
  if (who.usable()) {
    info.principal = who.principal;
    if (who.status == actors::identity_status::verified) {
      if (info.role.empty()) info.verified_roles = who.roles;
      if (!who.roles.empty() && info.role.empty()) info.role = who.roles.front();
    }
  }

  // A conversation id too long to key a row is answered without memory.
  auto& tables = ctx.tables();
  std::optional<conversation_slot> slot;
  if (rememberable(info.conversation_id))
    slot.emplace(tables, conversations_table, info.conversation_id);
  const bool created = !slot || !slot->record;
  std::optional<conversation> transient;
  conversation& conv =
      slot ? (slot->record ? *slot->record : slot->record.emplace()) : transient.emplace();
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
  conv.turns.push_back(
      turn{info.command_id, now, intent, truncate_utf8(info.text, cfg_.max_turn_text), status});
  while (conv.turns.size() > cfg_.max_turns)
    conv.turns.pop_front();
  if (!slot) return;
  slot->save();
  // Filed once, when the conversation is new (its last_ms only grows): an entry taken before
  // the conversation is due (it went on since) is filed again then.
  if (created) conversations_expiry_.file(tables, info.conversation_id, forget_at(conv, cfg_));
}

std::pair<std::string, std::string> orchestrator_agent::handle(command_info cmd, conversation& conv,
                                                               context& ctx) {
  const tokens t = tokenize(cmd.text);
  if (t.empty()) {
    reply(ctx, cmd, "The command has no text to act on.", fbs::ReplyStatus::failed, "", 0.0);
    return {"", "failed"};
  }
  // A risky command waiting: a yes runs it, a no drops it, any other command replaces it. A
  // yes that names an action of its own ("Yes, but deploy to staging instead") is that other
  // command: it must never run the waiting one.
  std::string replaced;
  if (conv.confirmation) {
    if (is_confirmation(t) && parse_command(cmd.text).confidence < cfg_.min_confidence)
      return confirm_pending(cmd, conv, ctx);
    if (is_decline(t)) return cancel_pending(cmd, conv, ctx);
    intent_match waiting;
    waiting.intent = conv.confirmation->intent;
    waiting.slots = conv.confirmation->slots;
    replaced = action_text(waiting);
    conv.confirmation.reset();
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

  intent_match m = parse_command(cmd.text);
  if (m.confidence < cfg_.min_confidence) {
    m.intent = std::string(unknown_intent);
    m.slots.clear();
    m.kind = command_kind::positive;
  }
  const bool understood = m.intent != unknown_intent;

  if (!understood && conv.draft.active) return continue_course(cmd, conv, t, ctx);
  if (!understood && is_confirmation(t)) {
    reply(ctx, cmd, "Nothing in this conversation is waiting for a confirmation.",
          fbs::ReplyStatus::answered, std::string(confirm_intent), 1.0);
    return {std::string(confirm_intent), "answered"};
  }

  // Saying not to do something does nothing, whoever says it.
  if (m.kind == command_kind::negated) return decline_action(cmd, m, ctx);
  cmd = acting_for(cmd, m.intent);
  if (!role_allows(cfg_.permissions, cmd.role, m.intent)) return refuse(cmd, m, ctx);
  // A question about an action is no request for it (a deploy's has an intent of its own).
  if (m.kind != command_kind::positive && m.intent != deploy_status_intent)
    return decline_action(cmd, m, ctx);
  if (m.intent == course_intent) return open_course(cmd, conv, m, ctx);
  if (const auto r = cfg_.routes.find(m.intent); r != cfg_.routes.end()) {
    slot_map full = m.slots;
    for (const auto& [k, v] : r->second.defaults)
      full.emplace(k, v);
    if (is_risky(cfg_.risky_intents, m.intent, full))
      return ask_confirmation(cmd, conv, m, is_urgent(t), replaced, ctx);
    return route(cmd, m, is_urgent(t), ctx);
  }
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

void orchestrator_agent::reply(context& ctx, const command_info& cmd, std::string text,
                               fbs::ReplyStatus status, const std::string& intent,
                               double confidence, key_values details,
                               std::vector<std::string> citations) {
  emit_reply(ctx, output::replies, cmd.conversation_id, cmd.correlation,
             kit::reply_spec{cmd.conversation_id, std::string(kind_name), std::move(text),
                             std::move(status), intent, confidence, std::move(citations),
                             std::move(details)});
}

void orchestrator_agent::set_turn_outcome(const std::string& conversation_id,
                                          const std::string& command_id, const std::string& status,
                                          table_store& tables) {
  if (!rememberable(conversation_id)) return;
  conversation_slot slot(tables, conversations_table, conversation_id);
  if (!slot.record) return;
  for (auto& t : slot.record->turns)
    if (t.command_id == command_id) t.outcome = status;
  slot.save();
}

} // namespace aetherial::actors::orchestrator
