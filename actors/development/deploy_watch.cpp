// Post-deploy watch: the error rate against the pre-deploy baseline, and rollbacks.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "actors/development/development_agent.hpp"
#include "actors/development/emit.hpp"
#include "actors/development/signature.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

void development_agent::on_error_rate(repo_state& repo, const std::string& service, double rate,
                                      context& ctx) {
  if (!std::isfinite(rate) || rate < 0) return;
  const auto& c = cfg_.deploy;
  bool in_deploy = false;
  for (auto& [id, d] : state_.deploys) {
    if (d.service != service) continue;
    if (d.phase == deploy_phase::deploying) in_deploy = true;
    if (d.phase != deploy_phase::watching) continue;
    in_deploy = true;
    d.worst = std::max(d.worst, rate);
    const double base = std::max(d.baseline, c.baseline_floor);
    const bool severe = rate >= base * c.severe_ratio && rate >= base + c.severe_delta;
    const bool elevated = rate >= base * c.elevated_ratio && rate >= base + c.elevated_delta;
    d.elevated_run = elevated ? d.elevated_run + 1 : 0;
    if (!severe && !(elevated && d.elevated_run >= c.elevated_samples && !d.recommended)) continue;
    const std::string ratio = kit::fixed(rate / base, 1);
    std::string reason = "error rate " + percent(rate) + " is " + ratio +
                         "x the pre-deploy baseline " + percent(base);
    reason += severe ? ": severe, rolling back automatically"
                     : " for " + kit::integer(d.elevated_run) +
                           " samples: rollback recommended, not automatic";
    auto& b = ctx.builder();
    const auto p = fbs::CreateRollbackDecisionDirect(b, d.deploy_id.c_str(), d.service.c_str(),
                                                     rate, base, severe, severe, reason.c_str());
    ctx.emit(output::decisions, d.service, fbs::Payload::RollbackDecision, p.Union(),
             d.conversation_id);
    if (severe) {
      effect(ctx, d.service, "rollback-" + d.deploy_id, "rollback", "roll back " + d.deploy_id,
             d.conversation_id, "agent:development",
             {{"deploy_id", d.deploy_id}, {"service", d.service}, {"environment", d.environment}});
      reply(ctx, d.conversation_id,
            "Error rate jumped to " + percent(rate) + " after the deploy (baseline " +
                percent(base) + "). Rolling back automatically.",
            fbs::ReplyStatus::answered, "development.deploy",
            {{"deploy_id", d.deploy_id},
             {"error_rate", kit::fixed(rate, 6)},
             {"baseline", kit::fixed(base, 6)}});
      finish_deploy(d, ctx.event_time_ms(), false, "rolled back automatically: " + reason, ctx);
    } else {
      d.recommended = true;
      reply(ctx, d.conversation_id,
            "The error rate is " + percent(rate) + " since the deploy, against " + percent(base) +
                " before. I recommend rolling back; confirm to roll back.",
            fbs::ReplyStatus::needs_confirmation, "development.deploy",
            {{"deploy_id", d.deploy_id},
             {"error_rate", kit::fixed(rate, 6)},
             {"baseline", kit::fixed(base, 6)}});
    }
  }
  if (in_deploy) return;
  // Outside deploys the error rate is the baseline the next deploy is judged against.
  repo.baseline =
      repo.baseline_samples == 0 ? rate : repo.baseline + c.baseline_alpha * (rate - repo.baseline);
  ++repo.baseline_samples;
}

void development_agent::expire(context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  for (auto it = state_.deploys.begin(); it != state_.deploys.end();) {
    auto& d = it->second;
    if (d.phase == deploy_phase::watching && now >= d.watch_until_ms) {
      const std::string peak = percent(d.worst);
      std::string text = "The deploy of " + d.service + " to " + d.environment +
                         " is done: the error rate peaked at " + peak + " (baseline " +
                         percent(std::max(d.baseline, cfg_.deploy.baseline_floor)) + ")";
      text += d.recommended ? "; a rollback was recommended and not confirmed." : ", healthy.";
      reply(ctx, d.conversation_id, text, fbs::ReplyStatus::answered, "development.deploy",
            {{"deploy_id", d.deploy_id}});
      finish_deploy(d, now, true,
                    d.recommended ? "deployed; rollback recommended" : "deployed and healthy", ctx);
    }
    if (d.phase == deploy_phase::done && now - d.done_ms > cfg_.deploy.retention_ms)
      it = state_.deploys.erase(it);
    else
      ++it;
  }
  // Rows idle past their limits, at the watermark.
  auto& tables = ctx.tables();
  const std::int64_t watermark = state_.watermark_ms;
  kit::expire_rows<test_slot>(tests_expiry_, tables, tests_table, watermark,
                              [&](const test_history& t) { return forget_at(t, cfg_); });
  kit::expire_rows<cluster_slot>(clusters_expiry_, tables, clusters_table, watermark,
                                 [&](const failure_cluster& c) { return forget_at(c, cfg_); });
  expire_reviews(watermark, tables);
}

} // namespace aetherial::actors::development
