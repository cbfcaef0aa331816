#include "actors/operations/state_codec.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_tables.hpp"

namespace aetherial::actors::operations {

namespace {

std::unique_ptr<stored::ServiceScalingT> to_stored(const service_scaling& s) {
  auto t = std::make_unique<stored::ServiceScalingT>();
  t->has_policy = s.has_policy;
  t->min_replicas = s.min_replicas;
  t->max_replicas = s.max_replicas;
  t->target_cpu = s.target_cpu;
  t->scale_down_window_s = s.scale_down_window_s;
  t->decided_replicas = s.decided_replicas;
  t->decided_ms = s.decided_ms;
  t->last_sample_ms = s.last_sample_ms;
  t->has_sample = s.has_sample;
  for (const auto& x : s.recommendations)
    t->recommendations.emplace_back(x.time_ms, x.replicas);
  for (const auto& x : s.changes)
    t->changes.emplace_back(x.time_ms, x.delta);
  t->forecaster = std::make_unique<holt_winters_state>(s.forecaster);
  t->cpu_per_request = s.cpu_per_request;
  return t;
}

bool from_stored(const stored::ServiceScalingT& t, service_scaling& s) {
  s.has_policy = t.has_policy;
  s.min_replicas = t.min_replicas;
  s.max_replicas = t.max_replicas;
  s.target_cpu = t.target_cpu;
  s.scale_down_window_s = t.scale_down_window_s;
  s.decided_replicas = t.decided_replicas;
  s.decided_ms = t.decided_ms;
  s.last_sample_ms = t.last_sample_ms;
  s.has_sample = t.has_sample;
  for (const auto& x : t.recommendations)
    s.recommendations.push_back({x.time_ms(), x.replicas()});
  for (const auto& x : t.changes)
    s.changes.push_back({x.time_ms(), x.delta()});
  if (!t.forecaster) return false;
  s.forecaster = *t.forecaster;
  s.cpu_per_request = t.cpu_per_request;
  // Values the logic divides by or bounds with must be sane.
  return s.target_cpu > 0.0 && s.min_replicas >= 0 && s.max_replicas >= s.min_replicas;
}

bool sane(double v) {
  return std::isfinite(v) && v >= 0.0;
}

// Only samples that passed the agent's checks are kept.
bool valid_reading(const service_reading& x) {
  return x.replicas >= 1 && sane(x.rps) && sane(x.cpu_utilization) && sane(x.latency_p95_ms) &&
         sane(x.error_rate);
}

bool valid_incident(const incident_record& i) {
  return i.status >= incident_status::MIN && i.status <= incident_status::MAX;
}

stored::OperationsStateT to_table(const operations_state& s) {
  stored::OperationsStateT t;
  t.services = kit::to_entries<stored::ServiceEntryT>(
      s.services,
      [](stored::ServiceEntryT& e, const service_scaling& v) { e.value = to_stored(v); });
  t.readings = kit::to_entries<stored::ReadingEntryT>(s.readings);
  t.incidents = kit::to_entries<stored::IncidentEntryT>(s.healing.incidents);
  t.problems = kit::to_entries<stored::ProblemEntryT>(s.healing.problems);
  t.actions = kit::to_entries<stored::ActionEntryT>(s.healing.actions);
  t.queries = kit::to_entries<stored::TargetEntryT>(s.optimization.queries);
  t.caches = kit::to_entries<stored::TargetEntryT>(s.optimization.caches);
  const auto& rt = s.runtime;
  auto r = std::make_unique<stored::RuntimeScalingT>();
  for (const auto& x : rt.samples)
    r->samples.emplace_back(x.time_ms, x.total_lag, x.instances, x.events_per_s);
  r->growth_streak = rt.growth_streak;
  r->idle_since_ms = rt.idle_since_ms;
  r->idle = rt.idle;
  r->decided_instances = rt.decided_instances;
  r->decided_ms = rt.decided_ms;
  r->capacity_per_instance = rt.capacity_per_instance;
  t.runtime = std::move(r);
  t.events = s.events;
  return t;
}

std::optional<operations_state> from_table(const stored::OperationsStateT& t) {
  if (!t.runtime) return std::nullopt;
  operations_state s;
  const bool ok = kit::from_entries(t.services, s.services,
                                    [](const stored::ServiceEntryT& e, service_scaling& v) {
                                      return e.value && from_stored(*e.value, v);
                                    }) &&
                  kit::from_entries_checked(t.readings, s.readings, valid_reading) &&
                  kit::from_entries_checked(t.incidents, s.healing.incidents, valid_incident) &&
                  kit::from_entries(t.problems, s.healing.problems) &&
                  kit::from_entries(t.actions, s.healing.actions) &&
                  kit::from_entries(t.queries, s.optimization.queries) &&
                  kit::from_entries(t.caches, s.optimization.caches);
  if (!ok) return std::nullopt;
  auto& rt = s.runtime;
  for (const auto& x : t.runtime->samples)
    rt.samples.push_back({x.time_ms(), x.total_lag(), x.instances(), x.events_per_s()});
  rt.growth_streak = t.runtime->growth_streak;
  rt.idle_since_ms = t.runtime->idle_since_ms;
  rt.idle = t.runtime->idle;
  rt.decided_instances = t.runtime->decided_instances;
  rt.decided_ms = t.runtime->decided_ms;
  rt.capacity_per_instance = t.runtime->capacity_per_instance;
  s.events = t.events;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(operations_state, stored::OperationsState, to_table, from_table)

} // namespace aetherial::actors::operations
