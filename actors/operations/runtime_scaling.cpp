#include "actors/operations/runtime_scaling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "actors/kit/task.hpp"
#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

namespace {

// Decisions about the runtime as a whole share one key.
constexpr std::string_view runtime_key = "runtime";
// Instances whose latest reports are kept at most.
constexpr std::size_t max_reporters = 256;

void emit_decision(runtime_scaling_state& s, int from, int to, double slope, std::int64_t lag,
                   const std::string& reason, context& ctx) {
  auto& b = ctx.builder();
  const auto payload =
      fbs::CreateRuntimeScaleDecisionDirect(b, from, to, slope, lag, reason.c_str());
  ctx.emit(output::decisions, runtime_key, fbs::Payload::RuntimeScaleDecision, payload.Union());
  // What a deployment acts on (a replica count, a KEDA or HPA target): the same decision as a
  // request to an effect worker, whose id derives from the cause like the decision's.
  kit::effect_request_spec e;
  e.effect_id = runtime_effect_id(ctx.cause_id());
  e.kind = std::string(runtime_effect_kind);
  e.input = "Scale the Aetherial runtime from " + integer(from) + " to " + integer(to) +
            " instances: " + reason;
  e.requested_by = "agent:operations";
  e.params = {{"from_instances", integer(from)},
              {"to_instances", integer(to)},
              {"total_lag", integer(lag)},
              {"lag_growth_per_s", fixed(slope, 1)}};
  kit::emit_effect_request(ctx, runtime_key, e);
  s.decided_instances = to;
  s.decided_ms = ctx.event_time_ms();
  s.growth_streak = 0;
  s.idle = false;
}

} // namespace

std::string runtime_effect_id(const schemas::event_id& decided_on) {
  return "scale-runtime-" + decided_on.to_string();
}

double lag_slope_per_s(const std::deque<telemetry_sample>& samples) {
  if (samples.size() < 2) return 0.0;
  // Centre the times on the first sample to keep the sums small and exact enough.
  const double t0 = static_cast<double>(samples.front().time_ms);
  double mean_t = 0.0;
  double mean_l = 0.0;
  for (const auto& x : samples) {
    mean_t += (static_cast<double>(x.time_ms) - t0) / 1000.0;
    mean_l += static_cast<double>(x.total_lag);
  }
  const double n = static_cast<double>(samples.size());
  mean_t /= n;
  mean_l /= n;
  double cov = 0.0;
  double var = 0.0;
  for (const auto& x : samples) {
    const double dt = (static_cast<double>(x.time_ms) - t0) / 1000.0 - mean_t;
    cov += dt * (static_cast<double>(x.total_lag) - mean_l);
    var += dt * dt;
  }
  return var > 0.0 ? cov / var : 0.0;
}

