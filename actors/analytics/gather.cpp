#include "actors/analytics/gather.hpp"

#include <algorithm>

#include "actors/analytics/state_codec.hpp"
#include "actors/kit/redact.hpp"

namespace aetherial::actors::analytics {

namespace {

// Days before `today` (inclusive) a query reads: active users compare a period with the one
// before (30 + 30 days at most), popular features a window with the one before.
std::int32_t days_read(std::string_view query, const kit::analytics_params& params,
                       const analytics_config& cfg) {
  if (query == "active_users") return 60;
  if (query == "popular_features") {
    const std::uint32_t days = params.days == 0 ? cfg.popular_window_days : params.days;
    return static_cast<std::int32_t>(std::min(days, cfg.history_days)) * 2;
  }
  return 0;
}

// Cohorts before `today` a query reads: retention compares two windows of cohorts, for day 1
// and for day 7.
std::int32_t cohorts_read(std::string_view query, const analytics_config& cfg) {
  if (query != "retention") return 0;
  return 8 +
         2 * static_cast<std::int32_t>(std::max<std::uint32_t>(cfg.retention_window_cohorts, 1));
}

} // namespace

bool gathered_query(std::string_view query) noexcept {
  return query == "active_users" || query == "popular_features" || query == "retention" ||
         query == "ab_test";
}

std::vector<std::uint8_t> tenant_part(const tenant_state* t, std::string_view query,
                                      const kit::analytics_params& params,
                                      const analytics_config& cfg, std::int32_t today) {
  if (t == nullptr) return encode_part(nullptr);
  tenant_state part;
  const std::int32_t days = days_read(query, params, cfg);
  for (auto it = t->days.lower_bound(today - days + 1);
       days > 0 && it != t->days.end() && it->first <= today; ++it)
    part.days.insert(*it);
  const std::int32_t cohorts = cohorts_read(query, cfg);
  for (auto it = t->cohorts.lower_bound(today - cohorts);
       cohorts > 0 && it != t->cohorts.end() && it->first <= today; ++it)
    part.cohorts.insert(*it);
  if (cohorts > 0) part.cohort_features = t->cohort_features;
  if (query == "ab_test")
    if (const auto it = t->experiments.find(kit::redact(params.experiment));
        it != t->experiments.end())
      part.experiments.insert(*it);
  return encode_part(&part);
}

void merge_part(tenant_state& into, bool& found, const std::vector<std::uint8_t>& part,
                const analytics_config& cfg) {
  auto p = decode_part(part);
  if (!p) return;
  into.merged_parts = found ? into.merged_parts + 1 : 1;
  found = true;
  for (auto& [day, d] : p->days) {
    auto [it, fresh] = into.days.try_emplace(day, std::move(d));
    if (fresh) continue;
    day_stats& m = it->second;
    m.users.merge(d.users);
    m.events += d.events;
    for (const auto& [name, c] : d.features) {
      auto& f = m.features[name];
      f.count += c.count;
      f.error += c.error;
    }
    if (d.peak_sessions > m.peak_sessions ||
        (d.peak_sessions == m.peak_sessions && d.peak_sessions > 0 && d.peak_ms < m.peak_ms)) {
      m.peak_sessions = d.peak_sessions;
      m.peak_ms = d.peak_ms;
    }
  }
  // Cohort features by name: each partition numbers them in the order it first saw them.
  const std::size_t cap = std::min<std::size_t>(cfg.max_cohort_features, 64);
  std::vector<std::uint32_t> index(p->cohort_features.size(), 64);
  for (std::size_t i = 0; i < p->cohort_features.size(); ++i) {
    const auto& name = p->cohort_features[i];
    const auto at = std::find(into.cohort_features.begin(), into.cohort_features.end(), name);
    if (at != into.cohort_features.end()) {
      index[i] = static_cast<std::uint32_t>(at - into.cohort_features.begin());
    } else if (into.cohort_features.size() < cap) {
      index[i] = static_cast<std::uint32_t>(into.cohort_features.size());
      into.cohort_features.push_back(name);
    }
  }
  // Experiments: a member is counted on the partition of its user, so variants add up.
  for (auto& [name, e] : p->experiments) {
    auto [it, fresh] = into.experiments.try_emplace(name, e);
    if (fresh) continue;
    auto& m = it->second;
    for (const auto& v : e.variants) {
      auto at = std::find_if(m.variants.begin(), m.variants.end(),
                             [&v](const variant_stats& x) { return x.name == v.name; });
      if (at == m.variants.end()) {
        m.variants.push_back(v);
      } else {
        at->users += v.users;
        at->conversions += v.conversions;
      }
    }
    m.not_enrolled += e.not_enrolled;
    m.last_seen_ms = std::max(m.last_seen_ms, e.last_seen_ms);
  }
  for (const auto& [day, c] : p->cohorts) {
    auto& m = into.cohorts[day];
    for (std::size_t k = 0; k < m.active.size(); ++k)
      m.active[k] += c.active[k];
    for (const auto& [f, fr] : c.features) {
      if (f >= index.size() || index[f] >= 64) continue;
      auto& r = m.features[index[f]];
      r.users += fr.users;
      r.returned += fr.returned;
    }
  }
}

} // namespace aetherial::actors::analytics
