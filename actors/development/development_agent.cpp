#include "actors/development/development_agent.hpp"

#include <algorithm>
#include <utility>

#include "actors/development/emit.hpp"
#include "actors/development/state_codec.hpp"
#include "actors/kit/access.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

void development_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  state_.watermark_ms = std::max(state_.watermark_ms, ctx.event_time_ms());
  // Any event's time can end a post-deploy watch: a deploy that stayed healthy until the
  // end of its watch is reported as such before anything else happens.
  expire(ctx);
  switch (event.payload_type()) {
    case fbs::Payload::DevEvent: on_dev_event(*event.payload_as_DevEvent(), ctx); break;
    case fbs::Payload::Task: on_task(*event.payload_as_Task(), ctx); break;
    case fbs::Payload::EffectResult: on_effect_result(*event.payload_as_EffectResult(), ctx); break;
    default:
      // Decisions (including this agent's own), outcomes and other payloads carry nothing to
      // act on.
      break;
  }
}

// ---------------------------------------------------------------------------------------
// platform.dev

void development_agent::on_dev_event(const fbs::DevEvent& e, context& ctx) {
  const std::string kind = str(e.kind());
  std::string repo_name = str(e.repo());
  if (repo_name.empty()) repo_name = str(e.service());
  if (repo_name.empty()) return;
  // A repo name too long to key a row names no real repo: nothing is learned from it.
  if (!rememberable(repo_name)) return;
  auto& tables = ctx.tables();
  // The repo's row, for the events that read or change it; written back only when it holds
  // something.
  const auto with_repo = [&](const std::string& name, const auto& handle) {
    repo_slot repo(tables, repos_table, name);
    if (!repo.record) repo.record.emplace();
    handle(*repo.record);
    if (holds_nothing(*repo.record)) repo.record.reset();
    repo.save();
  };
  if (kind == "test_result") {
    on_test_result(repo_name, e, ctx);
  } else if (kind == "build") {
    on_build(repo_name, e, ctx);
  } else if (kind == "approval") {
    with_repo(repo_name, [&](repo_state& repo) { on_approval(repo, repo_name, e, ctx); });
  } else if (kind == "review_requested") {
    with_repo(repo_name, [&](repo_state& repo) { on_review_requested(repo, repo_name, e, ctx); });
  } else if (kind == "deploy_requested" || kind == "deploy_started" || kind == "deploy_finished") {
    on_deploy_event(e, ctx);
  } else if (kind == "error_rate") {
    std::string service = str(e.service());
    if (service.empty()) service = repo_name;
    if (!rememberable(service)) return;
    with_repo(service,
              [&](repo_state& repo) { on_error_rate(repo, service, e.error_rate(), ctx); });
  }
}

void development_agent::restored() {
  tests_expiry_ = kit::expiry_index(tests_expiry_.name());
  clusters_expiry_ = kit::expiry_index(clusters_expiry_.name());
  owners_expiry_ = kit::expiry_index(owners_expiry_.name());
  changes_expiry_ = kit::expiry_index(changes_expiry_.name());
}

// ---------------------------------------------------------------------------------------
// aetherial.tasks and aetherial.effect-results

void development_agent::on_task(const fbs::Task& task, context& ctx) {
  if (str(task.target_agent()) != kind_name) return;
  const kit::task_spec t = kit::read_task(task);
  if (!kit::can_do(kind_name, t.type)) {
    reply(ctx, t.conversation_id, "I cannot do \"" + t.type + "\".", fbs::ReplyStatus::refused,
          t.type);
    task_outcome(ctx, t.conversation_id, t.task_id, t.type, false, "unknown task type", {},
                 fbs::ReplyStatus::refused);
  } else if (t.type == "development.deploy") {
    // A deploy is risky: only a verified principal holding a deployer role may ask for it,
    // whoever wrote the task.
    const auto verdict =
        kit::check_approval(ctx.identity(), t.requested_by, cfg_.deploy.deployer_roles);
    if (!verdict.allowed) {
      kit::emit_access_audit(ctx, t.conversation_id, verdict.principal, t.role, t.type, false,
                             verdict.reason);
      reply(ctx, t.conversation_id, "Refused: " + verdict.reason + ".", fbs::ReplyStatus::refused,
            t.type);
      task_outcome(ctx, t.conversation_id, t.task_id, t.type, false, verdict.reason, {},
                   fbs::ReplyStatus::refused);
      return;
    }
    start_deploy(t, ctx);
  } else {
    start_code_request(t, ctx);
  }
}

std::unique_ptr<agent> make_development_agent(const agent_settings& settings) {
  return std::make_unique<development_agent>(config_from(settings));
}

} // namespace aetherial::actors::development