void on_runtime_telemetry(runtime_scaling_state& s, const runtime_scaling_config& cfg,
                          const fbs::RuntimeTelemetry& telemetry, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  if (telemetry.instances() < 1 || telemetry.total_lag() < 0) return;
  // Every instance (node) reports its own lag and rate: the runtime's are the sums over the
  // instances heard from recently, its size the group's members as reported, or the reporters
  // when more of them spoke.
  const std::string who = telemetry.instance() ? telemetry.instance()->str() : std::string();
  auto& mine = s.reporters[who];
  if (now >= mine.time_ms) {
    mine.time_ms = now;
    mine.total_lag = telemetry.total_lag();
    mine.events_per_s =
        std::isfinite(telemetry.events_per_s()) ? std::max(telemetry.events_per_s(), 0.0) : 0.0;
  }
  // A bounded set: names are the producers' words, the quietest go first.
  while (s.reporters.size() > max_reporters) {
    auto oldest = s.reporters.begin();
    for (auto it = s.reporters.begin(); it != s.reporters.end(); ++it)
      if (it->second.time_ms < oldest->second.time_ms) oldest = it;
    s.reporters.erase(oldest);
  }
  std::int64_t lag = 0;
  double eps = 0.0;
  for (auto it = s.reporters.begin(); it != s.reporters.end();) {
    if (it->second.time_ms < now - cfg.report_ttl_ms) {
      it = s.reporters.erase(it);
      continue;
    }
    // Saturated: lags come from producers.
    lag = it->second.total_lag > std::numeric_limits<std::int64_t>::max() - lag
              ? std::numeric_limits<std::int64_t>::max()
              : lag + it->second.total_lag;
    eps += it->second.events_per_s;
    ++it;
  }
  const int instances = std::max(telemetry.instances(), static_cast<int>(s.reporters.size()));
  // Telemetry older than the newest sample is stale for a trend.
  if (!s.samples.empty() && now <= s.samples.back().time_ms) return;

  const bool grew = !s.samples.empty() && lag > s.samples.back().total_lag;
  s.growth_streak = grew ? s.growth_streak + 1 : 0;
  s.samples.push_back({now, lag, instances, eps});
  while (s.samples.size() > 2 && s.samples.front().time_ms < now - cfg.slope_window_ms)
    s.samples.pop_front();

  if (lag <= cfg.idle_lag) {
    if (!s.idle) {
      s.idle = true;
      s.idle_since_ms = now;
    }
  } else {
    s.idle = false;
  }

  // While lag grows every instance is saturated: what they drain is their capacity.
  if (s.growth_streak >= 2 && eps > 0.0) s.capacity_per_instance = eps / instances;

  const bool pending = s.decided_instances > 0 && s.decided_instances != instances &&
                       now - s.decided_ms < cfg.actuation_timeout_ms;
  if (pending) return; // the samples do not reflect the last decision yet
  const bool cooling = s.decided_instances > 0 && now - s.decided_ms < cfg.cooldown_ms;
  if (cooling) return;

  const double slope = lag_slope_per_s(s.samples);
  if (s.growth_streak >= cfg.growth_samples && slope >= cfg.min_growth_per_s &&
      lag >= cfg.min_lag && instances < cfg.max_instances) {
    // Each instance drains events_per_s / instances; the growth needs that much more.
    const double per_instance = eps > 0.0 ? eps / instances : 0.0;
    const int needed =
        per_instance > 0.0 ? static_cast<int>(std::ceil(slope / per_instance - 1e-9)) : 1;
    const int step = std::clamp(needed, 1, std::max(cfg.max_step, 1));
    const int to = std::min(instances + step, cfg.max_instances);
    const std::string reason =
        "consumer lag " + integer(lag) + " grew over " + integer(s.growth_streak) +
        " consecutive samples at " + fixed(slope, 1) + " events/s (threshold " +
        fixed(cfg.min_growth_per_s, 1) + ") over the last " +
        integer((now - s.samples.front().time_ms) / 1000) + " s; each of " + integer(instances) +
        " instances drains " + fixed(per_instance, 1) + " events/s, so add " +
        integer(to - instances) + ": " + integer(instances) + " -> " + integer(to) + " instances";
    emit_decision(s, instances, to, slope, lag, reason, ctx);
    return;
  }
  if (s.idle && now - s.idle_since_ms >= cfg.scale_in_after_ms && instances > cfg.min_instances) {
    const int to = instances - 1;
    const double budget = cfg.scale_in_headroom * s.capacity_per_instance * to;
    if (s.capacity_per_instance > 0.0 && eps > budget) return; // the rest could not keep up
    const std::string capacity = s.capacity_per_instance > 0.0
                                     ? "; " + fixed(eps, 1) + " events/s fit in " + integer(to) +
                                           " x " + fixed(s.capacity_per_instance, 1) +
                                           " events/s x " + fixed(cfg.scale_in_headroom, 2) +
                                           " headroom"
                                     : std::string();
    const std::string reason = "consumer lag at most " + integer(cfg.idle_lag) + " for " +
                               integer((now - s.idle_since_ms) / 1000) + " s (threshold " +
                               integer(cfg.scale_in_after_ms / 1000) + " s), now " + integer(lag) +
                               capacity + ": remove one instance, " + integer(instances) + " -> " +
                               integer(to) + " instances";
    emit_decision(s, instances, to, slope, lag, reason, ctx);
  }
}

} // namespace aetherial::actors::operations
