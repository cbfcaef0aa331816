#include "actors/operations/state_codec.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "schemas/envelope.hpp"

namespace aetherial::actors::operations {

namespace {

constexpr char magic[4] = {'A', 'O', 'P', 'S'};
constexpr std::size_t header_size = 4 + 4 + 8;
constexpr std::size_t trailer_size = 8;

std::uint64_t checksum(const std::uint8_t* p, std::size_t n) {
  return schemas::fnv1a(std::string_view(reinterpret_cast<const char*>(p), n));
}

/// Appends fixed-width little-endian values.
class writer {
public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void f64(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
  }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void count(std::size_t n) { u32(static_cast<std::uint32_t>(n)); }
  [[nodiscard]] std::vector<std::uint8_t>& bytes() { return out_; }

private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> out_;
};

/// Reads what `writer` wrote; any overrun sets a sticky failure and yields zeros.
class reader {
public:
  reader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] bool at_end() const { return pos_ == n_; }
  void fail() { ok_ = false; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(get(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  bool boolean() {
    const auto v = u8();
    if (v > 1) fail();
    return v == 1;
  }
  double f64() {
    const std::uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint32_t len = u32();
    if (!ok_ || len > n_ - pos_) {
      fail();
      return {};
    }
    std::string s(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len;
    return s;
  }
  /// A count of items each at least `min_item_bytes` long: bounded by what is left.
  std::uint32_t count(std::size_t min_item_bytes) {
    const std::uint32_t c = u32();
    if (!ok_ || static_cast<std::uint64_t>(c) * min_item_bytes > n_ - pos_) {
      fail();
      return 0;
    }
    return c;
  }

private:
  std::uint64_t get(int n) {
    if (!ok_ || static_cast<std::size_t>(n) > n_ - pos_) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= static_cast<std::uint64_t>(p_[pos_ + i]) << (8 * i);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void put_doubles(writer& w, const std::vector<double>& v) {
  w.count(v.size());
  for (double d : v)
    w.f64(d);
}

std::vector<double> get_doubles(reader& r) {
  std::vector<double> v(r.count(8));
  for (auto& d : v)
    d = r.f64();
  return v;
}

void put_times(writer& w, const std::vector<std::int64_t>& v) {
  w.count(v.size());
  for (auto t : v)
    w.i64(t);
}

std::vector<std::int64_t> get_times(reader& r) {
  std::vector<std::int64_t> v(r.count(8));
  for (auto& t : v)
    t = r.i64();
  return v;
}

void put_strings(writer& w, const std::vector<std::string>& v) {
  w.count(v.size());
  for (const auto& s : v)
    w.str(s);
}

std::vector<std::string> get_strings(reader& r) {
  std::vector<std::string> v(r.count(4));
  for (auto& s : v)
    s = r.str();
  return v;
}

void put(writer& w, const holt_winters_state& h) {
  w.u64(h.observations);
  w.f64(h.level);
  w.f64(h.trend);
  put_doubles(w, h.season);
  put_doubles(w, h.first_season);
  w.f64(h.abs_error);
}

holt_winters_state get_holt_winters(reader& r) {
  holt_winters_state h;
  h.observations = r.u64();
  h.level = r.f64();
  h.trend = r.f64();
  h.season = get_doubles(r);
  h.first_season = get_doubles(r);
  h.abs_error = r.f64();
  return h;
}

void put(writer& w, const service_scaling& s) {
  w.boolean(s.has_policy);
  w.i32(s.min_replicas);
  w.i32(s.max_replicas);
  w.f64(s.target_cpu);
  w.i32(s.scale_down_window_s);
  w.i32(s.decided_replicas);
  w.i64(s.decided_ms);
  w.i64(s.last_sample_ms);
  w.boolean(s.has_sample);
  w.count(s.recommendations.size());
  for (const auto& x : s.recommendations) {
    w.i64(x.time_ms);
    w.i32(x.replicas);
  }
  w.count(s.changes.size());
  for (const auto& x : s.changes) {
    w.i64(x.time_ms);
    w.i32(x.delta);
  }
  put(w, s.forecaster);
  w.f64(s.cpu_per_request);
}

service_scaling get_service(reader& r) {
  service_scaling s;
  s.has_policy = r.boolean();
  s.min_replicas = r.i32();
  s.max_replicas = r.i32();
  s.target_cpu = r.f64();
  s.scale_down_window_s = r.i32();
  s.decided_replicas = r.i32();
  s.decided_ms = r.i64();
  s.last_sample_ms = r.i64();
  s.has_sample = r.boolean();
  for (std::uint32_t n = r.count(12); n > 0; --n) {
    replica_recommendation x;
    x.time_ms = r.i64();
    x.replicas = r.i32();
    s.recommendations.push_back(x);
  }
  for (std::uint32_t n = r.count(12); n > 0; --n) {
    replica_change x;
    x.time_ms = r.i64();
    x.delta = r.i32();
    s.changes.push_back(x);
  }
  s.forecaster = get_holt_winters(r);
  s.cpu_per_request = r.f64();
  // Values the logic divides by or bounds with must be sane.
  if (!(s.target_cpu > 0.0) || s.min_replicas < 0 || s.max_replicas < s.min_replicas) r.fail();
  return s;
}

void put(writer& w, const incident_record& i) {
  w.str(i.service);
  w.str(i.kind);
  w.str(i.runbook);
  w.str(i.action);
  w.i32(i.attempt);
  w.i64(i.opened_ms);
  w.i64(i.deadline_ms);
  w.i64(i.closed_ms);
  w.u8(static_cast<std::uint8_t>(i.status));
  put_strings(w, i.failed_actions);
}

incident_record get_incident(reader& r) {
  incident_record i;
  i.service = r.str();
  i.kind = r.str();
  i.runbook = r.str();
  i.action = r.str();
  i.attempt = r.i32();
  i.opened_ms = r.i64();
  i.deadline_ms = r.i64();
  i.closed_ms = r.i64();
  const auto status = r.u8();
  if (status > static_cast<std::uint8_t>(incident_status::escalated)) r.fail();
  i.status = static_cast<incident_status>(status);
  i.failed_actions = get_strings(r);
  return i;
}

void put(writer& w, const problem_record& p) {
  put_times(w, p.strikes);
  put_times(w, p.attempts);
  w.i64(p.last_incident_ms);
  w.boolean(p.has_incident);
  w.str(p.open_incident);
  w.i64(p.escalated_ms);
  w.boolean(p.escalated);
  w.u32(p.absorbed);
}

problem_record get_problem(reader& r) {
  problem_record p;
  p.strikes = get_times(r);
  p.attempts = get_times(r);
  p.last_incident_ms = r.i64();
  p.has_incident = r.boolean();
  p.open_incident = r.str();
  p.escalated_ms = r.i64();
  p.escalated = r.boolean();
  p.absorbed = r.u32();
  return p;
}

void put(writer& w, const optimization_target& t) {
  w.str(t.service);
  w.str(t.target);
  w.u32(t.observations);
  w.f64(t.sum);
  w.u32(t.streak);
  w.f64(t.extra_sum);
  w.f64(t.memory_sum);
  w.boolean(t.recommended);
  w.str(t.recommendation_id);
  w.i64(t.recommended_ms);
  w.f64(t.baseline);
  w.u32(t.after_count);
  w.f64(t.after_sum);
  w.boolean(t.judged);
}

optimization_target get_target(reader& r) {
  optimization_target t;
  t.service = r.str();
  t.target = r.str();
  t.observations = r.u32();
  t.sum = r.f64();
  t.streak = r.u32();
  t.extra_sum = r.f64();
  t.memory_sum = r.f64();
  t.recommended = r.boolean();
  t.recommendation_id = r.str();
  t.recommended_ms = r.i64();
  t.baseline = r.f64();
  t.after_count = r.u32();
  t.after_sum = r.f64();
  t.judged = r.boolean();
  return t;
}

void put(writer& w, const service_reading& x) {
  w.i64(x.time_ms);
  w.i32(x.replicas);
  w.f64(x.rps);
  w.f64(x.cpu_utilization);
  w.f64(x.latency_p95_ms);
  w.f64(x.error_rate);
}

bool sane(double v) {
  return std::isfinite(v) && v >= 0.0;
}

service_reading get_reading(reader& r) {
  service_reading x;
  x.time_ms = r.i64();
  x.replicas = r.i32();
  x.rps = r.f64();
  x.cpu_utilization = r.f64();
  x.latency_p95_ms = r.f64();
  x.error_rate = r.f64();
  // Only samples that passed the agent's checks are kept.
  if (x.replicas < 1 || !sane(x.rps) || !sane(x.cpu_utilization) || !sane(x.latency_p95_ms) ||
      !sane(x.error_rate))
    r.fail();
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
    if (!m.empty() && !(m.rbegin()->first < k)) r.fail();
    if (!r.ok()) break;
    m.emplace_hint(m.end(), std::move(k), std::move(v));
  }
  return m;
}

void put_body(writer& w, const operations_state& s) {
  put_map(w, s.services, [](writer& o, const service_scaling& v) { put(o, v); });
  put_map(w, s.healing.incidents, [](writer& o, const incident_record& v) { put(o, v); });
  put_map(w, s.healing.problems, [](writer& o, const problem_record& v) { put(o, v); });
  put_map(w, s.healing.actions, [](writer& o, const action_record& v) {
    o.u32(v.successes);
    o.u32(v.failures);
  });
  put_map(w, s.optimization.queries, [](writer& o, const optimization_target& v) { put(o, v); });
  put_map(w, s.optimization.caches, [](writer& o, const optimization_target& v) { put(o, v); });
  const auto& rt = s.runtime;
  w.count(rt.samples.size());
  for (const auto& x : rt.samples) {
    w.i64(x.time_ms);
    w.i64(x.total_lag);
    w.i32(x.instances);
    w.f64(x.events_per_s);
  }
  w.u32(rt.growth_streak);
  w.i64(rt.idle_since_ms);
  w.boolean(rt.idle);
  w.i32(rt.decided_instances);
  w.i64(rt.decided_ms);
  w.f64(rt.capacity_per_instance);
  w.u64(s.events);
  // Version 2.
  put_map(w, s.readings, [](writer& o, const service_reading& v) { put(o, v); });
}

void get_body(reader& r, std::uint32_t version, operations_state& s) {
  s.services = get_map<service_scaling>(r, get_service);
  s.healing.incidents = get_map<incident_record>(r, get_incident);
  s.healing.problems = get_map<problem_record>(r, get_problem);
  s.healing.actions = get_map<action_record>(r, [](reader& in) {
    action_record a;
    a.successes = in.u32();
    a.failures = in.u32();
    return a;
  });
  s.optimization.queries = get_map<optimization_target>(r, get_target);
  s.optimization.caches = get_map<optimization_target>(r, get_target);
  auto& rt = s.runtime;
  for (std::uint32_t n = r.count(28); n > 0 && r.ok(); --n) {
    telemetry_sample x;
    x.time_ms = r.i64();
    x.total_lag = r.i64();
    x.instances = r.i32();
    x.events_per_s = r.f64();
    rt.samples.push_back(x);
  }
  rt.growth_streak = r.u32();
  rt.idle_since_ms = r.i64();
  rt.idle = r.boolean();
  rt.decided_instances = r.i32();
  rt.decided_ms = r.i64();
  rt.capacity_per_instance = r.f64();
  s.events = r.u64();
  if (version >= 2) s.readings = get_map<service_reading>(r, get_reading);
}

} // namespace

std::vector<std::uint8_t> encode_state(const operations_state& s) {
  writer body;
  put_body(body, s);
  const auto& b = body.bytes();
  writer out;
  auto& o = out.bytes();
  o.insert(o.end(), magic, magic + 4);
  out.u32(state_encoding_version);
  out.u64(b.size());
  o.insert(o.end(), b.begin(), b.end());
  out.u64(checksum(b.data(), b.size()));
  return std::move(o);
}

std::optional<operations_state> decode_state(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size < header_size + trailer_size) return std::nullopt;
  if (std::memcmp(data, magic, 4) != 0) return std::nullopt;
  reader head(data + 4, 12);
  const std::uint32_t version = head.u32();
  if (version < 1 || version > state_encoding_version) return std::nullopt;
  const std::uint64_t body_size = head.u64();
  if (body_size != size - header_size - trailer_size) return std::nullopt;
  const std::uint8_t* body = data + header_size;
  reader tail(body + body_size, trailer_size);
  if (tail.u64() != checksum(body, static_cast<std::size_t>(body_size))) return std::nullopt;

  operations_state s;
  reader r(body, static_cast<std::size_t>(body_size));
  get_body(r, version, s);
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::operations
