#include "schemas/partitioner.hpp"

#include <cstddef>

namespace aetherial::schemas {

std::int32_t java_murmur2(std::string_view data) noexcept {
  const std::uint32_t m = 0x5bd1e995;
  const auto length = static_cast<std::uint32_t>(data.size());
  std::uint32_t h = 0x9747b28c ^ length;
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[i]));
  };
  for (std::size_t i = 0; i + 4 <= data.size(); i += 4) {
    std::uint32_t k = byte(i) | byte(i + 1) << 8 | byte(i + 2) << 16 | byte(i + 3) << 24;
    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
  }
  const std::size_t tail = data.size() & ~std::size_t{3};
  switch (data.size() % 4) {
    case 3: h ^= byte(tail + 2) << 16; [[fallthrough]];
    case 2: h ^= byte(tail + 1) << 8; [[fallthrough]];
    case 1: h ^= byte(tail); h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

std::int32_t key_partition(std::string_view key, std::int32_t partitions) noexcept {
  if (partitions <= 0) return 0;
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(java_murmur2(key)) & 0x7fffffff) %
         partitions;
}

} // namespace aetherial::schemas
