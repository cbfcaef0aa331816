// Deploy gates: tests and approvals before a deploy, then the deploy effect.

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/development/development_agent.hpp"
#include "actors/development/emit.hpp"
#include "actors/development/signature.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

namespace {

void deploy_gate(context& ctx, const deploy_record& d, bool allowed, const std::string& reason) {
  auto& b = ctx.builder();
  const auto p = fbs::CreateDeployGateDirect(b, d.deploy_id.c_str(), d.service.c_str(),
                                             d.environment.c_str(), allowed, reason.c_str());
  ctx.emit(output::decisions, d.service, fbs::Payload::DeployGate, p.Union(), d.conversation_id);
}

bool needs_approval(const deploy_config& c, const std::string& environment) {
  return std::find(c.approval_environments.begin(), c.approval_environments.end(), environment) !=
         c.approval_environments.end();
}

/// The change a deploy is about, for messages: its commit, else its change id.
std::string subject(const deploy_record& d) {
  if (!d.commit.empty()) return "commit " + d.commit;
  if (!d.change_id.empty()) return "change " + d.change_id;
  return "the latest build";
}

} // namespace

void development_agent::on_build(const std::string& repo_name, const fbs::DevEvent& e,
                                 context& ctx) {
  const std::string commit = str(e.commit());
  const std::string change = str(e.change_id());
  for (auto& [id, d] : state_.deploys) {
    if (d.service != repo_name || d.phase != deploy_phase::testing) continue;
    if (!d.commit.empty() ? commit != d.commit : (!d.change_id.empty() && change != d.change_id))
      continue;
    if (d.commit.empty()) d.commit = commit;
    if (!e.passed()) {
      std::string reason = "tests failed on " + subject(d);
      const std::string why = str(e.failure_message());
      if (!why.empty()) reason += ": " + first_line(why, 160);
      deploy_gate(ctx, d, false, reason);
      reply(ctx, d.conversation_id,
            "Tests failed. Deploy of " + d.service + " to " + d.environment + " stopped (" +
                reason + ").",
            fbs::ReplyStatus::answered, "development.deploy");
      finish_deploy(d, ctx.event_time_ms(), false, reason, ctx);
      continue;
    }
    d.tests_passed = true;
    evaluate_gate(d, ctx);
  }
}

