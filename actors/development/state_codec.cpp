#include "actors/development/state_codec.hpp"

#include <cstring>
#include <string>
#include <string_view>

#include "schemas/envelope.hpp"

namespace aetherial::actors::development {

namespace {

constexpr char magic[4] = {'A', 'D', 'E', 'V'};
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
    count(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void strs(const std::vector<std::string>& v) {
    count(v.size());
    for (const auto& s : v)
      str(s);
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
  std::vector<std::string> strs() {
    const std::uint32_t n = count(4);
    std::vector<std::string> v;
    for (std::uint32_t i = 0; i < n && ok_; ++i)
      v.push_back(str());
    return v;
  }
  /// A sequence length, refused when the remaining bytes cannot hold that many items of at
  /// least `min_item` bytes (so corrupt counts never allocate).
  std::uint32_t count(std::size_t min_item) {
    const std::uint32_t n = u32();
    if (!ok_ || (min_item > 0 && n > (n_ - pos_) / min_item)) {
      fail();
      return 0;
    }
    return n;
  }

private:
  std::uint64_t get(std::size_t n) {
    if (!ok_ || n > n_ - pos_) {
      fail();
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
      v |= static_cast<std::uint64_t>(p_[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
  }
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void write_repo(writer& w, const repo_state& r) {
  w.count(r.tests.size());
  for (const auto& [name, t] : r.tests) {
    w.str(name);
    w.strs(t.commits);
    w.count(t.passed.size());
    for (auto p : t.passed)
      w.u8(p);
    w.u32(t.runs);
    w.u32(t.flips);
    w.u32(t.reported_flips);
  }
  w.count(r.clusters.size());
  for (const auto& [sig, c] : r.clusters) {
    w.str(sig);
    w.strs(c.tests);
    w.u32(c.count);
    w.str(c.example);
    w.i64(c.last_seen_ms);
    w.u32(c.reported_tests);
  }
  w.count(r.owners.size());
  for (const auto& [prefix, people] : r.owners) {
    w.str(prefix);
    w.count(people.size());
    for (const auto& [person, n] : people) {
      w.str(person);
      w.u32(n);
    }
  }
  w.count(r.changes.size());
  for (const auto& [id, c] : r.changes) {
    w.str(id);
    w.str(c.author);
    w.strs(c.paths);
    w.str(c.reviewer);
    w.i64(c.requested_ms);
  }
  w.count(r.open_reviews.size());
  for (const auto& [person, n] : r.open_reviews) {
    w.str(person);
    w.u32(n);
  }
  w.f64(r.baseline);
  w.u32(r.baseline_samples);
}

repo_state read_repo(reader& r) {
  repo_state s;
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string name = r.str();
    test_history t;
    t.commits = r.strs();
    for (std::uint32_t k = 0, m = r.count(1); k < m && r.ok(); ++k)
      t.passed.push_back(r.u8());
    t.runs = r.u32();
    t.flips = r.u32();
    t.reported_flips = r.u32();
    if (t.commits.size() != t.passed.size()) r.fail();
    s.tests.emplace(name, std::move(t));
  }
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string sig = r.str();
    failure_cluster c;
    c.tests = r.strs();
    c.count = r.u32();
    c.example = r.str();
    c.last_seen_ms = r.i64();
    c.reported_tests = r.u32();
    s.clusters.emplace(sig, std::move(c));
  }
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string prefix = r.str();
    auto& people = s.owners[prefix];
    for (std::uint32_t k = 0, m = r.count(4); k < m && r.ok(); ++k) {
      const std::string person = r.str();
      people[person] = r.u32();
    }
  }
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string id = r.str();
    change_record c;
    c.author = r.str();
    c.paths = r.strs();
    c.reviewer = r.str();
    c.requested_ms = r.i64();
    s.changes.emplace(id, std::move(c));
  }
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string person = r.str();
    s.open_reviews[person] = r.u32();
  }
  s.baseline = r.f64();
  s.baseline_samples = r.u32();
  return s;
}

void write_deploy(writer& w, const deploy_record& d) {
  for (const auto* s : {&d.deploy_id, &d.service, &d.environment, &d.change_id, &d.commit,
                        &d.task_id, &d.task_type, &d.conversation_id, &d.requested_by})
    w.str(*s);
  w.u8(static_cast<std::uint8_t>(d.phase));
  w.boolean(d.tests_passed);
  w.str(d.approved_by);
  w.i64(d.requested_ms);
  w.i64(d.watch_until_ms);
  w.i64(d.done_ms);
  w.f64(d.baseline);
  w.f64(d.worst);
  w.u32(d.elevated_run);
  w.boolean(d.recommended);
}

deploy_record read_deploy(reader& r) {
  deploy_record d;
  for (auto* s : {&d.deploy_id, &d.service, &d.environment, &d.change_id, &d.commit, &d.task_id,
                  &d.task_type, &d.conversation_id, &d.requested_by})
    *s = r.str();
  const auto phase = r.u8();
  if (phase > static_cast<std::uint8_t>(deploy_phase::done)) r.fail();
  d.phase = static_cast<deploy_phase>(phase);
  d.tests_passed = r.boolean();
  d.approved_by = r.str();
  d.requested_ms = r.i64();
  d.watch_until_ms = r.i64();
  d.done_ms = r.i64();
  d.baseline = r.f64();
  d.worst = r.f64();
  d.elevated_run = r.u32();
  d.recommended = r.boolean();
  return d;
}

} // namespace

std::vector<std::uint8_t> encode_state(const development_state& s) {
  writer body;
  body.u64(s.events);
  body.count(s.repos.size());
  for (const auto& [name, repo] : s.repos) {
    body.str(name);
    write_repo(body, repo);
  }
  body.count(s.deploys.size());
  for (const auto& [id, d] : s.deploys) {
    body.str(id);
    write_deploy(body, d);
  }
  body.count(s.code_requests.size());
  for (const auto& [id, c] : s.code_requests) {
    body.str(id);
    for (const auto* f :
         {&c.task_id, &c.task_type, &c.conversation_id, &c.requested_by, &c.service, &c.text})
      body.str(*f);
    body.i32(c.priority);
    body.i64(c.requested_ms);
  }

  writer out;
  for (char c : magic)
    out.u8(static_cast<std::uint8_t>(c));
  out.u32(state_encoding_version);
  out.u64(body.bytes().size());
  auto& b = out.bytes();
  b.insert(b.end(), body.bytes().begin(), body.bytes().end());
  out.u64(checksum(body.bytes().data(), body.bytes().size()));
  return std::move(out.bytes());
}

std::optional<development_state> decode_state(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size < header_size + trailer_size ||
      std::memcmp(data, magic, sizeof magic) != 0)
    return std::nullopt;
  reader head(data + 4, header_size - 4);
  if (head.u32() != state_encoding_version) return std::nullopt;
  const std::uint64_t body_size = head.u64();
  if (body_size != size - header_size - trailer_size) return std::nullopt;
  const std::uint8_t* body = data + header_size;
  reader tail(body + body_size, trailer_size);
  if (tail.u64() != checksum(body, static_cast<std::size_t>(body_size))) return std::nullopt;

  reader r(body, static_cast<std::size_t>(body_size));
  development_state s;
  s.events = r.u64();
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string name = r.str();
    s.repos.emplace(name, read_repo(r));
  }
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string id = r.str();
    s.deploys.emplace(id, read_deploy(r));
  }
  for (std::uint32_t i = 0, n = r.count(4); i < n && r.ok(); ++i) {
    const std::string id = r.str();
    code_request c;
    for (auto* f :
         {&c.task_id, &c.task_type, &c.conversation_id, &c.requested_by, &c.service, &c.text})
      *f = r.str();
    c.priority = r.i32();
    c.requested_ms = r.i64();
    s.code_requests.emplace(id, std::move(c));
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::development
