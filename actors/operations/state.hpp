#pragma once
// The state of one Operations agent (one partition), as plain ordered data.
// Owned by the agent; encoded by state_codec.hpp. Every container whose order can reach an
// output is ordered (std::map, std::deque in event-time order). Records stored as they are
// are the native types of schemas/state/operations.fbs (fields documented there).

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "schemas/state/operations_generated.h"

namespace aetherial::actors::operations {

/// The stored form of the state (schemas/state/operations.fbs).
namespace stored = ::aetherial::state::operations;

/// Additive Holt-Winters state: level, damped trend, seasonal indices, forecast error.
using holt_winters_state = stored::HoltWintersT;

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
  double cpu_per_request = 0.0;     ///< EWMA of cpu demand / rps (for the rps signal)
  std::int64_t manual_until_ms = 0; ///< a person's scale holds until then (0: none)
};

/// Learned result counts of one runbook action.
using action_record = stored::ActionRecordT;
/// Where an incident is in its life.
using incident_status = stored::IncidentStatus;
/// One incident and its remediation.
using incident_record = stored::IncidentRecordT;
/// A problem: one incident kind on one service, across incidents.
using problem_record = stored::ProblemRecordT;

/// Self-healing state.
struct self_healing_state {
  std::map<std::string, incident_record> incidents; ///< by incident id
  std::map<std::string, problem_record> problems;   ///< by "service|kind"
  std::map<std::string, action_record> actions;     ///< by "runbook|action"
};

/// Measurements of one optimization target and the recommendation made for it.
using optimization_target = stored::OptimizationTargetT;

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

/// The latest telemetry of one runtime instance (node).
struct instance_report {
  std::int64_t time_ms = 0;
  std::int64_t total_lag = 0;
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
  /// The latest report of each instance heard from within `report_ttl_ms`, by instance name:
  /// every node reports its own lag and rate, the runtime's are their sums.
  std::map<std::string, instance_report> reporters;
};

/// The newest load sample of one service, kept to answer diagnosis tasks.
using service_reading = stored::ServiceReadingT;

/// The scalar state of an Operations agent; each service's scaling state and newest sample
/// live in its "services" table (service_table.hpp).
struct operations_state {
  self_healing_state healing;
  optimization_state optimization;
  runtime_scaling_state runtime;
  std::uint64_t events = 0; ///< events handled
};

} // namespace aetherial::actors::operations
