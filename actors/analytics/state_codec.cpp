#include "actors/analytics/state_codec.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>

#include "actors/analytics/keyed_hash.hpp"
#include "actors/kit/redact.hpp"
#include "actors/kit/state_maps.hpp"
#include "actors/kit/table_rows.hpp"
#include "schemas/state/analytics_generated.h"

namespace aetherial::actors::analytics {

namespace {

namespace fb = ::aetherial::state::analytics;

// The fields a record and its table share, by name.
const auto day_fields = [](auto& d) { return std::tie(d.events, d.peak_sessions, d.peak_ms); };
const auto counter_fields = [](auto& c) { return std::tie(c.count, c.error); };
const auto retention_fields = [](auto& f) { return std::tie(f.users, f.returned); };
const auto variant_fields = [](auto& v) { return std::tie(v.name, v.users, v.conversions); };
const auto user_fields = [](auto& u) {
  return std::tie(u.first_day, u.last_day, u.active_days, u.first_day_features);
};

// A name the agent keeps (feature, experiment, variant): the encoder never writes one with
// personal data in it, since names are masked on arrival.
bool clean_name(const std::string& name) {
  return !kit::has_personal_data(name);
}

std::unique_ptr<fb::DayT> to_fb(std::int32_t key, const day_stats& d) {
  auto o = std::make_unique<fb::DayT>();
  o->day = key;
  o->users = d.users.registers();
  kit::copy_fields(*o, d, day_fields);
  o->features = kit::pack_records(d.features, &fb::FeatureCounterT::feature, counter_fields);
  return o;
}

bool from_fb(const fb::DayT& o, std::int32_t& key, day_stats& d) {
  key = o.day;
  if (!hyperloglog::valid(o.users)) return false;
  d.users = hyperloglog(o.users);
  kit::copy_fields(d, o, day_fields);
  return kit::unpack_records(o.features, d.features, &fb::FeatureCounterT::feature, counter_fields,
                             [](const feature_counter& c) { return c.error <= c.count; }) &&
         std::all_of(d.features.begin(), d.features.end(),
                     [](const auto& f) { return clean_name(f.first); });
}

std::unique_ptr<fb::CohortT> to_fb(std::int32_t key, const cohort_stats& c) {
  auto o = std::make_unique<fb::CohortT>();
  o->day = key;
  o->active.assign(c.active.begin(), c.active.end());
  o->features = kit::pack_records(c.features, &fb::FeatureRetentionT::feature, retention_fields);
  return o;
}

bool from_fb(const fb::CohortT& o, std::int32_t& key, cohort_stats& c) {
  key = o.day;
  if (o.active.size() != c.active.size()) return false;
  std::copy(o.active.begin(), o.active.end(), c.active.begin());
  // Cohort features are indices below 64; keys are in order, so the last is the largest.
  return kit::unpack_records(o.features, c.features, &fb::FeatureRetentionT::feature,
                             retention_fields) &&
         (c.features.empty() || c.features.rbegin()->first < 64);
}

std::unique_ptr<fb::ExperimentT> to_fb(const std::string& key, const experiment_record& e) {
  auto o = std::make_unique<fb::ExperimentT>();
  o->name = key;
  o->variants = kit::to_tables<fb::VariantT>(e.variants, variant_fields);
  o->not_enrolled = e.not_enrolled;
  o->last_seen_ms = e.last_seen_ms;
  return o;
}

bool from_fb(const fb::ExperimentT& o, std::string& key, experiment_record& e) {
  key = o.name;
  if (!clean_name(key) || !kit::from_tables(o.variants, e.variants, variant_fields) ||
      e.variants.size() > 0x7f ||
      !std::all_of(e.variants.begin(), e.variants.end(),
                   [](const variant_stats& v) { return clean_name(v.name); }))
    return false;
  e.not_enrolled = o.not_enrolled;
  e.last_seen_ms = o.last_seen_ms;
  return true;
}

std::unique_ptr<fb::TenantT> to_fb(const std::string& key, const tenant_state& t) {
  auto o = std::make_unique<fb::TenantT>();
  o->name = key;
  o->cohort_features = t.cohort_features;
  o->experiments = kit::pack_map<decltype(o->experiments)>(
      t.experiments, [](const std::string& k, const experiment_record& e) { return to_fb(k, e); });
  o->watermark_ms = t.watermark_ms;
  o->events = t.events;
  o->active_sessions = t.active_sessions;
  return o;
}

bool from_fb(const fb::TenantT& o, std::string& key, tenant_state& t) {
  key = o.name;
  if (!is_tenant_pseudonym(key)) return false; // a raw name (version 2), or not ours
  const bool ok = kit::unpack_map(o.experiments, t.experiments,
                                  [](const fb::ExperimentT& e, std::string& k,
                                     experiment_record& x) { return from_fb(e, k, x); });
  if (!ok || o.cohort_features.size() > 64 ||
      !std::all_of(o.cohort_features.begin(), o.cohort_features.end(), clean_name))
    return false;
  t.cohort_features = o.cohort_features;
  t.watermark_ms = o.watermark_ms;
  t.events = o.events;
  t.active_sessions = o.active_sessions;
  return true;
}

fb::AnalyticsStateT to_fb(const analytics_state& s, std::uint64_t fingerprint) {
  fb::AnalyticsStateT o;
  o.key_fingerprint = fingerprint;
  o.tenants = kit::pack_map<decltype(o.tenants)>(
      s.tenants, [](const std::string& k, const tenant_state& t) { return to_fb(k, t); });
  o.events = s.events;
  o.refusal_reported = s.refusal_reported;
  return o;
}

std::optional<analytics_state> from_fb(const fb::AnalyticsStateT& o) {
  analytics_state s;
  if (!kit::unpack_map(
          o.tenants, s.tenants,
          [](const fb::TenantT& e, std::string& k, tenant_state& t) { return from_fb(e, k, t); }))
    return std::nullopt;
  s.events = o.events;
  s.refusal_reported = o.refusal_reported;
  return s;
}

} // namespace

std::vector<std::uint8_t> encode_user(const user_record& u) {
  fb::UserRowT o;
  kit::copy_fields(o, u, user_fields);
  return kit::encode_row<fb::UserRow>(o);
}

user_record decode_user(const std::vector<std::uint8_t>& value) {
  const auto o = kit::decode_row<fb::UserRow>(value, "users");
  user_record u;
  kit::copy_fields(u, o, user_fields);
  if (u.last_day < u.first_day) kit::impossible_row("users");
  return u;
}

std::vector<std::uint8_t> encode_member(std::uint8_t assignment) {
  fb::MemberRowT o;
  o.assignment = assignment;
  return kit::encode_row<fb::MemberRow>(o);
}

std::uint8_t decode_member(const std::vector<std::uint8_t>& value) {
  return kit::decode_row<fb::MemberRow>(value, "members").assignment;
}

std::vector<std::uint8_t> encode_day(std::int32_t day, const day_stats& d) {
  return kit::encode_row<fb::Day>(*to_fb(day, d));
}

std::pair<std::int32_t, day_stats> decode_day(const std::vector<std::uint8_t>& value) {
  std::pair<std::int32_t, day_stats> out;
  if (!from_fb(kit::decode_row<fb::Day>(value, "days"), out.first, out.second))
    kit::impossible_row("days");
  return out;
}

std::vector<std::uint8_t> encode_cohort(std::int32_t day, const cohort_stats& c) {
  return kit::encode_row<fb::Cohort>(*to_fb(day, c));
}

std::pair<std::int32_t, cohort_stats> decode_cohort(const std::vector<std::uint8_t>& value) {
  std::pair<std::int32_t, cohort_stats> out;
  if (!from_fb(kit::decode_row<fb::Cohort>(value, "cohorts"), out.first, out.second))
    kit::impossible_row("cohorts");
  return out;
}

std::vector<std::uint8_t> encode_session(std::int64_t last_ms) {
  fb::SessionRowT o;
  o.last_ms = last_ms;
  return kit::encode_row<fb::SessionRow>(o);
}

std::int64_t decode_session(const std::vector<std::uint8_t>& value) {
  return kit::decode_row<fb::SessionRow>(value, "sessions").last_ms;
}

std::vector<std::uint8_t> encode_part(const tenant_state* t) {
  fb::TenantPartT o;
  o.found = t != nullptr;
  if (t != nullptr) {
    for (const auto& [day, d] : t->days)
      o.days.push_back(to_fb(day, d));
    for (const auto& [day, c] : t->cohorts)
      o.cohorts.push_back(to_fb(day, c));
    o.cohort_features = t->cohort_features;
    for (const auto& [name, e] : t->experiments)
      o.experiments.push_back(to_fb(name, e));
  }
  return kit::encode_row<fb::TenantPart>(o);
}

std::optional<tenant_state> decode_part(const std::vector<std::uint8_t>& value) {
  const auto o = kit::decode_row<fb::TenantPart>(value, "a tenant's part");
  if (!o.found) return std::nullopt;
  tenant_state t;
  for (const auto& d : o.days) {
    std::int32_t day = 0;
    day_stats stats;
    if (!d || !from_fb(*d, day, stats) || !t.days.emplace(day, std::move(stats)).second)
      kit::impossible_row("a tenant's part");
  }
  for (const auto& c : o.cohorts) {
    std::int32_t day = 0;
    cohort_stats stats;
    if (!c || !from_fb(*c, day, stats) || !t.cohorts.emplace(day, std::move(stats)).second)
      kit::impossible_row("a tenant's part");
  }
  for (const auto& name : o.cohort_features)
    if (!clean_name(name)) kit::impossible_row("a tenant's part");
  t.cohort_features = o.cohort_features;
  for (const auto& e : o.experiments) {
    std::string name;
    experiment_record x;
    if (!e || !from_fb(*e, name, x) || !t.experiments.emplace(std::move(name), std::move(x)).second)
      kit::impossible_row("a tenant's part");
  }
  return t;
}

std::vector<std::uint8_t> encode_state(const analytics_state& s, std::uint64_t fingerprint) {
  return kit::encode_state<fb::AnalyticsState>(to_fb(s, fingerprint), state_identifier);
}

std::optional<analytics_state> decode_state(const std::uint8_t* data, std::size_t size,
                                            std::uint64_t fingerprint) {
  // A snapshot is only ever restored under the salt its hashes were made with.
  const auto under_this_salt =
      [fingerprint](const fb::AnalyticsStateT& o) -> std::optional<analytics_state> {
    if (o.key_fingerprint != fingerprint) return std::nullopt;
    return from_fb(o);
  };
  return kit::decode_exact<fb::AnalyticsState>(
      data, size, state_identifier, under_this_salt,
      [fingerprint](const analytics_state& s) { return encode_state(s, fingerprint); });
}

} // namespace aetherial::actors::analytics
