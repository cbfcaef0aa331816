// The detector's snapshot: a versioned, checksummed byte layout of its state, and its
// restore under the same config.

#include "actors/anomaly/detector.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace aetherial::actors::anomaly {

namespace {

class writer {
public:
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
  }
  void doubles(const std::vector<double>& v) {
    u64(v.size());
    for (double d : v)
      f64(d);
  }
  void counts(const std::vector<std::uint32_t>& v) {
    u64(v.size());
    for (auto c : v)
      u32(c);
  }
  [[nodiscard]] std::vector<std::uint8_t>& bytes() { return out_; }

private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> out_;
};

class reader {
public:
  reader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] bool at_end() const { return pos_ == n_; }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  double f64() {
    const std::uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::vector<double> doubles(std::size_t max) {
    const std::uint64_t n = u64();
    if (!ok_ || n > max || n > (n_ - pos_) / 8) {
      ok_ = false;
      return {};
    }
    std::vector<double> v(static_cast<std::size_t>(n));
    for (auto& d : v)
      d = f64();
    return v;
  }
  std::vector<std::uint32_t> counts(std::size_t max) {
    const std::uint64_t n = u64();
    if (!ok_ || n > max || n > (n_ - pos_) / 4) {
      ok_ = false;
      return {};
    }
    std::vector<std::uint32_t> v(static_cast<std::size_t>(n));
    for (auto& c : v)
      c = u32();
    return v;
  }

private:
  std::uint64_t get(std::size_t n) {
    if (!ok_ || n > n_ - pos_) {
      ok_ = false;
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

constexpr char magic[4] = {'A', 'A', 'N', 'M'};

/// FNV-1a over the snapshot body.
std::uint64_t checksum(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

/// What in a config shapes the state's layout: a snapshot only restores under the same.
std::uint64_t layout_fingerprint(const detector_config& c) {
  writer w;
  w.u32(c.history);
  w.u32(c.short_window);
  w.u32(c.long_window);
  w.i64(c.day_ms);
  w.u32(c.max_profile_slots);
  w.u32(c.shape_length);
  w.u32(c.shape_history);
  return checksum(w.bytes().data(), w.bytes().size());
}

} // namespace

std::vector<std::uint8_t> detector::snapshot() const {
  writer body;
  body.u64(layout_fingerprint(config_));
  body.u64(points_);
  body.i64(last_time_ms_);
  body.i64(step_ms_);
  body.f64(previous_);
  body.doubles(recent_);
  body.u64(recent_head_);
  for (const auto& c : calibrators_) {
    body.doubles(c.ring());
    body.u64(c.head());
  }
  for (const profile* p : {&daily_, &weekly_}) {
    body.i64(p->slot_ms);
    body.doubles(p->level);
    body.counts(p->seen);
  }
  body.doubles(shapes_);
  body.u64(shapes_head_);
  body.u64(shapes_count_);
  body.f64(recent_max_);
  body.f64(last_surprise_);
  body.u32(static_cast<std::uint32_t>(last_cause_));

  writer out;
  for (char c : magic)
    out.bytes().push_back(static_cast<std::uint8_t>(c));
  out.u32(snapshot_version);
  out.u64(body.bytes().size());
  auto& b = out.bytes();
  b.insert(b.end(), body.bytes().begin(), body.bytes().end());
  out.u64(checksum(body.bytes().data(), body.bytes().size()));
  return std::move(out.bytes());
}

bool detector::restore(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t header = 4 + 4 + 8;
  if (data == nullptr || size < header + 8 || std::memcmp(data, magic, 4) != 0) return false;
  reader head(data + 4, 12);
  if (head.u32() != snapshot_version) return false;
  const std::uint64_t body_size = head.u64();
  if (body_size != size - header - 8) return false;
  const std::uint8_t* body = data + header;
  reader tail(body + body_size, 8);
  if (tail.u64() != checksum(body, static_cast<std::size_t>(body_size))) return false;

  reader r(body, static_cast<std::size_t>(body_size));
  if (r.u64() != layout_fingerprint(config_)) return false;
  detector next(config_);
  next.points_ = r.u64();
  next.last_time_ms_ = r.i64();
  next.step_ms_ = r.i64();
  next.previous_ = r.f64();
  next.recent_ = r.doubles(recent_.size());
  next.recent_head_ = static_cast<std::size_t>(r.u64());
  if (!r.ok() || next.recent_.size() != recent_.size() || next.recent_head_ >= recent_.size())
    return false;
  for (auto& c : next.calibrators_) {
    auto ring = r.doubles(config_.history);
    const auto h = static_cast<std::size_t>(r.u64());
    if (!r.ok() || !c.assign(std::move(ring), h)) return false;
  }
  const std::size_t max_slots = config_.max_profile_slots + 1;
  for (profile* p : {&next.daily_, &next.weekly_}) {
    p->slot_ms = r.i64();
    p->level = r.doubles(max_slots);
    p->seen = r.counts(max_slots);
    if (!r.ok() || p->level.size() != p->seen.size() || p->slot_ms < 0 ||
        (p->slot_ms == 0) != p->level.empty())
      return false;
  }
  const std::size_t shape_cells =
      static_cast<std::size_t>(config_.shape_history) * config_.shape_length;
  next.shapes_ = r.doubles(shape_cells);
  next.shapes_head_ = static_cast<std::size_t>(r.u64());
  next.shapes_count_ = static_cast<std::size_t>(r.u64());
  next.recent_max_ = r.f64();
  next.last_surprise_ = r.f64();
  const std::uint32_t cause = r.u32();
  if (!r.ok() || !r.at_end() || cause >= statistic_count) return false;
  if (!next.shapes_.empty() && next.shapes_.size() != shape_cells) return false;
  if (next.shapes_count_ > config_.shape_history ||
      (config_.shape_history > 0 && next.shapes_head_ >= config_.shape_history) ||
      (next.shapes_.empty() && next.shapes_count_ != 0))
    return false;
  next.last_cause_ = static_cast<statistic>(cause);
  *this = std::move(next);
  return true;
}

} // namespace aetherial::actors::anomaly
