#include "actors/operations/state_codec.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <tuple>
#include <utility>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_maps.hpp"
#include "actors/kit/state_tables.hpp"

namespace aetherial::actors::operations {

namespace {

// The fields a record and its table share, by name.
const auto report_fields = [](auto& r) { return std::tie(r.time_ms, r.total_lag, r.events_per_s); };
const auto runtime_fields = [](auto& r) {
  return std::tie(r.growth_streak, r.idle_since_ms, r.idle, r.decided_instances, r.decided_ms,
                  r.capacity_per_instance);
};

bool valid_incident(const incident_record& i) {
  return i.status >= incident_status::MIN && i.status <= incident_status::MAX;
}

stored::OperationsStateT to_table(const operations_state& s) {
  stored::OperationsStateT t;
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
  r->reporters = kit::pack_records(rt.reporters, &stored::InstanceReportT::instance, report_fields);
  t.runtime = std::move(r);
  t.events = s.events;
  return t;
}

std::optional<operations_state> from_table(const stored::OperationsStateT& t) {
  if (!t.runtime) return std::nullopt;
  operations_state s;
  const bool ok = kit::from_entries_checked(t.incidents, s.healing.incidents, valid_incident) &&
                  kit::from_entries(t.problems, s.healing.problems) &&
                  kit::from_entries(t.actions, s.healing.actions) &&
                  kit::from_entries(t.queries, s.optimization.queries) &&
                  kit::from_entries(t.caches, s.optimization.caches);
  if (!ok) return std::nullopt;
  auto& rt = s.runtime;
  for (const auto& x : t.runtime->samples)
    rt.samples.push_back({x.time_ms(), x.total_lag(), x.instances(), x.events_per_s()});
  kit::copy_fields(rt, *t.runtime, runtime_fields);
  // Absent in snapshots written before it existed: no instance heard from yet.
  if (!kit::unpack_records(t.runtime->reporters, rt.reporters, &stored::InstanceReportT::instance,
                           report_fields,
                           [](const instance_report& r) { return std::isfinite(r.events_per_s); }))
    return std::nullopt;
  s.events = t.events;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(operations_state, stored::OperationsState, to_table, from_table)

} // namespace aetherial::actors::operations
