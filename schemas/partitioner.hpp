#pragma once
// Where a keyed record belongs: the partition the Java client's default partitioner picks
// (murmur2 of the key bytes, sign bit cleared, modulo the partition count), which librdkafka
// picks with `partitioner=murmur2_random` and every Aetherial producer uses. Agents rely on
// it: all the events of one key must reach the partition that keeps its state.

#include <cstdint>
#include <string_view>

namespace aetherial::schemas {

/// The Java client's Utils.murmur2 of `key`.
[[nodiscard]] std::int32_t java_murmur2(std::string_view key) noexcept;

/// The partition of `key` among `partitions` (> 0) as the Java client chooses it.
[[nodiscard]] std::int32_t key_partition(std::string_view key, std::int32_t partitions) noexcept;

} // namespace aetherial::schemas
