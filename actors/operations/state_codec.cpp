#include "actors/operations/state_codec.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <tuple>
#include <utility>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_tables.hpp"

namespace aetherial::actors::operations {

namespace {

// The fields a record and its table share, by name.
const auto service_fields = [](auto& s) {
  return std::tie(s.has_policy, s.min_replicas, s.max_replicas, s.target_cpu, s.scale_down_window_s,
                  s.decided_replicas, s.decided_ms, s.last_sample_ms, s.has_sample,
                  s.cpu_per_request, s.manual_until_ms);
};
const auto runtime_fields = [](auto& r) {
  return std::tie(r.growth_streak, r.idle_since_ms, r.idle, r.decided_instances, r.decided_ms,
                  r.capacity_per_instance);
};

std::unique_ptr<stored::ServiceScalingT> to_stored(const service_scaling& s) {
  auto t = std::make_unique<stored::ServiceScalingT>();
  kit::copy_fields(*t, s, service_fields);
  for (const auto& x : s.recommendations)
    t->recommendations.emplace_back(x.time_ms, x.replicas);
  for (const auto& x : s.changes)
    t->changes.emplace_back(x.time_ms, x.delta);
  t->forecaster = std::make_unique<holt_winters_state>(s.forecaster);
  return t;
}

bool from_stored(const stored::ServiceScalingT& t, service_scaling& s) {
  kit::copy_fields(s, t, service_fields);
  for (const auto& x : t.recommendations)
    s.recommendations.push_back({x.time_ms(), x.replicas()});
  for (const auto& x : t.changes)
    s.changes.push_back({x.time_ms(), x.delta()});
  if (!t.forecaster) return false;
  s.forecaster = *t.forecaster;
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
  t.services = kit::to_entries<stored::ServiceEntryT>(s.services, to_stored);
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
  kit::copy_fields(*r, rt, runtime_fields);
  t.runtime = std::move(r);
  t.events = s.events;
  return t;
}

std::optional<operations_state> from_table(const stored::OperationsStateT& t) {
  if (!t.runtime) return std::nullopt;
  operations_state s;
  const bool ok = kit::from_entries(t.services, s.services, from_stored) &&
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
  kit::copy_fields(rt, *t.runtime, runtime_fields);
  s.events = t.events;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(operations_state, stored::OperationsState, to_table, from_table)

} // namespace aetherial::actors::operations
