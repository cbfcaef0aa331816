#include "actors/security/state_codec.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <tuple>

#include "actors/kit/state_maps.hpp"
#include "schemas/state/security_generated.h"

namespace aetherial::actors::security {

namespace {

namespace fb = ::aetherial::state::security;

// The fields a record and its table share, by name.
const auto rate_fields = [](auto& r) { return std::tie(r.bucket_start_ms, r.count, r.flagged); };
const auto subject_fields = [](auto& x) {
  return std::tie(x.blocked_until_ms, x.incident_id, x.ban_deadline_ms, x.last_seen_ms);
};
const auto site_fields = [](auto& x) { return std::tie(x.ddos_active, x.ddos_incident); };
const auto state_fields = [](auto& s) {
  return std::tie(s.watermark_ms, s.last_sweep_ms, s.events);
};

std::unique_ptr<fb::RateSeriesT> to_fb(const rate_series& s) {
  auto o = std::make_unique<fb::RateSeriesT>();
  kit::copy_fields(*o, s, rate_fields);
  o->baseline_samples = s.baseline.samples();
  o->baseline_mean = s.baseline.mean();
  o->baseline_variance = s.baseline.variance();
  return o;
}

bool from_fb(const fb::RateSeriesT* o, rate_series& s) {
  if (o == nullptr || !std::isfinite(o->baseline_mean) || !std::isfinite(o->baseline_variance) ||
      o->baseline_variance < 0.0)
    return false;
  kit::copy_fields(s, *o, rate_fields);
  s.baseline = rate_baseline(o->baseline_samples, o->baseline_mean, o->baseline_variance);
  return true;
}

std::unique_ptr<fb::RequesterT> to_fb(const std::string& key, const requester_record& x) {
  auto o = std::make_unique<fb::RequesterT>();
  o->key = key;
  o->rate = to_fb(x.rate);
  o->failed_logins.assign(x.failed_logins.begin(), x.failed_logins.end());
  o->last_seen_ms = x.last_seen_ms;
  return o;
}

bool from_fb(const fb::RequesterT& o, std::string& key, requester_record& x) {
  key = o.key;
  if (!from_fb(o.rate.get(), x.rate)) return false;
  for (const auto t : o.failed_logins) {
    if (!x.failed_logins.empty() && x.failed_logins.back() > t) return false;
    x.failed_logins.push_back(t);
  }
  x.last_seen_ms = o.last_seen_ms;
  return true;
}

std::unique_ptr<fb::SubjectT> to_fb(const std::string& key, const subject_record& x) {
  auto o = std::make_unique<fb::SubjectT>();
  o->key = key;
  for (std::size_t i = 0; i < x.offenses.size(); ++i) {
    auto offense = std::make_unique<fb::OffenseT>();
    offense->time_ms = x.offenses[i];
    offense->kind = x.offense_kinds[i];
    o->offenses.push_back(std::move(offense));
  }
  kit::copy_fields(*o, x, subject_fields);
  o->ban = static_cast<fb::BanStatus>(x.ban);
  return o;
}

bool from_fb(const fb::SubjectT& o, std::string& key, subject_record& x) {
  key = o.key;
  for (const auto& offense : o.offenses) {
    if (!offense) return false;
    x.offenses.push_back(offense->time_ms);
    x.offense_kinds.push_back(offense->kind);
  }
  kit::copy_fields(x, o, subject_fields);
  if (static_cast<std::uint8_t>(o.ban) > static_cast<std::uint8_t>(ban_status::banned))
    return false;
  x.ban = static_cast<ban_status>(o.ban);
  // A pending proposal has a deadline; a ban or no proposal has none.
  return (x.ban == ban_status::proposed) == (x.ban_deadline_ms != 0);
}

fb::SecurityStateT to_table(const security_state& s) {
  fb::SecurityStateT o;
  const auto requester = [](const std::string& k, const requester_record& v) {
    return to_fb(k, v);
  };
  o.ips = kit::pack_map<decltype(o.ips)>(s.ips, requester);
  o.users = kit::pack_map<decltype(o.users)>(s.users, requester);
  o.subjects = kit::pack_map<decltype(o.subjects)>(
      s.subjects, [](const std::string& k, const subject_record& v) { return to_fb(k, v); });
  o.site = std::make_unique<fb::SiteT>();
  o.site->requests = to_fb(s.site.requests);
  o.site->sources = to_fb(s.site.sources);
  o.site->bucket_ips = kit::pack_set(s.site.bucket_ips);
  kit::copy_fields(*o.site, s.site, site_fields);
  kit::copy_fields(o, s, state_fields);
  return o;
}

std::optional<security_state> from_table(const fb::SecurityStateT& o) {
  security_state s;
  const auto requester = [](const fb::RequesterT& e, std::string& k, requester_record& v) {
    return from_fb(e, k, v);
  };
  const auto subject = [](const fb::SubjectT& e, std::string& k, subject_record& v) {
    return from_fb(e, k, v);
  };
  if (!kit::unpack_map(o.ips, s.ips, requester) || !kit::unpack_map(o.users, s.users, requester) ||
      !kit::unpack_map(o.subjects, s.subjects, subject) || !o.site ||
      !from_fb(o.site->requests.get(), s.site.requests) ||
      !from_fb(o.site->sources.get(), s.site.sources) ||
      !kit::unpack_set(o.site->bucket_ips, s.site.bucket_ips))
    return std::nullopt;
  kit::copy_fields(s.site, *o.site, site_fields);
  kit::copy_fields(s, o, state_fields);
  // The bucket's source count is the size of its IP set.
  if (s.site.sources.count != s.site.bucket_ips.size()) return std::nullopt;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(security_state, fb::SecurityState, to_table, from_table)

} // namespace aetherial::actors::security
