#pragma once
// Every threshold of the Operations agent, each documented beside its default.
// Owned by actors/operations; a config is copied into an agent when it is created and never
// changes while the agent lives. Config is not state: it is not part of a snapshot.
//
// Each scalar threshold is a deployment setting "operations.<section>.<field>", named as
// here: "operations.autoscaling.tolerance", "operations.runtime_scaling.max_instances",
// "operations.autoscaling.signal" (cpu_demand or rps), "operations.autoscaling.forecast_enabled"
// (true or false). The runbooks are not settings.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::operations {

/// Which signal the Holt-Winters forecaster predicts.
enum class forecast_signal : std::uint8_t {
  cpu_demand, ///< replicas × average CPU utilization: the CPU the service needs in total
  rps,        ///< requests per second, turned into CPU through the learned CPU per request
};

/// Auto-scaling of platform services: the Kubernetes HPA rule plus a forecast.
struct autoscaling_config {
  // Defaults for a service that has not received a ScalingPolicy.
  int default_min_replicas = 1;          ///< HPA minReplicas
  int default_max_replicas = 10;         ///< HPA maxReplicas
  double default_target_cpu = 0.6;       ///< target average CPU utilization, 0..1
  int default_scale_down_window_s = 300; ///< scale-down stabilization (HPA default 300 s)
  double tolerance = 0.1;                ///< no change if |metric/target - 1| <= tolerance
  int scale_up_window_s = 0;             ///< scale-up stabilization (HPA default 0 s)
  // Rate limits, as the HPA's default behavior.
  std::int64_t scale_up_period_ms = 15'000;   ///< period of the scale-up policies
  int scale_up_pods = 4;                      ///< at most +4 pods per period ...
  double scale_up_percent = 100.0;            ///< ... or +100 %, whichever allows more
  std::int64_t scale_down_period_ms = 15'000; ///< period of the scale-down policy
  double scale_down_percent = 100.0;          ///< at most -100 % per period
  /// A decision not reflected by the samples' replica count after this long is considered
  /// lost; until then samples still reporting the old count are treated as lagging.
  std::int64_t actuation_timeout_ms = 120'000;

  // Holt-Winters forecast (additive triple exponential smoothing, damped trend).
  bool forecast_enabled = true;                         ///< scale up ahead of predicted load
  forecast_signal signal = forecast_signal::cpu_demand; ///< the predicted series
  double alpha = 0.5;                                   ///< level smoothing
  double beta = 0.1;                                    ///< trend smoothing
  double gamma = 0.3;                                   ///< seasonal smoothing
  double phi = 0.9;                                     ///< trend damping (1 = undamped)
  std::uint32_t season_length = 96; ///< samples per season (96 × 15 s = 24 min); 0 = none
  std::uint32_t horizon = 4;        ///< forecast this many samples ahead
  std::uint32_t min_samples = 8;    ///< no forecast-driven decision before this many samples
  double error_smoothing = 0.3;     ///< EWMA weight of the one-step absolute forecast error
  /// The forecast acts on its lower bound, forecast - margin × error × sqrt(horizon), so that
  /// only a confident prediction scales up ahead of time.
  double error_margin = 2.0;
  double cpu_per_request_smoothing = 0.2; ///< EWMA weight of CPU per request (rps signal)
  // Scaling asked for by a person (operations.scale_up / operations.scale_down tasks).
  /// Roles that may scale a service within its bounds.
  std::vector<std::string> scaler_roles{"admin", "operator"};
  /// Roles that may scale beyond a service's [min, max] bounds (its ScalingPolicy).
  std::vector<std::string> policy_override_roles{"admin"};
  /// How long the autoscaler leaves a service at a person's replica count; 0: not at all.
  std::int64_t manual_hold_ms = 10 * 60'000;
};

/// One runbook: the actions that remediate an incident kind, best first.
struct runbook {
  std::string incident_kind;           ///< HealthIncident.kind it handles
  std::string name;                    ///< runbook name in decisions
  std::vector<std::string> actions;    ///< primary action first, then alternatives
  std::int64_t verify_deadline_ms = 0; ///< time after a decision to verify the remedy
};

/// The runbooks for the incident kinds the platform reports.
[[nodiscard]] std::vector<runbook> default_runbooks();

