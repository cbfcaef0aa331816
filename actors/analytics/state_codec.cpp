#include "actors/analytics/state_codec.hpp"

#include <string>

#include "actors/wire.hpp"

namespace aetherial::actors::analytics {

namespace {

using wire::reader;
using wire::writer;

constexpr char magic[5] = "AANL";

template <class K, class T, class PutKey, class PutValue>
void put_map(writer& w, const std::map<K, T>& m, PutKey put_key, PutValue put_value) {
  w.count(m.size());
  for (const auto& [k, v] : m) {
    put_key(w, k);
    put_value(w, v);
  }
}

// Keys must be strictly increasing, as a std::map writes them: anything else is corrupt.
template <class K, class T, class GetKey, class GetValue>
std::map<K, T> get_map(reader& r, std::size_t min_item_bytes, GetKey get_key, GetValue get_value) {
  std::map<K, T> m;
  for (std::uint32_t n = r.count(min_item_bytes); n > 0 && r.ok(); --n) {
    K k = get_key(r);
    T v = get_value(r);
    r.check(m.empty() || m.rbegin()->first < k);
    if (!r.ok()) break;
    m.emplace_hint(m.end(), std::move(k), std::move(v));
  }
  return m;
}

void put_day(writer& w, const day_stats& d) {
  const auto& regs = d.users.registers();
  w.count(regs.size());
  for (auto x : regs)
    w.u8(x);
  w.u64(d.events);
  put_map(
      w, d.features, [](writer& o, const std::string& k) { o.str(k); },
      [](writer& o, const feature_counter& c) {
        o.u64(c.count);
        o.u64(c.error);
      });
  w.u32(d.peak_sessions);
  w.i64(d.peak_ms);
}

day_stats get_day(reader& r) {
  day_stats d;
  std::vector<std::uint8_t> regs(r.count(1));
  for (auto& x : regs)
    x = r.u8();
  r.check(hyperloglog::valid(regs));
  if (r.ok()) d.users = hyperloglog(std::move(regs));
  d.events = r.u64();
  d.features = get_map<std::string, feature_counter>(
      r, 20, [](reader& in) { return in.str(); },
      [](reader& in) {
        feature_counter c;
        c.count = in.u64();
        c.error = in.u64();
        in.check(c.error <= c.count);
        return c;
      });
  d.peak_sessions = r.u32();
  d.peak_ms = r.i64();
  return d;
}

void put_cohort(writer& w, const cohort_stats& c) {
  for (auto x : c.active)
    w.u64(x);
  put_map(
      w, c.features, [](writer& o, std::uint32_t k) { o.u32(k); },
      [](writer& o, const feature_retention& f) {
        o.u64(f.users);
        o.u64(f.returned);
      });
}

cohort_stats get_cohort(reader& r) {
  cohort_stats c;
  for (auto& x : c.active)
    x = r.u64();
  c.features = get_map<std::uint32_t, feature_retention>(
      r, 20, [](reader& in) { return in.u32(); },
      [](reader& in) {
        feature_retention f;
        f.users = in.u64();
        f.returned = in.u64();
        return f;
      });
  for (const auto& [f, fr] : c.features)
    r.check(f < 64);
  return c;
}

void put_experiment(writer& w, const experiment_record& e) {
  w.count(e.variants.size());
  for (const auto& v : e.variants) {
    w.str(v.name);
    w.u64(v.users);
    w.u64(v.conversions);
  }
  put_map(
      w, e.members, [](writer& o, std::uint64_t k) { o.u64(k); },
      [](writer& o, std::uint8_t v) { o.u8(v); });
  w.u64(e.not_enrolled);
  w.i64(e.last_seen_ms);
}

experiment_record get_experiment(reader& r) {
  experiment_record e;
  for (std::uint32_t n = r.count(20); n > 0 && r.ok(); --n) {
    variant_stats v;
    v.name = r.str();
    v.users = r.u64();
    v.conversions = r.u64();
    e.variants.push_back(std::move(v));
  }
  r.check(e.variants.size() <= 0x7f);
  e.members = get_map<std::uint64_t, std::uint8_t>(
      r, 9, [](reader& in) { return in.u64(); }, [](reader& in) { return in.u8(); });
  for (const auto& [h, v] : e.members)
    r.check((v & 0x7fu) < e.variants.size());
  e.not_enrolled = r.u64();
  e.last_seen_ms = r.i64();
  return e;
}

void put_tenant(writer& w, const tenant_state& t) {
  put_map(
      w, t.days, [](writer& o, std::int32_t k) { o.i32(k); }, put_day);
  put_map(
      w, t.cohorts, [](writer& o, std::int32_t k) { o.i32(k); }, put_cohort);
  put_map(
      w, t.users, [](writer& o, std::uint64_t k) { o.u64(k); },
      [](writer& o, const user_record& u) {
        o.i32(u.first_day);
        o.i32(u.last_day);
        o.u64(u.active_days);
        o.u64(u.first_day_features);
      });
  w.count(t.cohort_features.size());
  for (const auto& f : t.cohort_features)
    w.str(f);
  put_map(
      w, t.sessions, [](writer& o, std::uint64_t k) { o.u64(k); },
      [](writer& o, std::int64_t v) { o.i64(v); });
  put_map(
      w, t.experiments, [](writer& o, const std::string& k) { o.str(k); }, put_experiment);
  w.i64(t.watermark_ms);
  w.u64(t.events);
}

tenant_state get_tenant(reader& r) {
  tenant_state t;
  t.days = get_map<std::int32_t, day_stats>(
      r, 4 + 4 + hll_registers, [](reader& in) { return in.i32(); }, get_day);
  t.cohorts = get_map<std::int32_t, cohort_stats>(
      r, 4 + 8 * retention_days, [](reader& in) { return in.i32(); }, get_cohort);
  t.users = get_map<std::uint64_t, user_record>(
      r, 32, [](reader& in) { return in.u64(); },
      [](reader& in) {
        user_record u;
        u.first_day = in.i32();
        u.last_day = in.i32();
        u.active_days = in.u64();
        u.first_day_features = in.u64();
        in.check(u.last_day >= u.first_day);
        return u;
      });
  for (std::uint32_t n = r.count(4); n > 0 && r.ok(); --n)
    t.cohort_features.push_back(r.str());
  r.check(t.cohort_features.size() <= 64);
  t.sessions = get_map<std::uint64_t, std::int64_t>(
      r, 16, [](reader& in) { return in.u64(); }, [](reader& in) { return in.i64(); });
  for (const auto& [h, last] : t.sessions)
    t.session_order.emplace(last, h);
  t.experiments = get_map<std::string, experiment_record>(
      r, 8, [](reader& in) { return in.str(); }, get_experiment);
  t.watermark_ms = r.i64();
  t.events = r.u64();
  return t;
}

} // namespace

std::vector<std::uint8_t> encode_state(const analytics_state& s, std::uint64_t fingerprint) {
  writer w;
  w.u64(fingerprint);
  put_map(
      w, s.tenants, [](writer& o, const std::string& k) { o.str(k); }, put_tenant);
  w.u64(s.events);
  w.boolean(s.refusal_reported);
  return wire::seal(magic, state_encoding_version, w.bytes());
}

std::optional<analytics_state> decode_state(const std::uint8_t* data, std::size_t size,
                                            std::uint64_t fingerprint) {
  const auto body = wire::unseal(magic, state_encoding_version, data, size);
  if (!body) return std::nullopt;
  reader r(body->first, body->second);
  if (r.u64() != fingerprint) return std::nullopt;
  analytics_state s;
  s.tenants = get_map<std::string, tenant_state>(
      r, 4, [](reader& in) { return in.str(); }, get_tenant);
  s.events = r.u64();
  s.refusal_reported = r.boolean();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::analytics
