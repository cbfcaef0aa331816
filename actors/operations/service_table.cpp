#include "actors/operations/service_table.hpp"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "actors/kit/state_tables.hpp"
#include "actors/kit/table_rows.hpp"

namespace aetherial::actors::operations {

namespace {

// The fields a record and its table share, by name.
const auto service_fields = [](auto& s) {
  return std::tie(s.has_policy, s.min_replicas, s.max_replicas, s.target_cpu, s.scale_down_window_s,
                  s.decided_replicas, s.decided_ms, s.last_sample_ms, s.has_sample,
                  s.cpu_per_request, s.manual_until_ms);
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

} // namespace

bool valid_service_name(std::string_view name) noexcept {
  return !name.empty() && name.size() <= max_table_key_bytes;
}

bytes encode_row(const service_row& row) {
  stored::ServiceRowT t;
  if (row.scaling) t.scaling = to_stored(*row.scaling);
  if (row.reading) t.reading = std::make_unique<service_reading>(*row.reading);
  return kit::encode_row<stored::ServiceRow>(t);
}

service_row decode_row(const bytes& value) {
  const auto t = kit::decode_row<stored::ServiceRow>(value, services_table);
  service_row row;
  if (t.scaling) {
    row.scaling.emplace();
    if (!from_stored(*t.scaling, *row.scaling)) kit::impossible_row("services");
  }
  if (t.reading) {
    if (!valid_reading(*t.reading)) kit::impossible_row("services");
    row.reading = *t.reading;
  }
  return row;
}

std::map<std::string, service_row> load_services(service_rows& rows, table_store& tables) {
  rows.flush(tables);
  std::map<std::string, service_row> all;
  tables.scan(services_table, {}, {}, [&](std::string_view key, const bytes& value) {
    all.emplace(std::string(key), decode_row(value));
    return true;
  });
  return all;
}

service_scaling& service_entry(std::optional<service_scaling>& scaling,
                               const autoscaling_config& cfg) {
  if (scaling) return *scaling;
  auto& s = scaling.emplace();
  s.min_replicas = cfg.default_min_replicas;
  s.max_replicas = cfg.default_max_replicas;
  s.target_cpu = cfg.default_target_cpu;
  s.scale_down_window_s = cfg.default_scale_down_window_s;
  return s;
}

} // namespace aetherial::actors::operations
