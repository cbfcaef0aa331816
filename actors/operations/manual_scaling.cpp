#include "actors/operations/manual_scaling.hpp"

#include <algorithm>
#include <string>

#include "actors/kit/access.hpp"
#include "actors/kit/task.hpp"
#include "actors/operations/autoscaling.hpp"
#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

namespace {

/// No replica count beyond this is taken, whoever asks: a typo, not a plan.
constexpr int sanity_max_replicas = 10'000;

std::string roles_text(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles)
    out += (out.empty() ? "" : ", ") + r;
  return out.empty() ? std::string("none configured") : out;
}

struct scale_request {
  kit::task_spec task;
  kit::scale_params params;
  std::string conversation;
  bool up = true;
};

void finish(context& ctx, const scale_request& r, fbs::ReplyStatus status, const std::string& text,
            const kit::key_values& results = {}) {
  const std::string agent(kind_name);
  kit::emit_reply(
      ctx, output::replies, r.conversation,
      kit::reply_spec{r.conversation, agent, text, status, r.task.type, 1.0, {}, results});
  kit::emit_outcome(ctx, r.conversation,
                    kit::outcome_spec{r.task.task_id, r.task.type, agent,
                                      status == fbs::ReplyStatus::answered, status, text,
                                      r.conversation, results});
}

void refuse(context& ctx, const scale_request& r, const std::string& principal,
            const std::string& reason) {
  kit::emit_access_audit(ctx, r.conversation, principal, r.task.role, r.task.type, false, reason);
  finish(ctx, r, fbs::ReplyStatus::refused, "Refused: " + reason + ".");
}

} // namespace

void on_scale_task(const operations_config& cfg, service_rows& rows, const fbs::Task& task,
                   context& ctx) {
  const auto type = view(task.type());
  if (view(task.target_agent()) != kind_name ||
      (type != scale_up_task_type && type != scale_down_task_type))
    return;
  scale_request r;
  r.task = kit::read_task(task);
  r.params = kit::params_as<kit::scale_params>(r.task.params);
  r.up = type == scale_up_task_type;
  r.conversation = r.task.conversation_id;
  if (r.conversation.empty()) r.conversation = r.task.task_id;
  if (r.conversation.empty()) r.conversation = std::string(view(ctx.cause().key()));
  const auto& acfg = cfg.autoscaling;

  // Who asks: a verified principal with a scaler role, whoever wrote the task.
  const auto scaler = kit::check_approval(ctx.identity(), r.task.requested_by, acfg.scaler_roles);
  if (!scaler.allowed) return refuse(ctx, r, scaler.principal, scaler.reason);

  const std::string& name = r.params.service;
  if (name.empty())
    return finish(ctx, r, fbs::ReplyStatus::refused,
                  "Which service? Nothing was scaled: name it, e.g. \"scale web " +
                      std::string(r.up ? "up" : "down") + " to 4 replicas\".");
  if (!valid_service_name(name))
    return finish(ctx, r, fbs::ReplyStatus::refused, "Refused: that is not a service name.");
  // A copy: the row changes only if the service is scaled.
  service_row& stored = rows.at(ctx.tables(), name);
  service_row row = stored;
  const auto& reading = row.reading;
  if (!reading && (!row.scaling || row.scaling->decided_replicas == 0))
    return finish(ctx, r, fbs::ReplyStatus::no_data,
                  "I have no load data for " + name +
                      ", so I do not know how many replicas it "
                      "runs; nothing was scaled.");
  auto& sc = service_entry(row.scaling, acfg);
  const std::int64_t now = ctx.event_time_ms();
  // The count it runs: the newest sample, unless a decision it does not show yet is in flight.
  int current = reading ? reading->replicas : sc.decided_replicas;
  if (sc.decided_replicas > 0 && sc.decided_replicas != current &&
      (!reading || now - sc.decided_ms < acfg.actuation_timeout_ms))
    current = sc.decided_replicas;

  const long long step = r.params.step > 0 ? static_cast<long long>(r.params.step) : 1LL;
  const long long asked = r.params.replicas > 0 ? static_cast<long long>(r.params.replicas)
                          : r.up                ? current + step
                                                : current - step;
  const std::string direction = r.up ? "up" : "down";
  if (asked < 1 || asked > sanity_max_replicas)
    return finish(ctx, r, fbs::ReplyStatus::refused,
                  "Refused: " + std::to_string(asked) + " replicas is outside 1 to " +
                      integer(sanity_max_replicas) + "; nothing was scaled.");
  const int target = static_cast<int>(asked);
  if (target == current)
    return finish(ctx, r, fbs::ReplyStatus::answered,
                  name + " already runs " + integer(current) + " replicas; nothing was changed.",
                  {{"service", name}, {"replicas", integer(current)}});
  if ((target > current) != r.up)
    return finish(ctx, r, fbs::ReplyStatus::refused,
                  "Refused: " + name + " runs " + integer(current) + " replicas, so " +
                      integer(target) + " is not a scale " + direction +
                      "; nothing was scaled (ask to scale it " + (r.up ? "down" : "up") +
                      " instead).");

  // Beyond the service's bounds only with a policy-override role; the override is audited.
  std::string override_note;
  if (target > sc.max_replicas || target < sc.min_replicas) {
    const std::string bounds = "[" + integer(sc.min_replicas) + ", " + integer(sc.max_replicas) +
                               "]" + (sc.has_policy ? " of its scaling policy" : " (defaults)");
    const auto over =
        kit::check_approval(ctx.identity(), r.task.requested_by, acfg.policy_override_roles);
    if (!over.allowed)
      return refuse(ctx, r, over.principal,
                    name + " may run " + bounds + " replicas; " + integer(target) +
                        " is beyond it and needs a role of " +
                        roles_text(acfg.policy_override_roles) + " (" +
                        (over.reason.empty() ? over.principal + " has none" : over.reason) + ")");
    override_note = "; beyond " + bounds + " by role " + (over.role.empty() ? "-" : over.role);
    kit::emit_access_audit(ctx, r.conversation, over.principal, over.role, r.task.type, true,
                           name + " to " + integer(target) + " replicas, beyond " + bounds);
  }

  const std::string hold =
      acfg.manual_hold_ms > 0
          ? "the autoscaler keeps it for " + integer(acfg.manual_hold_ms / 1000) + " s"
          : "the autoscaler may change it at the next sample";
  const std::string reason = name + ": " + integer(current) + " -> " + integer(target) +
                             " replicas (manual): asked by " + scaler.principal +
                             (r.task.task_id.empty() ? "" : " (task " + r.task.task_id + ")") +
                             override_note + "; " + hold;
  const double util = reading ? reading->cpu_utilization : 0.0;
  auto& b = ctx.builder();
  const auto payload = fbs::CreateScaleDecisionDirect(
      b, name.c_str(), current, target, "manual", reason.c_str(), util, sc.target_cpu, target, 0.0);
  ctx.emit(output::decisions, name, fbs::Payload::ScaleDecision, payload.Union());
  sc.changes.push_back({now, target - current});
  sc.decided_replicas = target;
  sc.decided_ms = now;
  sc.manual_until_ms = acfg.manual_hold_ms > 0 ? now + acfg.manual_hold_ms : 0;
  stored = std::move(row);
  finish(
      ctx, r, fbs::ReplyStatus::answered,
      "Scaling " + name + " " + direction + " from " + integer(current) + " to " + integer(target) +
          " replicas; " + hold + ".",
      {{"service", name}, {"from_replicas", integer(current)}, {"to_replicas", integer(target)}});
}

} // namespace aetherial::actors::operations
