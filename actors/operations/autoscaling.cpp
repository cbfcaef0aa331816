#include "actors/operations/autoscaling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "actors/operations/holt_winters.hpp"
#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

namespace {

holt_winters_params forecast_params(const autoscaling_config& cfg) {
  holt_winters_params p;
  p.alpha = cfg.alpha;
  p.beta = cfg.beta;
  p.gamma = cfg.gamma;
  p.phi = cfg.phi;
  p.season_length = cfg.season_length;
  p.error_smoothing = cfg.error_smoothing;
  return p;
}

// ceil() of a replica count, saturated so that absurd metrics cannot overflow an int.
int ceil_replicas(double v) {
  if (!(v > 0.0)) return 0;
  constexpr double cap = 1'000'000.0;
  return static_cast<int>(std::ceil(std::min(v, cap) - 1e-9));
}

// The forecast part of one decision.
struct forecast_view {
  bool active = false;
  double value = 0.0;      // point forecast, in the signal's unit
  double lower = 0.0;      // lower bound the decision acts on, in the signal's unit
  double cpu_demand = 0.0; // lower bound converted to CPU demand
  int desired = 0;
};

forecast_view forecast_for(service_scaling& s, const autoscaling_config& cfg,
                           const fbs::ServiceLoad& load) {
  forecast_view f;
  if (!cfg.forecast_enabled) return f;
  const double demand = load.cpu_utilization() * load.replicas();
  double sample = demand;
  if (cfg.signal == forecast_signal::rps) {
    if (!(load.rps() > 0.0) || !std::isfinite(load.rps())) return f;
    const double per_request = demand / load.rps();
    s.cpu_per_request = s.cpu_per_request == 0.0
                            ? per_request
                            : cfg.cpu_per_request_smoothing * per_request +
                                  (1.0 - cfg.cpu_per_request_smoothing) * s.cpu_per_request;
    sample = load.rps();
  }
  const auto params = forecast_params(cfg);
  holt_winters_update(s.forecaster, params, sample);
  if (s.forecaster.observations < std::max<std::uint64_t>(cfg.min_samples, 2)) return f;
  const std::uint32_t h = std::max<std::uint32_t>(cfg.horizon, 1);
  f.value = holt_winters_forecast(s.forecaster, params, h);
  f.lower = f.value - cfg.error_margin * s.forecaster.abs_error * std::sqrt(static_cast<double>(h));
  f.cpu_demand = cfg.signal == forecast_signal::rps ? f.lower * s.cpu_per_request : f.lower;
  f.desired = ceil_replicas(f.cpu_demand / s.target_cpu);
  f.active = std::isfinite(f.value);
  return f;
}

void prune(service_scaling& s, const autoscaling_config& cfg, std::int64_t now) {
  const std::int64_t keep_recs =
      std::max<std::int64_t>(s.scale_down_window_s, cfg.scale_up_window_s) * 1000;
  while (!s.recommendations.empty() && s.recommendations.front().time_ms <= now - keep_recs)
    s.recommendations.pop_front();
  const std::int64_t keep_changes = std::max(cfg.scale_up_period_ms, cfg.scale_down_period_ms);
  while (!s.changes.empty() && s.changes.front().time_ms <= now - keep_changes)
    s.changes.pop_front();
}

} // namespace

void on_scaling_policy(std::optional<service_scaling>& scaling, const autoscaling_config& cfg,
                       const fbs::ScalingPolicy& policy) {
  const double target = policy.target_cpu_utilization();
  if (policy.min_replicas() < 1 || policy.max_replicas() < policy.min_replicas() ||
      !(target > 0.0) || !(target <= 1.0) || policy.scale_down_window_s() < 0)
    return;
  auto& s = service_entry(scaling, cfg);
  s.has_policy = true;
  s.min_replicas = policy.min_replicas();
  s.max_replicas = policy.max_replicas();
  s.target_cpu = target;
  s.scale_down_window_s = policy.scale_down_window_s();
}

