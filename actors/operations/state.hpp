#pragma once
// The whole state of one Operations agent (one partition), as plain ordered data.
// Owned by the agent; encoded by state_codec.hpp. Every container whose order can reach an
// output is ordered (std::map, std::deque in event-time order).

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace aetherial::actors::operations {

/// Additive Holt-Winters state: level, damped trend, seasonal indices, forecast error.
struct holt_winters_state {
  std::uint64_t observations = 0; ///< samples seen
  double level = 0.0;
  double trend = 0.0;
  std::vector<double> season;       ///< one index per season slot, once a season is seen
  std::vector<double> first_season; ///< samples of the first season, until it is complete
  double abs_error = 0.0;           ///< EWMA of |sample - one-step forecast|
};

/// A replica recommendation at an event time, kept for stabilization.
struct replica_recommendation {
  std::int64_t time_ms = 0;
  int replicas = 0;
};

/// A decided replica change at an event time, kept for rate limiting.
struct replica_change {
  std::int64_t time_ms = 0;
  int delta = 0;
};

/// Scaling state of one service.
struct service_scaling {
  bool has_policy = false; ///< a ScalingPolicy replaced the defaults
  int min_replicas = 1;
  int max_replicas = 10;
  double target_cpu = 0.6;
  int scale_down_window_s = 300;
  int decided_replicas = 0;    ///< last decided target; 0 = none yet
  std::int64_t decided_ms = 0; ///< event time of that decision
  std::int64_t last_sample_ms = 0;
  bool has_sample = false;
  std::deque<replica_recommendation> recommendations;
  std::deque<replica_change> changes;
  holt_winters_state forecaster;
  double cpu_per_request = 0.0; ///< EWMA of cpu demand / rps (for the rps signal)
};

/// Learned result counts of one runbook action.
struct action_record {
  std::uint32_t successes = 0;
  std::uint32_t failures = 0;
};

/// Where an incident is in its life.
enum class incident_status : std::uint8_t { remediating = 0, resolved = 1, escalated = 2 };

/// One incident and its remediation.
struct incident_record {
  std::string service;
  std::string kind;
  std::string runbook;
  std::string action; ///< action of the current attempt
  int attempt = 0;    ///< attempts made so far
  std::int64_t opened_ms = 0;
  std::int64_t deadline_ms = 0; ///< verify the current attempt by then
  std::int64_t closed_ms = 0;
  incident_status status = incident_status::remediating;
  std::vector<std::string> failed_actions; ///< in failure order
};

/// A problem: one incident kind on one service, across incidents.
struct problem_record {
  std::vector<std::int64_t> strikes;  ///< event times of failures and recurrences
  std::vector<std::int64_t> attempts; ///< event times of remediation attempts
  std::int64_t last_incident_ms = 0;
  bool has_incident = false;
  std::string open_incident; ///< incident being remediated, or empty
  std::int64_t escalated_ms = 0;
  bool escalated = false;
  std::uint32_t absorbed = 0; ///< incidents folded into an open one or an escalation
};

/// Self-healing state.
struct self_healing_state {
  std::map<std::string, incident_record> incidents; ///< by incident id
  std::map<std::string, problem_record> problems;   ///< by "service|kind"
  std::map<std::string, action_record> actions;     ///< by "runbook|action"
};

/// Measurements of one optimization target and the recommendation made for it.
struct optimization_target {
  std::string service;
  std::string target;
  std::uint32_t observations = 0; ///< before the recommendation
  double sum = 0.0;               ///< of the measured value before the recommendation
  std::uint32_t streak = 0;       ///< consecutive low samples (caches)
  double extra_sum = 0.0;         ///< evictions/s over the streak (caches), rows (queries)
  double memory_sum = 0.0;        ///< memory utilization over the streak (caches)
  bool recommended = false;
  std::string recommendation_id;
  std::int64_t recommended_ms = 0;
  double baseline = 0.0;
  std::uint32_t after_count = 0;
  double after_sum = 0.0;
  bool judged = false;
};

/// Optimization state.
struct optimization_state {
  std::map<std::string, optimization_target> queries; ///< by "service|table(columns)"
  std::map<std::string, optimization_target> caches;  ///< by "service|cache"
};

/// One telemetry sample of the runtime.
struct telemetry_sample {
  std::int64_t time_ms = 0;
  std::int64_t total_lag = 0;
  int instances = 0;
  double events_per_s = 0.0;
};

/// Runtime scaling state.
struct runtime_scaling_state {
  std::deque<telemetry_sample> samples; ///< within the slope window, by event time
  std::uint32_t growth_streak = 0;      ///< consecutive samples with growing lag
  std::int64_t idle_since_ms = 0;
  bool idle = false;
  int decided_instances = 0; ///< 0 = none yet
  std::int64_t decided_ms = 0;
  double capacity_per_instance = 0.0; ///< events/s one instance drains when saturated; 0 = unknown
};

/// The newest load sample of one service, kept to answer diagnosis tasks.
struct service_reading {
  std::int64_t time_ms = 0; ///< event time of the sample
  int replicas = 0;
  double rps = 0.0;
  double cpu_utilization = 0.0; ///< average across replicas, 0..1 of the requested CPU
  double latency_p95_ms = 0.0;
  double error_rate = 0.0; ///< 0..1
};

/// The whole state of an Operations agent.
struct operations_state {
  std::map<std::string, service_scaling> services; ///< by service name
  std::map<std::string, service_reading> readings; ///< newest sample, by service name
  self_healing_state healing;
  optimization_state optimization;
  runtime_scaling_state runtime;
  std::uint64_t events = 0; ///< events handled
};

} // namespace aetherial::actors::operations
