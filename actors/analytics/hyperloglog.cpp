#include "actors/analytics/hyperloglog.hpp"

#include <algorithm>
#include <cmath>

namespace aetherial::actors::analytics {

void hyperloglog::add(std::uint64_t hash) noexcept {
  const auto index = static_cast<std::size_t>(hash >> (64 - hll_precision));
  std::uint64_t rest = hash << hll_precision;
  std::uint8_t rank = 1;
  while (rank < hll_max_rank && (rest & (std::uint64_t{1} << 63)) == 0) {
    ++rank;
    rest <<= 1;
  }
  registers_[index] = std::max(registers_[index], rank);
}

void hyperloglog::merge(const hyperloglog& other) noexcept {
  for (std::size_t i = 0; i < hll_registers; ++i)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
}

double hyperloglog::estimate() const noexcept {
  const double m = static_cast<double>(hll_registers);
  double sum = 0.0;
  std::size_t zeros = 0;
  for (std::uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    if (r == 0) ++zeros;
  }
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / static_cast<double>(zeros));
  return raw; // 64-bit hashes need no large-range correction
}

bool hyperloglog::valid(const std::vector<std::uint8_t>& registers) noexcept {
  return registers.size() == hll_registers &&
         std::all_of(registers.begin(), registers.end(),
                     [](std::uint8_t r) { return r <= hll_max_rank; });
}

} // namespace aetherial::actors::analytics
