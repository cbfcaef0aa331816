#pragma once
// HyperLogLog distinct counting over 64-bit keyed hashes (Flajolet et al., 2007), with the
// linear-counting correction for small sets. Precision 12: 4,096 one-byte registers, a
// standard error of 1.04 / sqrt(4096) = 1.6 %.

#include <cstdint>
#include <utility>
#include <vector>

namespace aetherial::actors::analytics {

/// Register index bits.
inline constexpr unsigned hll_precision = 12;
/// Registers per sketch.
inline constexpr std::size_t hll_registers = std::size_t{1} << hll_precision;
/// Largest value a register can hold (leading zeros of the remaining 52 bits, plus one).
inline constexpr std::uint8_t hll_max_rank = 64 - hll_precision + 1;

/// A HyperLogLog sketch; owned by the day bucket it counts.
class hyperloglog {
public:
  hyperloglog() : registers_(hll_registers, 0) {}
  /// A sketch over persisted registers (must be hll_registers long, each <= hll_max_rank).
  explicit hyperloglog(std::vector<std::uint8_t> registers) : registers_(std::move(registers)) {}

  void add(std::uint64_t hash) noexcept;
  /// Register-wise maximum: afterwards this sketch counts the union.
  void merge(const hyperloglog& other) noexcept;
  /// The estimated number of distinct hashes added.
  [[nodiscard]] double estimate() const noexcept;

  [[nodiscard]] const std::vector<std::uint8_t>& registers() const noexcept { return registers_; }
  /// Whether persisted registers are well-formed.
  [[nodiscard]] static bool valid(const std::vector<std::uint8_t>& registers) noexcept;

private:
  std::vector<std::uint8_t> registers_;
};

} // namespace aetherial::actors::analytics
