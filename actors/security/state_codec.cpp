#include "actors/security/state_codec.hpp"

#include <string>

#include "actors/wire.hpp"

namespace aetherial::actors::security {

namespace {

using wire::reader;
using wire::writer;

constexpr char magic[5] = "ASEC";

void put(writer& w, const rate_series& s) {
  w.i64(s.bucket_start_ms);
  w.u64(s.count);
  w.boolean(s.flagged);
  w.u32(s.baseline.samples());
  w.f64(s.baseline.mean());
  w.f64(s.baseline.variance());
}

rate_series get_series(reader& r) {
  rate_series s;
  s.bucket_start_ms = r.i64();
  s.count = r.u64();
  s.flagged = r.boolean();
  const std::uint32_t samples = r.u32();
  const double mean = r.f64();
  const double variance = r.f64();
  r.check(variance >= 0.0);
  s.baseline = rate_baseline(samples, mean, variance);
  return s;
}

void put(writer& w, const requester_record& x) {
  put(w, x.rate);
  w.count(x.failed_logins.size());
  for (auto t : x.failed_logins)
    w.i64(t);
  w.i64(x.last_seen_ms);
}

requester_record get_requester(reader& r) {
  requester_record x;
  x.rate = get_series(r);
  for (std::uint32_t n = r.count(8); n > 0 && r.ok(); --n) {
    const std::int64_t t = r.i64();
    r.check(x.failed_logins.empty() || x.failed_logins.back() <= t);
    x.failed_logins.push_back(t);
  }
  x.last_seen_ms = r.i64();
  return x;
}

void put(writer& w, const subject_record& x) {
  w.count(x.offenses.size());
  for (std::size_t i = 0; i < x.offenses.size(); ++i) {
    w.i64(x.offenses[i]);
    w.str(x.offense_kinds[i]);
  }
  w.i64(x.blocked_until_ms);
  w.str(x.incident_id);
  w.u8(static_cast<std::uint8_t>(x.ban));
  w.i64(x.ban_deadline_ms);
  w.i64(x.last_seen_ms);
}

subject_record get_subject(reader& r) {
  subject_record x;
  for (std::uint32_t n = r.count(12); n > 0 && r.ok(); --n) {
    x.offenses.push_back(r.i64());
    x.offense_kinds.push_back(r.str());
  }
  x.blocked_until_ms = r.i64();
  x.incident_id = r.str();
  const auto ban = r.u8();
  r.check(ban <= static_cast<std::uint8_t>(ban_status::banned));
  x.ban = static_cast<ban_status>(ban);
  x.ban_deadline_ms = r.i64();
  x.last_seen_ms = r.i64();
  // A pending proposal has a deadline; a ban or no proposal has none.
  r.check((x.ban == ban_status::proposed) == (x.ban_deadline_ms != 0));
  return x;
}

template <class T, class Put>
void put_map(writer& w, const std::map<std::string, T>& m, Put put_value) {
  w.count(m.size());
  for (const auto& [k, v] : m) {
    w.str(k);
    put_value(w, v);
  }
}

// Keys must be strictly increasing, as a std::map writes them: anything else is corrupt.
template <class T, class Get> std::map<std::string, T> get_map(reader& r, Get get_value) {
  std::map<std::string, T> m;
  for (std::uint32_t n = r.count(5); n > 0 && r.ok(); --n) {
    std::string k = r.str();
    T v = get_value(r);
    r.check(m.empty() || m.rbegin()->first < k);
    if (!r.ok()) break;
    m.emplace_hint(m.end(), std::move(k), std::move(v));
  }
  return m;
}

} // namespace

std::vector<std::uint8_t> encode_state(const security_state& s) {
  writer w;
  put_map(w, s.ips, [](writer& o, const requester_record& v) { put(o, v); });
  put_map(w, s.users, [](writer& o, const requester_record& v) { put(o, v); });
  put_map(w, s.subjects, [](writer& o, const subject_record& v) { put(o, v); });
  put(w, s.site.requests);
  put(w, s.site.sources);
  w.count(s.site.bucket_ips.size());
  for (const auto& ip : s.site.bucket_ips)
    w.str(ip);
  w.boolean(s.site.ddos_active);
  w.str(s.site.ddos_incident);
  w.i64(s.watermark_ms);
  w.i64(s.last_sweep_ms);
  w.u64(s.events);
  return wire::seal(magic, state_encoding_version, w.bytes());
}

std::optional<security_state> decode_state(const std::uint8_t* data, std::size_t size) {
  const auto body = wire::unseal(magic, state_encoding_version, data, size);
  if (!body) return std::nullopt;
  reader r(body->first, body->second);
  security_state s;
  s.ips = get_map<requester_record>(r, get_requester);
  s.users = get_map<requester_record>(r, get_requester);
  s.subjects = get_map<subject_record>(r, get_subject);
  s.site.requests = get_series(r);
  s.site.sources = get_series(r);
  for (std::uint32_t n = r.count(4); n > 0 && r.ok(); --n) {
    std::string ip = r.str();
    r.check(s.site.bucket_ips.empty() || *s.site.bucket_ips.rbegin() < ip);
    s.site.bucket_ips.emplace_hint(s.site.bucket_ips.end(), std::move(ip));
  }
  s.site.ddos_active = r.boolean();
  s.site.ddos_incident = r.str();
  s.watermark_ms = r.i64();
  s.last_sweep_ms = r.i64();
  s.events = r.u64();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  r.check(s.site.sources.count == s.site.bucket_ips.size());
  if (!r.ok()) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::security
