#pragma once
// The little binary encoding agents' snapshots are written in, shared by the agents that use
// the text building blocks.
//
// A sealed snapshot is: 4-byte magic, u32 version, u64 body length, body, u64 FNV-1a of the
// body. Integers are little-endian, doubles their IEEE-754 bits, strings and sequences a u32
// count then items, maps in key order: the same state always gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aetherial::actors::text {

/// Appends fixed-width little-endian values; lives for one encoding.
class byte_writer {
public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
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
  void strings(const std::vector<std::string>& v) {
    count(v.size());
    for (const auto& s : v)
      str(s);
  }
  void term_counts(const std::map<std::string, std::uint32_t>& m) {
    count(m.size());
    for (const auto& [k, v] : m) {
      str(k);
      u32(v);
    }
  }
  [[nodiscard]] std::vector<std::uint8_t>& bytes() noexcept { return out_; }

private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> out_;
};

/// Reads what byte_writer wrote; any overrun or impossible value sets a sticky failure and
/// yields zeros, so a decoder reads on and checks ok() once at the end.
class byte_reader {
public:
  byte_reader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ == n_; }
  void fail() noexcept { ok_ = false; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(get(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
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
  /// A finite double (snapshots never hold NaN or infinities).
  double finite() {
    const double v = f64();
    if (!(v == v) || v > 1e300 || v < -1e300) fail();
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
  std::vector<std::string> strings() {
    std::vector<std::string> v;
    for (std::uint32_t n = count(4); n > 0 && ok_; --n)
      v.push_back(str());
    return v;
  }
  /// A term -> count map; keys must be strictly increasing, as a std::map writes them.
  std::map<std::string, std::uint32_t> term_counts() {
    std::map<std::string, std::uint32_t> m;
    for (std::uint32_t n = count(8); n > 0 && ok_; --n) {
      std::string k = str();
      const std::uint32_t v = u32();
      if (!m.empty() && !(m.rbegin()->first < k)) fail();
      if (!ok_) break;
      m.emplace_hint(m.end(), std::move(k), v);
    }
    return m;
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

/// Wraps a body in magic, version, length and checksum.
[[nodiscard]] std::vector<std::uint8_t> seal(std::string_view magic, std::uint32_t version,
                                             const std::vector<std::uint8_t>& body);

/// The body of a sealed buffer, or nullopt if the magic, version, length or checksum is wrong.
[[nodiscard]] std::optional<std::pair<const std::uint8_t*, std::size_t>>
unseal(const std::uint8_t* data, std::size_t size, std::string_view magic, std::uint32_t version);

} // namespace aetherial::actors::text
