#include "actors/orchestrator/state_codec.hpp"

#include <cstring>
#include <string>

#include "schemas/envelope.hpp"

namespace aetherial::actors::orchestrator {

namespace {

constexpr char magic[4] = {'A', 'O', 'R', 'C'};
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
  /// A confidence: a number in [0, 1].
  double unit() {
    const double v = f64();
    if (!(v >= 0.0 && v <= 1.0)) fail();
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

void put(writer& w, const turn& t) {
  w.str(t.command_id);
  w.i64(t.time_ms);
  w.str(t.intent);
  w.str(t.text);
  w.str(t.outcome);
}

turn get_turn(reader& r) {
  turn t;
  t.command_id = r.str();
  t.time_ms = r.i64();
  t.intent = r.str();
  t.text = r.str();
  t.outcome = r.str();
  return t;
}

void put(writer& w, const conversation& c) {
  w.str(c.principal);
  w.str(c.role);
  w.i64(c.started_ms);
  w.i64(c.last_ms);
  w.u64(c.commands);
  w.count(c.turns.size());
  for (const auto& t : c.turns)
    put(w, t);
  const auto& d = c.draft;
  w.boolean(d.active);
  w.str(d.topic);
  w.count(d.topics.size());
  for (const auto& x : d.topics)
    w.str(x);
  w.boolean(d.quizzes);
  w.f64(d.confidence);
  w.i64(d.opened_ms);
}

conversation get_conversation(reader& r) {
  conversation c;
  c.principal = r.str();
  c.role = r.str();
  c.started_ms = r.i64();
  c.last_ms = r.i64();
  c.commands = r.u64();
  for (std::uint32_t n = r.count(28); n > 0 && r.ok(); --n)
    c.turns.push_back(get_turn(r));
  auto& d = c.draft;
  d.active = r.boolean();
  d.topic = r.str();
  for (std::uint32_t n = r.count(4); n > 0 && r.ok(); --n)
    d.topics.push_back(r.str());
  d.quizzes = r.boolean();
  d.confidence = r.unit();
  d.opened_ms = r.i64();
  if (c.last_ms < c.started_ms) r.fail();
  return c;
}

void put(writer& w, const pending_task& t) {
  w.str(t.conversation_id);
  w.str(t.correlation);
  w.str(t.command_id);
  w.str(t.intent);
  w.str(t.agent);
  w.str(t.task_type);
  w.i32(t.priority);
  w.f64(t.confidence);
  w.str(t.principal);
  w.i64(t.issued_ms);
  w.i64(t.deadline_ms);
}

pending_task get_task(reader& r) {
  pending_task t;
  t.conversation_id = r.str();
  t.correlation = r.str();
  t.command_id = r.str();
  t.intent = r.str();
  t.agent = r.str();
  t.task_type = r.str();
  t.priority = r.i32();
  t.confidence = r.unit();
  t.principal = r.str();
  t.issued_ms = r.i64();
  t.deadline_ms = r.i64();
  if (t.priority < 0 || t.priority > 9 || t.deadline_ms < t.issued_ms) r.fail();
  return t;
}

void put(writer& w, const pending_effect& e) {
  w.str(e.conversation_id);
  w.str(e.correlation);
  w.str(e.command_id);
  w.str(e.intent);
  w.str(e.kind);
  w.f64(e.confidence);
  w.str(e.principal);
  w.i64(e.issued_ms);
  w.i64(e.deadline_ms);
}

pending_effect get_effect(reader& r) {
  pending_effect e;
  e.conversation_id = r.str();
  e.correlation = r.str();
  e.command_id = r.str();
  e.intent = r.str();
  e.kind = r.str();
  e.confidence = r.unit();
  e.principal = r.str();
  e.issued_ms = r.i64();
  e.deadline_ms = r.i64();
  if (e.deadline_ms < e.issued_ms) r.fail();
  return e;
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

void put_body(writer& w, const orchestrator_state& s) {
  put_map(w, s.conversations, [](writer& o, const conversation& v) { put(o, v); });
  put_map(w, s.tasks, [](writer& o, const pending_task& v) { put(o, v); });
  put_map(w, s.effects, [](writer& o, const pending_effect& v) { put(o, v); });
  put_map(w, s.stats, [](writer& o, const route_stats& v) {
    o.u32(v.successes);
    o.u32(v.failures);
  });
  w.i64(s.watermark_ms);
  w.i64(s.next_sweep_ms);
  w.u64(s.events);
  w.u64(s.commands);
  w.u64(s.refusals);
}

void get_body(reader& r, orchestrator_state& s) {
  s.conversations = get_map<conversation>(r, get_conversation);
  s.tasks = get_map<pending_task>(r, get_task);
  s.effects = get_map<pending_effect>(r, get_effect);
  s.stats = get_map<route_stats>(r, [](reader& in) {
    route_stats x;
    x.successes = in.u32();
    x.failures = in.u32();
    return x;
  });
  s.watermark_ms = r.i64();
  s.next_sweep_ms = r.i64();
  s.events = r.u64();
  s.commands = r.u64();
  s.refusals = r.u64();
}

} // namespace

std::vector<std::uint8_t> encode_state(const orchestrator_state& s) {
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

std::optional<orchestrator_state> decode_state(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size < header_size + trailer_size) return std::nullopt;
  if (std::memcmp(data, magic, 4) != 0) return std::nullopt;
  reader head(data + 4, 12);
  if (head.u32() != state_encoding_version) return std::nullopt;
  const std::uint64_t body_size = head.u64();
  if (body_size != size - header_size - trailer_size) return std::nullopt;
  const std::uint8_t* body = data + header_size;
  reader tail(body + body_size, trailer_size);
  if (tail.u64() != checksum(body, static_cast<std::size_t>(body_size))) return std::nullopt;

  orchestrator_state s;
  reader r(body, static_cast<std::size_t>(body_size));
  get_body(r, s);
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::orchestrator
