#pragma once
// Bounds on inbound records (schemas/validate.hpp checks them). A light header: options
// and tools include it without FlatBuffers.

#include <cstddef>
#include <cstdint>

namespace aetherial::schemas {

/// Default upper bound on an inbound record's size (1 MiB).
inline constexpr std::size_t default_max_event_bytes = 1u << 20;

/// The schema major version this build reads; envelopes of another major are refused.
inline constexpr std::uint16_t schema_major = 1;

/// Bounds on inbound records. The live node, recovery and the audit must use the same
/// values: a record outside them is dead-lettered instead of applied.
struct input_limits {
  std::size_t max_event_bytes = default_max_event_bytes; ///< record value size
  std::size_t max_string_bytes = 64u * 1024u;            ///< any string without a declared max_len
  std::int64_t min_event_time_ms = 0;                    ///< 1970-01-01T00:00:00Z
  std::int64_t max_event_time_ms = 4102444800000;        ///< 2100-01-01T00:00:00Z (exclusive)
  std::size_t max_output_bytes = 1000000; ///< an emitted event larger than this is refused
  /// Input event ids remembered per (agent kind, partition): an input whose id is among them
  /// is dead-lettered as a duplicate. 0 turns the check off. Kept in snapshots.
  std::size_t duplicate_window = 1000;
};

} // namespace aetherial::schemas
