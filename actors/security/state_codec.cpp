#include "actors/security/state_codec.hpp"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>

#include "actors/kit/state_tables.hpp"
#include "actors/kit/table_rows.hpp"
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
  return std::tie(s.watermark_ms, s.last_sweep_ms, s.events, s.ip_rows, s.user_rows);
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

fb::SecurityStateT to_table(const security_state& s) {
  fb::SecurityStateT o;
  o.site = std::make_unique<fb::SiteT>();
  o.site->requests = to_fb(s.site.requests);
  o.site->sources = to_fb(s.site.sources);
  kit::copy_fields(*o.site, s.site, site_fields);
  kit::copy_fields(o, s, state_fields);
  return o;
}

std::optional<security_state> from_table(const fb::SecurityStateT& o) {
  security_state s;
  if (!o.site || !from_fb(o.site->requests.get(), s.site.requests) ||
      !from_fb(o.site->sources.get(), s.site.sources))
    return std::nullopt;
  kit::copy_fields(s.site, *o.site, site_fields);
  kit::copy_fields(s, o, state_fields);
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(security_state, fb::SecurityState, to_table, from_table)

bytes encode_requester(const requester_record& r) {
  fb::RequesterRowT o;
  o.rate = to_fb(r.rate);
  o.failed_logins.assign(r.failed_logins.begin(), r.failed_logins.end());
  o.last_seen_ms = r.last_seen_ms;
  return kit::encode_row<fb::RequesterRow>(o);
}

requester_record decode_requester(const bytes& value) {
  const auto o = kit::decode_row<fb::RequesterRow>(value, "ips/users");
  requester_record r;
  if (!from_fb(o.rate.get(), r.rate)) kit::impossible_row("ips/users");
  for (const auto t : o.failed_logins) {
    if (!r.failed_logins.empty() && r.failed_logins.back() > t) kit::impossible_row("ips/users");
    r.failed_logins.push_back(t);
  }
  r.last_seen_ms = o.last_seen_ms;
  return r;
}

bytes encode_subject(const subject_record& r) {
  fb::SubjectRowT o;
  for (std::size_t i = 0; i < r.offenses.size(); ++i) {
    auto offense = std::make_unique<fb::OffenseT>();
    offense->time_ms = r.offenses[i];
    offense->kind = r.offense_kinds[i];
    o.offenses.push_back(std::move(offense));
  }
  kit::copy_fields(o, r, subject_fields);
  o.ban = static_cast<fb::BanStatus>(r.ban);
  return kit::encode_row<fb::SubjectRow>(o);
}

subject_record decode_subject(const bytes& value) {
  const auto o = kit::decode_row<fb::SubjectRow>(value, "subjects");
  subject_record r;
  for (const auto& offense : o.offenses) {
    if (!offense) kit::impossible_row("subjects");
    r.offenses.push_back(offense->time_ms);
    r.offense_kinds.push_back(offense->kind);
  }
  kit::copy_fields(r, o, subject_fields);
  if (static_cast<std::uint8_t>(o.ban) > static_cast<std::uint8_t>(ban_status::banned))
    kit::impossible_row("subjects");
  r.ban = static_cast<ban_status>(o.ban);
  // A pending proposal has a deadline; a ban or no proposal has none.
  if ((r.ban == ban_status::proposed) != (r.ban_deadline_ms != 0)) kit::impossible_row("subjects");
  return r;
}

} // namespace aetherial::actors::security