void development_agent::on_deploy_event(const fbs::DevEvent& e, context& ctx) {
  const std::string kind = str(e.kind());
  const std::string deploy_id = str(e.deploy_id());
  if (deploy_id.empty()) return;
  const std::int64_t now = ctx.event_time_ms();
  if (kind == "deploy_requested") {
    // A deploy asked for by CI rather than by a task: gated the same way, without replies.
    if (state_.deploys.count(deploy_id) > 0) return;
    deploy_record d;
    d.deploy_id = deploy_id;
    d.service = str(e.service()).empty() ? str(e.repo()) : str(e.service());
    d.environment =
        str(e.environment()).empty() ? cfg_.deploy.default_environment : str(e.environment());
    d.change_id = str(e.change_id());
    d.commit = str(e.commit());
    d.requested_by = str(e.author_ref());
    d.requested_ms = now;
    state_.deploys.emplace(deploy_id, std::move(d));
    return;
  }
  const auto it = state_.deploys.find(deploy_id);
  if (it == state_.deploys.end()) return;
  auto& d = it->second;
  if (kind == "deploy_finished" && d.phase == deploy_phase::deploying) {
    if (!e.passed()) {
      const std::string why = first_line(str(e.failure_message()), 160);
      reply(ctx, d.conversation_id,
            "The deploy of " + d.service + " to " + d.environment + " failed" +
                (why.empty() ? "." : ": " + why + "."),
            fbs::ReplyStatus::answered, "development.deploy");
      finish_deploy(d, now, false, "deploy failed" + (why.empty() ? "" : ": " + why), ctx);
      return;
    }
    d.phase = deploy_phase::watching;
    d.watch_until_ms = now + cfg_.deploy.watch_ms;
    reply(ctx, d.conversation_id,
          "Deployed " + d.service + " to " + d.environment + ". Watching the error rate for " +
              kit::integer(cfg_.deploy.watch_ms / 60'000) + " min against the baseline of " +
              percent(d.baseline) + ".",
          fbs::ReplyStatus::pending, "development.deploy");
  }
}

void development_agent::evaluate_gate(deploy_record& d, context& ctx) {
  if (!d.tests_passed) return;
  const bool approval_needed = needs_approval(cfg_.deploy, d.environment);
  if (approval_needed && d.approved_by.empty()) {
    if (d.phase == deploy_phase::testing) {
      d.phase = deploy_phase::approval;
      reply(ctx, d.conversation_id,
            "Tests passed. Waiting for an approval to deploy " + d.service + " to " +
                d.environment + ".",
            fbs::ReplyStatus::pending, "development.deploy");
    }
    return;
  }
  const bool after_wait = d.phase == deploy_phase::approval;
  std::string reason = "tests passed on " + subject(d);
  reason += approval_needed ? "; approved by " + d.approved_by
                            : "; no approval needed for " + d.environment;
  deploy_gate(ctx, d, true, reason);
  d.phase = deploy_phase::deploying;
  const auto repo =
      rememberable(d.service) ? ctx.tables().get(repos_table, d.service) : std::nullopt;
  d.baseline = repo ? decode_repo(*repo).baseline : 0.0;
  effect(ctx, d.service, d.deploy_id, "deploy", "deploy " + d.service + " to " + d.environment,
         d.conversation_id, d.requested_by,
         {{"deploy_id", d.deploy_id},
          {"service", d.service},
          {"environment", d.environment},
          {"commit", d.commit},
          {"change_id", d.change_id}});
  reply(ctx, d.conversation_id,
        after_wait ? "Approved by " + d.approved_by + ". Deploying..."
                   : "Tests passed. Deploying...",
        fbs::ReplyStatus::pending, "development.deploy", {{"deploy_id", d.deploy_id}});
}

void development_agent::start_deploy(const kit::task_spec& t, context& ctx) {
  const auto params = kit::params_as<kit::deploy_params>(t.params);
  deploy_record d;
  d.deploy_id = "deploy-" + (t.task_id.empty() ? ctx.cause_id().to_string() : t.task_id);
  if (state_.deploys.count(d.deploy_id) > 0) return; // a redelivered task
  // The service comes from the task alone: the key a task arrives under is a partition key,
  // not a request to deploy something of that name.
  d.service = params.service;
  d.environment = params.environment;
  if (d.environment.empty()) d.environment = cfg_.deploy.default_environment;
  d.change_id = params.change_id;
  d.commit = params.commit;
  d.task_id = t.task_id;
  d.task_type = t.type;
  d.conversation_id = t.conversation_id;
  d.requested_by = t.requested_by;
  d.requested_ms = ctx.event_time_ms();
  if (d.service.empty()) {
    const std::string what = params.change.empty() ? "the change" : params.change;
    const std::string question =
        "To deploy " + what + " to " + d.environment +
        " I need the service it belongs to: which one? Name it, and the commit if it is not the "
        "next build (for example \"Deploy web commit 4f2a9c1 to " +
        d.environment + "\").";
    reply(ctx, d.conversation_id, question, fbs::ReplyStatus::refused, "development.deploy");
    task_outcome(ctx, d.conversation_id, d.task_id, d.task_type, false, question, {},
                 fbs::ReplyStatus::refused);
    return;
  }
  effect(ctx, d.service, "tests-" + d.deploy_id, "ci_pipeline", "run the tests of " + d.service,
         d.conversation_id, d.requested_by,
         {{"deploy_id", d.deploy_id},
          {"service", d.service},
          {"commit", d.commit},
          {"change_id", d.change_id}});
  reply(ctx, d.conversation_id,
        "Running tests for " + d.service + (d.commit.empty() ? "" : " at commit " + d.commit) +
            " before deploying to " + d.environment + "...",
        fbs::ReplyStatus::pending, "development.deploy", {{"deploy_id", d.deploy_id}});
  state_.deploys.emplace(d.deploy_id, std::move(d));
}

} // namespace aetherial::actors::development