void on_service_load(std::optional<service_scaling>& scaling, const autoscaling_config& cfg,
                     const fbs::ServiceLoad& load, context& ctx) {
  const auto name = view(load.service());
  const double util = load.cpu_utilization();
  if (name.empty() || load.replicas() < 1 || !std::isfinite(util) || util < 0.0) return;
  auto& s = service_entry(scaling, cfg);
  const std::int64_t now = ctx.event_time_ms();
  // A sample not newer than the newest one of the service is a duplicate or stale.
  if (s.has_sample && now <= s.last_sample_ms) return;
  s.has_sample = true;
  s.last_sample_ms = now;
  prune(s, cfg, now);

  const int sampled = load.replicas();
  // A decision the samples do not show yet is in flight: the samples lag behind it.
  const bool pending = s.decided_replicas > 0 && s.decided_replicas != sampled &&
                       now - s.decided_ms < cfg.actuation_timeout_ms;
  const int current = pending ? s.decided_replicas : sampled;

  // The HPA rule on the capacity the sample measured.
  const double ratio = util / s.target_cpu;
  // The epsilon keeps a ratio exactly on the boundary (0.66 / 0.6) inside, as documented.
  const bool within_tolerance = std::fabs(ratio - 1.0) <= cfg.tolerance + 1e-9;
  const int raw = ceil_replicas(sampled * ratio);
  const int hpa = within_tolerance ? sampled : raw;

  const auto f = forecast_for(s, cfg, load);
  const bool forecast_wins = f.active && f.desired > hpa && f.desired > current;
  const int combined = forecast_wins ? f.desired : hpa;
  s.recommendations.push_back({now, combined});

  // Stabilization: scale up to the lowest, down to the highest recommendation of a window.
  int up = combined;
  int down = combined;
  for (const auto& r : s.recommendations) {
    if (r.time_ms > now - std::int64_t{cfg.scale_up_window_s} * 1000) up = std::min(up, r.replicas);
    if (r.time_ms > now - std::int64_t{s.scale_down_window_s} * 1000)
      down = std::max(down, r.replicas);
  }
  int stabilized = current;
  if (stabilized < up) stabilized = up;
  if (stabilized > down) stabilized = down;

  // Rate limits over the decisions of the last period.
  int added = 0;
  int removed = 0;
  for (const auto& c : s.changes) {
    if (c.delta > 0 && c.time_ms > now - cfg.scale_up_period_ms) added += c.delta;
    if (c.delta < 0 && c.time_ms > now - cfg.scale_down_period_ms) removed -= c.delta;
  }
  const int up_start = current - added;
  const int up_limit =
      std::max(up_start + cfg.scale_up_pods,
               static_cast<int>(std::ceil(up_start * (1.0 + cfg.scale_up_percent / 100.0) - 1e-9)));
  const int down_start = current + removed;
  const int down_limit =
      static_cast<int>(std::ceil(down_start * (1.0 - cfg.scale_down_percent / 100.0) - 1e-9));
  const int max_allowed = std::min(s.max_replicas, up_limit);
  const int min_allowed = std::max(s.min_replicas, down_limit);
  int target = stabilized;
  if (target > max_allowed)
    target = max_allowed;
  else if (target < min_allowed)
    target = min_allowed;

  if (target == current) return;
  // A person's scale holds for a while: the samples keep feeding the recommendations.
  if (now < s.manual_until_ms) return;

  std::string rule;
  std::string why;
  const std::string metric = "cpu " + fixed(util) + " vs target " + fixed(s.target_cpu) + " on " +
                             integer(sampled) + " replicas";
  if (target != stabilized) {
    if (target == max_allowed && max_allowed == up_limit && up_limit < s.max_replicas) {
      rule = "hpa";
      why = "scale-up rate limit (max(+" + integer(cfg.scale_up_pods) + " pods, +" +
            fixed(cfg.scale_up_percent, 0) + "%) per " + integer(cfg.scale_up_period_ms / 1000) +
            " s, " + integer(added) + " already added) caps " + integer(stabilized) + " at " +
            integer(target);
    } else if (target == min_allowed && min_allowed == down_limit && down_limit > s.min_replicas) {
      rule = "hpa";
      why = "scale-down rate limit (-" + fixed(cfg.scale_down_percent, 0) + "% per " +
            integer(cfg.scale_down_period_ms / 1000) + " s) holds " + integer(stabilized) + " at " +
            integer(target);
    } else {
      rule = "bounds";
      why = "bounds [" + integer(s.min_replicas) + ", " + integer(s.max_replicas) + "] clamp " +
            integer(stabilized) + " to " + integer(target);
    }
  } else if (stabilized != combined) {
    rule = "stabilized";
    why = "scale-down stabilization keeps the highest recommendation of the last " +
          integer(s.scale_down_window_s) + " s (" + integer(stabilized) + ") over " +
          integer(combined);
  } else if (forecast_wins) {
    rule = "forecast";
    why = "Holt-Winters forecast " + integer(cfg.horizon) + " samples ahead " + fixed(f.value) +
          (cfg.signal == forecast_signal::rps ? " rps" : " cpu") + " (lower bound " +
          fixed(f.lower) + ") needs ceil(" + fixed(f.cpu_demand) + " / " + fixed(s.target_cpu) +
          ") = " + integer(f.desired) + " replicas, more than the HPA rule's " + integer(hpa);
  } else {
    rule = "hpa";
    why = "desired = ceil(" + integer(sampled) + " x " + fixed(util, 3) + " / " +
          fixed(s.target_cpu, 3) + ") = " + integer(raw) + ", ratio " + fixed(ratio, 3) +
          " outside tolerance " + fixed(cfg.tolerance);
  }
  const std::string reason = std::string(name) + ": " + integer(current) + " -> " +
                             integer(target) + " replicas (" + rule + "): " + why + "; " + metric;

  auto& b = ctx.builder();
  const auto payload = fbs::CreateScaleDecisionDirect(b, std::string(name).c_str(), current, target,
                                                      rule.c_str(), reason.c_str(), util,
                                                      s.target_cpu, raw, f.active ? f.value : 0.0);
  ctx.emit(output::decisions, name, fbs::Payload::ScaleDecision, payload.Union());

  s.changes.push_back({now, target - current});
  s.decided_replicas = target;
  s.decided_ms = now;
}

} // namespace aetherial::actors::operations
