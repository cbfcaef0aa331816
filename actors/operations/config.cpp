#include "actors/operations/config.hpp"

#include "actors/kit/format.hpp"
#include "actors/kit/settings.hpp"

namespace aetherial::actors::operations {

namespace {

constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max();

void read(kit::settings_reader& r, autoscaling_config& c) {
  c.default_min_replicas = r.get_int("autoscaling.default_min_replicas", c.default_min_replicas, 1);
  c.default_max_replicas = r.get_int("autoscaling.default_max_replicas", c.default_max_replicas, 1);
  if (c.default_min_replicas > c.default_max_replicas) {
    r.reject("autoscaling.default_min_replicas", "at most autoscaling.default_max_replicas (" +
                                                     kit::integer(c.default_max_replicas) + ")");
    c.default_min_replicas = autoscaling_config{}.default_min_replicas;
    c.default_max_replicas = autoscaling_config{}.default_max_replicas;
  }
  c.default_target_cpu =
      r.get_double("autoscaling.default_target_cpu", c.default_target_cpu, kit::above_zero, 1.0);
  c.default_scale_down_window_s =
      r.get_int("autoscaling.default_scale_down_window_s", c.default_scale_down_window_s, 0);
  c.tolerance = r.get_double("autoscaling.tolerance", c.tolerance, 0.0, 1.0);
  c.scale_up_window_s = r.get_int("autoscaling.scale_up_window_s", c.scale_up_window_s, 0);
  c.scale_up_period_ms =
      r.get_int64("autoscaling.scale_up_period_ms", c.scale_up_period_ms, 1, max_ms);
  c.scale_up_pods = r.get_int("autoscaling.scale_up_pods", c.scale_up_pods, 0);
  c.scale_up_percent = r.get_double("autoscaling.scale_up_percent", c.scale_up_percent, 0.0);
  c.scale_down_period_ms =
      r.get_int64("autoscaling.scale_down_period_ms", c.scale_down_period_ms, 1, max_ms);
  c.scale_down_percent =
      r.get_double("autoscaling.scale_down_percent", c.scale_down_percent, 0.0, 100.0);
  c.actuation_timeout_ms =
      r.get_int64("autoscaling.actuation_timeout_ms", c.actuation_timeout_ms, 0, max_ms);
  c.forecast_enabled = r.get_bool("autoscaling.forecast_enabled", c.forecast_enabled);
  c.signal = static_cast<forecast_signal>(r.get_choice(
      "autoscaling.signal", static_cast<std::size_t>(c.signal), {"cpu_demand", "rps"}));
  c.alpha = r.get_double("autoscaling.alpha", c.alpha, 0.0, 1.0);
  c.beta = r.get_double("autoscaling.beta", c.beta, 0.0, 1.0);
  c.gamma = r.get_double("autoscaling.gamma", c.gamma, 0.0, 1.0);
  c.phi = r.get_double("autoscaling.phi", c.phi, 0.0, 1.0);
  // A season is kept in the state, one value per sample: bounded.
  c.season_length =
      r.get_integer<std::uint32_t>("autoscaling.season_length", c.season_length, 0, 100'000);
  c.horizon = r.get_integer<std::uint32_t>("autoscaling.horizon", c.horizon, 1, 100'000);
  c.min_samples = r.get_integer<std::uint32_t>("autoscaling.min_samples", c.min_samples);
  c.error_smoothing = r.get_double("autoscaling.error_smoothing", c.error_smoothing, 0.0, 1.0);
  c.error_margin = r.get_double("autoscaling.error_margin", c.error_margin, 0.0);
  c.cpu_per_request_smoothing =
      r.get_double("autoscaling.cpu_per_request_smoothing", c.cpu_per_request_smoothing, 0.0, 1.0);
  c.scaler_roles = r.get_list("autoscaling.scaler_roles", c.scaler_roles);
  c.policy_override_roles =
      r.get_list("autoscaling.policy_override_roles", c.policy_override_roles);
  c.manual_hold_ms = r.get_int64("autoscaling.manual_hold_ms", c.manual_hold_ms, 0, max_ms);
}

void read(kit::settings_reader& r, self_healing_config& c) {
  c.escalate_after = r.get_int("self_healing.escalate_after", c.escalate_after, 1);
  c.recurrence_window_ms =
      r.get_int64("self_healing.recurrence_window_ms", c.recurrence_window_ms, 0, max_ms);
  c.escalation_role = r.get_string("self_healing.escalation_role", c.escalation_role);
  if (c.escalation_role.empty()) {
    r.reject("self_healing.escalation_role", "a role name");
    c.escalation_role = self_healing_config{}.escalation_role;
  }
  c.retention_ms = r.get_int64("self_healing.retention_ms", c.retention_ms, 0, max_ms);
}

void read(kit::settings_reader& r, optimization_config& c) {
  c.index_min_occurrences = r.get_integer<std::uint32_t>("optimization.index_min_occurrences",
                                                         c.index_min_occurrences, 1);
  c.index_min_mean_ms = r.get_double("optimization.index_min_mean_ms", c.index_min_mean_ms, 0.0);
  c.cache_low_hit_ratio =
      r.get_double("optimization.cache_low_hit_ratio", c.cache_low_hit_ratio, 0.0, 1.0);
  c.cache_min_low_samples = r.get_integer<std::uint32_t>("optimization.cache_min_low_samples",
                                                         c.cache_min_low_samples, 1);
  c.cache_full_memory =
      r.get_double("optimization.cache_full_memory", c.cache_full_memory, 0.0, 1.0);
  c.cache_high_evictions_per_s =
      r.get_double("optimization.cache_high_evictions_per_s", c.cache_high_evictions_per_s, 0.0);
  c.verdict_grace_ms = r.get_int64("optimization.verdict_grace_ms", c.verdict_grace_ms, 0, max_ms);
  c.verdict_samples =
      r.get_integer<std::uint32_t>("optimization.verdict_samples", c.verdict_samples, 1);
  c.verdict_window_ms =
      r.get_int64("optimization.verdict_window_ms", c.verdict_window_ms, 0, max_ms);
  c.effective_improvement =
      r.get_double("optimization.effective_improvement", c.effective_improvement, 0.0, 1.0);
}

void read(kit::settings_reader& r, runtime_scaling_config& c) {
  c.min_instances = r.get_int("runtime_scaling.min_instances", c.min_instances, 1);
  c.max_instances = r.get_int("runtime_scaling.max_instances", c.max_instances, 1);
  if (c.min_instances > c.max_instances) {
    r.reject("runtime_scaling.min_instances",
             "at most runtime_scaling.max_instances (" + kit::integer(c.max_instances) + ")");
    c.min_instances = runtime_scaling_config{}.min_instances;
    c.max_instances = runtime_scaling_config{}.max_instances;
  }
  c.growth_samples =
      r.get_integer<std::uint32_t>("runtime_scaling.growth_samples", c.growth_samples, 1);
  c.slope_window_ms = r.get_int64("runtime_scaling.slope_window_ms", c.slope_window_ms, 1, max_ms);
  c.min_growth_per_s = r.get_double("runtime_scaling.min_growth_per_s", c.min_growth_per_s, 0.0);
  c.min_lag = r.get_int64("runtime_scaling.min_lag", c.min_lag, 0);
  c.max_step = r.get_int("runtime_scaling.max_step", c.max_step, 1);
  c.idle_lag = r.get_int64("runtime_scaling.idle_lag", c.idle_lag, 0);
  c.scale_in_after_ms =
      r.get_int64("runtime_scaling.scale_in_after_ms", c.scale_in_after_ms, 0, max_ms);
  c.scale_in_headroom =
      r.get_double("runtime_scaling.scale_in_headroom", c.scale_in_headroom, kit::above_zero, 1.0);
  c.cooldown_ms = r.get_int64("runtime_scaling.cooldown_ms", c.cooldown_ms, 0, max_ms);
  c.actuation_timeout_ms =
      r.get_int64("runtime_scaling.actuation_timeout_ms", c.actuation_timeout_ms, 0, max_ms);
}

void read(kit::settings_reader& r, diagnosis_config& c) {
  c.slow_latency_ms = r.get_double("diagnosis.slow_latency_ms", c.slow_latency_ms, 0.0);
  c.high_error_rate = r.get_double("diagnosis.high_error_rate", c.high_error_rate, 0.0, 1.0);
  c.stale_after_ms = r.get_int64("diagnosis.stale_after_ms", c.stale_after_ms, 0, max_ms);
  c.recent_decision_ms =
      r.get_int64("diagnosis.recent_decision_ms", c.recent_decision_ms, 0, max_ms);
  c.max_detailed = r.get_integer<std::size_t>("diagnosis.max_detailed", c.max_detailed);
  c.gather_timeout_ms = r.get_int64("diagnosis.gather_timeout_ms", c.gather_timeout_ms, 0, max_ms);
}

void read_config(kit::settings_reader& r, operations_config& c) {
  read(r, c.autoscaling);
  read(r, c.self_healing);
  read(r, c.optimization);
  read(r, c.runtime_scaling);
  read(r, c.diagnosis);
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(operations_config, config_from, read_config)

} // namespace aetherial::actors::operations
