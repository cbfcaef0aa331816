#include "actors/analytics/activity.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "actors/analytics/tables.hpp"
#include "actors/analytics/text.hpp"
#include "actors/kit/containers.hpp"
#include "actors/kit/expiry_index.hpp"

namespace aetherial::actors::analytics {

namespace {

void trim_history(tenant_state& t, const analytics_config& cfg, std::int32_t latest) {
  const std::int32_t cutoff = latest - static_cast<std::int32_t>(cfg.history_days) + 1;
  while (!t.days.empty() && t.days.begin()->first < cutoff) {
    t.changed_days.insert(t.days.begin()->first);
    t.days.erase(t.days.begin());
  }
  while (!t.cohorts.empty() && t.cohorts.begin()->first < cutoff) {
    t.changed_cohorts.insert(t.cohorts.begin()->first);
    t.cohorts.erase(t.cohorts.begin());
  }
}

// The cohort feature index of `feature`, assigning the next one while there is room.
std::uint32_t feature_index(tenant_state& t, const analytics_config& cfg, std::string_view f) {
  for (std::size_t i = 0; i < t.cohort_features.size(); ++i)
    if (t.cohort_features[i] == f) return static_cast<std::uint32_t>(i);
  const std::size_t cap = std::min<std::size_t>(cfg.max_cohort_features, 64);
  if (t.cohort_features.size() >= cap) return 64;
  t.cohort_features.emplace_back(f);
  return static_cast<std::uint32_t>(t.cohort_features.size() - 1);
}

void record_cohort(tenant_state& t, const analytics_config& cfg, const activity& a,
                   std::int32_t day, const user_rows& users) {
  user_slot slot(users.tables, users_table, user_key(users.tenant, a.user));
  const bool is_new = !slot.record;
  if (is_new) {
    slot.record.emplace();
    auto& u = *slot.record;
    u.first_day = day;
    u.last_day = day;
    u.active_days = 1;
    t.cohorts[day].active[0] += 1;
    t.changed_cohorts.insert(day);
    users.expiry.file(users.tables, slot.key(), forget_at(u, cfg));
  } else {
    slot.record->last_day = std::max(slot.record->last_day, day);
  }
  auto& u = *slot.record;
  const std::int32_t k = day - u.first_day;
  // An event from before the user's first day arrived late: cohorts are by first sight.
  if (k >= 0 && k < 64) {
    const auto cohort = t.cohorts.find(u.first_day);
    const std::uint64_t bit = std::uint64_t{1} << k;
    if ((u.active_days & bit) == 0) {
      u.active_days |= bit;
      if (cohort != t.cohorts.end() && static_cast<std::size_t>(k) < retention_days) {
        cohort->second.active[static_cast<std::size_t>(k)] += 1;
        t.changed_cohorts.insert(u.first_day);
        if (k == 1)
          for (std::uint32_t f = 0; f < 64; ++f)
            if ((u.first_day_features >> f) & 1u) cohort->second.features[f].returned += 1;
      }
    }
    if (k == 0 && !a.feature.empty()) {
      const std::uint32_t f = feature_index(t, cfg, a.feature);
      if (f < 64 && ((u.first_day_features >> f) & 1u) == 0) {
        u.first_day_features |= std::uint64_t{1} << f;
        if (cohort != t.cohorts.end()) {
          cohort->second.features[f].users += 1;
          t.changed_cohorts.insert(u.first_day);
        }
      }
    }
  }
  slot.save();
}

/// The hash big-endian: the last 8 bytes of a session's keys.
std::string be64(std::uint64_t v) {
  std::string k(8, '\0');
  for (int i = 0; i < 8; ++i)
    k[static_cast<std::size_t>(i)] = static_cast<char>((v >> (56 - 8 * i)) & 0xffu);
  return k;
}

/// The key of `session` in "sessions.order" of `tenant`, at `last_ms`.
std::string order_key(std::string_view tenant, std::int64_t last_ms, std::uint64_t session) {
  std::string k(tenant);
  k += '\0';
  k += kit::expiry_index::encode(last_ms, be64(session));
  return k;
}

void record_session(tenant_state& t, const analytics_config& cfg, const activity& a,
                    std::int32_t day, const user_rows& rows) {
  auto& tables = rows.tables;
  const std::int64_t horizon = t.watermark_ms - cfg.session_timeout_ms;
  // An event older than the session timeout (behind the latest one) says nothing about
  // what is active now.
  const bool current = a.time_ms > horizon;
  if (current) {
    const std::string key = user_key(rows.tenant, a.session);
    if (const auto row = tables.get(sessions_table, key)) {
      tables.erase(sessions_order_table, order_key(rows.tenant, decode_session(*row), a.session));
      tables.erase(sessions_table, key);
      --t.active_sessions;
    }
    if (a.kind != "logout") {
      tables.put(sessions_table, key, encode_session(a.time_ms));
      tables.put(sessions_order_table, order_key(rows.tenant, a.time_ms, a.session), {});
      ++t.active_sessions;
    }
  }
  // The tenant's sessions quiet since the horizon go, then the oldest beyond the cap.
  const std::string prefix = std::string(rows.tenant) + '\0';
  std::vector<std::string> gone;
  std::uint64_t left = t.active_sessions;
  tables.scan(sessions_order_table, prefix, {}, [&](std::string_view k, const bytes&) {
    if (k.substr(0, prefix.size()) != prefix) return false;
    const auto e = kit::expiry_index::decode(k.substr(prefix.size()));
    if (!e || (e->at > horizon && left <= cfg.max_active_sessions)) return false;
    gone.emplace_back(k);
    --left;
    return true;
  });
  for (const auto& k : gone) {
    const auto e = kit::expiry_index::decode(std::string_view(k).substr(prefix.size()));
    tables.erase(sessions_order_table, k);
    tables.erase(sessions_table, prefix + e->key);
    --t.active_sessions;
  }
  if (!current) return;
  auto& d = t.days[day];
  const auto active = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(t.active_sessions, std::numeric_limits<std::uint32_t>::max()));
  if (active > d.peak_sessions) {
    d.peak_sessions = active;
    d.peak_ms = a.time_ms;
    t.changed_days.insert(day);
  }
}

void record_experiment(tenant_state& t, const analytics_config& cfg, const activity& a,
                       const user_rows& rows) {
  auto it = t.experiments.find(std::string(a.experiment));
  if (it == t.experiments.end()) {
    if (t.experiments.size() >= cfg.max_experiments) {
      const auto victim = kit::least_recent(
          t.experiments, [](const experiment_record& e) { return e.last_seen_ms; });
      erase_prefix(rows.tables, members_table, members_prefix(rows.tenant, victim->first));
      t.experiments.erase(victim);
    }
    it = t.experiments.emplace(std::string(a.experiment), experiment_record{}).first;
  }
  auto& e = it->second;
  e.last_seen_ms = std::max(e.last_seen_ms, a.time_ms);

  std::size_t variant = e.variants.size();
  if (!a.variant.empty()) {
    for (std::size_t i = 0; i < e.variants.size(); ++i)
      if (e.variants[i].name == a.variant) variant = i;
    const std::size_t cap = std::min<std::size_t>(cfg.max_variants, 0x7f);
    if (variant == e.variants.size() && e.variants.size() < cap)
      e.variants.push_back(variant_stats{std::string(a.variant), 0, 0});
  }
  const std::string key = member_key(rows.tenant, a.experiment, a.user);
  std::optional<std::uint8_t> member;
  if (const auto row = rows.tables.get(members_table, key)) {
    member = decode_member(*row);
    if ((*member & 0x7fu) >= e.variants.size())
      throw std::runtime_error("a row of table 'members' names no variant of its experiment");
  }
  if (!member) {
    // The first variant a user is seen in is the one they are counted in.
    if (variant >= e.variants.size()) return;
    std::uint64_t enrolled = 0;
    for (const auto& v : e.variants)
      enrolled += v.users;
    if (enrolled >= cfg.max_experiment_users) {
      ++e.not_enrolled;
      return;
    }
    member = static_cast<std::uint8_t>(variant);
    e.variants[variant].users += 1;
    rows.tables.put(members_table, key, encode_member(*member));
  }
  if (is_conversion(a.kind) && (*member & 0x80u) == 0) {
    member = static_cast<std::uint8_t>(*member | 0x80u);
    e.variants[*member & 0x7fu].conversions += 1;
    rows.tables.put(members_table, key, encode_member(*member));
  }
}

} // namespace

