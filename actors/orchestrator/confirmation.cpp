// Risky commands and what is not asked for: negations, questions about actions, the
// confirmation a risky command waits for, and intents no agent carries out.

#include <utility>

#include "actors/kit/task.hpp"
#include "actors/orchestrator/intents.hpp"
#include "actors/orchestrator/orchestrator_agent.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

namespace {

/// "5 min", "90 s".
std::string duration_text(std::int64_t ms) {
  if (ms >= 60'000 && ms % 60'000 == 0) return integer(ms / 60'000) + " min";
  return integer((ms + 999) / 1000) + " s";
}

/// The capable agents of a route and the task types they know it as ("the Development agent
/// (development.deploy)"), empty when none does it.
std::vector<std::string> capable_agents(const intent_route& r) {
  std::vector<std::string> out;
  for (const auto& o : r.options)
    if (kit::can_do(o.agent, o.task_type))
      out.push_back("the " + capitalized(o.agent) + " agent (" + o.task_type + ")");
  return out;
}

} // namespace

std::string orchestrator_agent::action_text(const intent_match& m) const {
  const auto r = cfg_.routes.find(m.intent);
  if (r == cfg_.routes.end()) return m.intent;
  slot_map slots = m.slots;
  // "Deploy web to production": the one word deployed is the service, not a change.
  if (const auto c = slots.find("change"), sv = slots.find("service");
      c != slots.end() && sv != slots.end() && c->second == sv->second)
    slots.erase(c);
  for (const auto& [k, v] : r->second.defaults)
    slots.emplace(k, v);
  const std::string& tmpl = r->second.action.empty() ? r->second.doing : r->second.action;
  return render(tmpl, slots);
}

std::pair<std::string, std::string>
orchestrator_agent::decline_action(const command_info& cmd, const intent_match& m, context& ctx) {
  const std::string kind(command_kind_name(m.kind));
  std::string text;
  fbs::ReplyStatus status = fbs::ReplyStatus::answered;
  if (m.kind == command_kind::negated) {
    text = "Understood as an instruction not to " + action_text(m) +
           ". Nothing was done and nothing was sent to any agent.";
  } else {
    // A question about an action: no agent reports on it to the Orchestrator, and it keeps no
    // record of its own, so it says so rather than guess.
    text = "This reads as a question about " + m.intent + ", not a request to " + action_text(m) +
           ", so nothing was done. I keep no record of it to answer from; ask the team that "
           "owns it, or say it as a request if you want it done.";
    status = fbs::ReplyStatus::no_data;
  }
  key_values details = {{"command_kind", kind}, {"action_taken", "none"}};
  for (const auto& [k, v] : m.slots)
    details.emplace_back("slot." + k, v);
  reply(ctx, cmd, std::move(text), status, m.intent, m.confidence, std::move(details));
  return {m.intent, std::string(kit::status_name(status))};
}

std::pair<std::string, std::string>
orchestrator_agent::ask_confirmation(const command_info& cmd, conversation& conv,
                                     const intent_match& m, bool urgent,
                                     const std::string& replaced, context& ctx) {
  const intent_route& r = cfg_.routes.at(m.intent);
  const auto agents = capable_agents(r);
  pending_confirmation p;
  p.intent = m.intent;
  p.confidence = m.confidence;
  p.slots = m.slots;
  p.text = cmd.text;
  p.principal = cmd.principal;
  p.role = cmd.role;
  p.command_id = cmd.command_id;
  p.correlation = cmd.correlation;
  p.urgent = urgent;
  p.issued_ms = ctx.event_time_ms();
  p.expires_ms = ctx.event_time_ms() + cfg_.confirm_ttl_ms;

  const std::string action = action_text(m);
  std::string text = "Please confirm: this will " + action + ". ";
  if (!agents.empty())
    text += "On your confirmation it goes to " + joined(agents, " or ") + " as a task. ";
  else
    text += "No agent carries out " + m.intent +
            " yet, so on your confirmation I can only tell you that nothing could be done. ";
  text += "Nothing has been done yet. Say \"yes\" or \"confirm\" within " +
          duration_text(cfg_.confirm_ttl_ms) + " to go ahead, or \"no\" or \"cancel\" to drop it.";
  if (!replaced.empty()) text += " (This replaces the waiting request to " + replaced + ".)";
  key_values details = {{"awaiting", "confirmation"},    {"action", action},
                        {"principal", cmd.principal},    {"expires_ms", integer(p.expires_ms)},
                        {"confirm_with", "yes,confirm"}, {"cancel_with", "no,cancel"}};
  for (const auto& [k, v] : m.slots)
    details.emplace_back("slot." + k, v);
  if (!replaced.empty()) details.emplace_back("replaced", replaced);
  conv.confirmation = std::move(p);
  reply(ctx, cmd, std::move(text), fbs::ReplyStatus::needs_confirmation, m.intent, m.confidence,
        std::move(details));
  return {m.intent, "needs_confirmation"};
}

std::pair<std::string, std::string>
orchestrator_agent::confirm_pending(const command_info& cmd, conversation& conv, context& ctx) {
  const pending_confirmation& p = *conv.confirmation;
  intent_match m;
  m.intent = p.intent;
  m.confidence = p.confidence;
  m.slots = p.slots;
  const std::string action = action_text(m);
  if (cmd.principal != p.principal) {
    // Only who asked may say yes; the request keeps waiting for them.
    ++state_.refusals;
    const std::string reason = "only " + (p.principal.empty() ? "the requester" : p.principal) +
                               ", who asked for it, may confirm " + p.intent;
    emit_access_audit(ctx, cmd.conversation_id, cmd.correlation, cmd.principal, cmd.role, p.intent,
                      false, reason);
    reply(ctx, cmd,
          "Refused: " + reason + ". Nothing was done; the request to " + action +
              " still waits for its requester.",
          fbs::ReplyStatus::refused, std::string(confirm_intent), 1.0,
          {{"reason", reason}, {"awaiting_principal", p.principal}});
    return {std::string(confirm_intent), "refused"};
  }
  // Event time, as every deadline: the highest seen on any input, this command's included.
  if (state_.watermark_ms > p.expires_ms) {
    const std::string ttl = duration_text(cfg_.confirm_ttl_ms);
    conv.confirmation.reset();
    reply(ctx, cmd,
          "The request to " + action + " expired (it had to be confirmed within " + ttl +
              "), so nothing was done. Say it again to start over.",
          fbs::ReplyStatus::failed, m.intent, m.confidence,
          {{"reason", "expired"}, {"action_taken", "none"}});
    return {m.intent, "failed"};
  }
  command_info run = acting_for(cmd, m.intent);
  run.text = p.text; // the task carries the command that was confirmed
  const bool urgent = p.urgent;
  conv.confirmation.reset();
  // The role is checked again for the command that confirms, as for a course.
  if (!role_allows(cfg_.permissions, run.role, m.intent)) return refuse(run, m, ctx);
  return route(run, m, urgent, ctx);
}

std::pair<std::string, std::string>
orchestrator_agent::cancel_pending(const command_info& cmd, conversation& conv, context& ctx) {
  intent_match m;
  m.intent = conv.confirmation->intent;
  m.confidence = conv.confirmation->confidence;
  m.slots = conv.confirmation->slots;
  conv.confirmation.reset();
  reply(ctx, cmd, "Cancelled: I will not " + action_text(m) + ". Nothing was done.",
        fbs::ReplyStatus::answered, m.intent, m.confidence,
        {{"cancelled", m.intent}, {"action_taken", "none"}});
  return {m.intent, "answered"};
}

std::pair<std::string, std::string> orchestrator_agent::unhandled(const command_info& cmd,
                                                                  const intent_match& m,
                                                                  const intent_route& r,
                                                                  context& ctx) {
  std::vector<std::string> types;
  for (const auto& o : r.options)
    types.push_back(o.task_type);
  const std::string kinds = types.empty() ? m.intent : joined(types, " or ");
  if (r.action.empty()) {
    // A read-only question no agent answers: said plainly, no data made up.
    std::string text = m.intent == deploy_status_intent
                           ? "I have no deploy record to answer this from: no agent reports "
                             "deploys to me (none answers " +
                                 kinds + ") and I keep none myself. Nothing was done."
                           : "No agent answers " + kinds +
                                 " yet and I keep no record of it, so I cannot answer this. "
                                 "Nothing was done.";
    key_values details = {{"reason", "no agent answers " + kinds}, {"action_taken", "none"}};
    if (m.kind != command_kind::positive)
      details.emplace_back("command_kind", std::string(command_kind_name(m.kind)));
    for (const auto& [k, v] : m.slots)
      details.emplace_back("slot." + k, v);
    reply(ctx, cmd, std::move(text), fbs::ReplyStatus::no_data, m.intent, m.confidence,
          std::move(details));
    return {m.intent, "no_data"};
  }
  const std::string reason = "no agent carries out " + kinds;
  reply(ctx, cmd,
        "Not done: " + reason + ", so I could not " + action_text(m) +
            ". Nothing was done and nothing was sent to any agent.",
        fbs::ReplyStatus::refused, m.intent, m.confidence,
        {{"reason", reason}, {"action_taken", "none"}});
  return {m.intent, "refused"};
}

} // namespace aetherial::actors::orchestrator