/// Self-healing: runbook choice, verification, retries and escalation.
struct self_healing_config {
  std::vector<runbook> runbooks = default_runbooks(); ///< by incident kind
  /// Used for an incident kind no runbook names.
  runbook fallback{"", "generic-restart", {"restart_service"}, 120'000};
  int escalate_after = 3; ///< failures or recurrences in the window before escalating
  std::int64_t recurrence_window_ms = 30 * 60'000; ///< a repeat within this counts as a strike
  std::string escalation_role = "admin";           ///< who an escalation notifies
  std::int64_t retention_ms = 6 * 3'600'000;       ///< closed incidents kept for deduplication
};

/// Continuous optimization: index and cache recommendations and their verdicts.
struct optimization_config {
  std::uint32_t index_min_occurrences = 3;      ///< slow queries on a target before recommending
  double index_min_mean_ms = 200.0;             ///< mean duration that justifies an index
  double cache_low_hit_ratio = 0.8;             ///< a hit ratio below this is low
  std::uint32_t cache_min_low_samples = 3;      ///< consecutive low samples before recommending
  double cache_full_memory = 0.9;               ///< memory use at which more size (not TTL) helps
  double cache_high_evictions_per_s = 10.0;     ///< evictions at which more size helps
  std::int64_t verdict_grace_ms = 60'000;       ///< measurements this soon after are not judged
  std::uint32_t verdict_samples = 3;            ///< measurements needed for a verdict
  std::int64_t verdict_window_ms = 15 * 60'000; ///< judge with what is there after this long
  double effective_improvement = 0.3;           ///< at least 30 % better is effective
};

/// The runtime's own scaling from aetherial.telemetry.
struct runtime_scaling_config {
  int min_instances = 1;                  ///< never fewer runtime instances
  int max_instances = 8;                  ///< never more (bounded by the partitions)
  std::uint32_t growth_samples = 4;       ///< lag grew over this many consecutive samples
  std::int64_t slope_window_ms = 120'000; ///< window of the lag regression
  /// An instance not heard from for this long no longer counts in the runtime's lag and rate.
  std::int64_t report_ttl_ms = 30'000;
  double min_growth_per_s = 20.0;           ///< lag slope (events/s) that needs capacity
  std::int64_t min_lag = 1'000;             ///< lag below which growth is ignored
  int max_step = 2;                         ///< at most this many instances added at once
  std::int64_t idle_lag = 100;              ///< lag at or below this is idle
  std::int64_t scale_in_after_ms = 300'000; ///< idle this long before removing an instance
  /// Scale in only if the remaining instances would run at most this share of the capacity
  /// per instance measured while lag was growing (saturated); so removal cannot cause lag.
  double scale_in_headroom = 0.8;
  std::int64_t cooldown_ms = 120'000;          ///< no new decision this soon after one
  std::int64_t actuation_timeout_ms = 180'000; ///< samples lagging a decision this long: lost
};

/// Answers to "operations.diagnose_latency" tasks, read from the newest samples.
struct diagnosis_config {
  double slow_latency_ms = 300.0;                ///< a p95 latency above this is slow
  double high_error_rate = 0.01;                 ///< an error rate above this (1 %) is high
  std::int64_t stale_after_ms = 5 * 60'000;      ///< a sample older than this at the task is stale
  std::int64_t recent_decision_ms = 30 * 60'000; ///< scale decisions this recent are mentioned
  std::size_t max_detailed = 3;                  ///< unhealthy services described in full
  /// A diagnosis of every service asks every partition and waits this long, in event time, for
  /// their parts before answering from those it has.
  std::int64_t gather_timeout_ms = 10'000;
};

/// Configuration of the Operations agent.
struct operations_config {
  autoscaling_config autoscaling;
  self_healing_config self_healing;
  optimization_config optimization;
  runtime_scaling_config runtime_scaling;
  diagnosis_config diagnosis;
};

/// Name of the agent kind: the prefix of its settings ("<kind>.<name>") and the emitter name
/// in derived event ids.
inline constexpr std::string_view kind_name = "operations";

/// The defaults with the settings "operations.<section>.<field>" applied; a bad value keeps
/// its default (`check_settings` reports it).
[[nodiscard]] operations_config config_from(const agent_settings& settings);

/// Bad values and unknown keys among the "operations." settings; empty when they are fine.
[[nodiscard]] std::vector<std::string> check_settings(const agent_settings& settings);

} // namespace aetherial::actors::operations