bool is_conversion(std::string_view kind) noexcept {
  return kind == "conversion" || kind == "purchase";
}

void count_feature(std::map<std::string, feature_counter>& top, std::string_view feature,
                   std::size_t capacity) {
  const std::string name(feature);
  if (auto it = top.find(name); it != top.end()) {
    it->second.count += 1;
    return;
  }
  if (top.size() < capacity) {
    top.emplace(name, feature_counter{1, 0});
    return;
  }
  if (top.empty()) return;
  auto victim = top.begin();
  for (auto it = top.begin(); it != top.end(); ++it)
    if (it->second.count <= victim->second.count) victim = it; // ties: the greatest name
  const std::uint64_t floor = victim->second.count;
  top.erase(victim);
  top.emplace(name, feature_counter{floor + 1, floor});
}

void record_activity(tenant_state& t, const analytics_config& cfg, const activity& a,
                     const user_rows& users) {
  t.events += 1;
  t.watermark_ms = std::max(t.watermark_ms, a.time_ms);
  const std::int32_t latest = day_of(t.watermark_ms);
  const std::int32_t day = day_of(a.time_ms);
  if (day <= latest - static_cast<std::int32_t>(cfg.history_days)) return;

  auto& d = t.days[day];
  t.changed_days.insert(day);
  d.events += 1;
  d.users.add(a.user);
  if (!a.feature.empty()) count_feature(d.features, a.feature, cfg.top_features_per_day);
  record_cohort(t, cfg, a, day, users);
  record_session(t, cfg, a, day, users);
  if (!a.experiment.empty()) record_experiment(t, cfg, a, users);
  trim_history(t, cfg, latest);
}

} // namespace aetherial::actors::analytics
