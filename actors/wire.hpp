#pragma once
// Fixed-width little-endian encoding of agent state, and the envelope around a snapshot.
//
// Layout of a snapshot: 4-byte magic, u32 version, u64 body length, body, u64 FNV-1a of the
// body. Integers are little-endian, doubles their IEEE-754 bits, strings and sequences a u32
// count then items: the same state always gives the same bytes.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemas/envelope.hpp"

namespace aetherial::actors::wire {

/// Appends fixed-width little-endian values; owned by one encode call.
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
  void str(std::string_view s) {
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

/// Reads what `writer` wrote; any overrun or impossible value sets a sticky failure.
class reader {
public:
  reader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] bool at_end() const { return pos_ == n_; }
  void fail() { ok_ = false; }
  /// Fails unless `condition` holds; for values the logic relies on.
  void check(bool condition) {
    if (!condition) ok_ = false;
  }
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
  /// A finite double (NaN and infinities are corrupt state).
  double f64() {
    const std::uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) {
      fail();
      return 0.0;
    }
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

/// Wraps an encoded body as magic, version, length, body, checksum.
[[nodiscard]] inline std::vector<std::uint8_t> seal(const char (&magic)[5], std::uint32_t version,
                                                    const std::vector<std::uint8_t>& body) {
  writer out;
  auto& o = out.bytes();
  o.insert(o.end(), magic, magic + 4);
  out.u32(version);
  out.u64(body.size());
  o.insert(o.end(), body.begin(), body.end());
  out.u64(
      schemas::fnv1a(std::string_view(reinterpret_cast<const char*>(body.data()), body.size())));
  return std::move(o);
}

/// The body of a sealed snapshot, or nullopt if magic, version, length or checksum is wrong.
[[nodiscard]] inline std::optional<std::pair<const std::uint8_t*, std::size_t>>
unseal(const char (&magic)[5], std::uint32_t version, const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t header = 16;
  constexpr std::size_t trailer = 8;
  if (data == nullptr || size < header + trailer) return std::nullopt;
  if (std::memcmp(data, magic, 4) != 0) return std::nullopt;
  reader head(data + 4, 12);
  if (head.u32() != version) return std::nullopt;
  if (head.u64() != size - header - trailer) return std::nullopt;
  const std::uint8_t* body = data + header;
  const std::size_t body_size = size - header - trailer;
  reader tail(body + body_size, trailer);
  if (tail.u64() !=
      schemas::fnv1a(std::string_view(reinterpret_cast<const char*>(body), body_size)))
    return std::nullopt;
  return std::make_pair(body, body_size);
}

} // namespace aetherial::actors::wire
