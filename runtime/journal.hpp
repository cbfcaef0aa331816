#pragma once
// The processing-order journal: which input records a host applied, in which order.
// Written at every checkpoint; read back by recovery (replay from an older snapshot) and
// by the audit, so both apply exactly what the live host applied, in the same order. This
// file holds the record format; runtime/recovery.hpp reads it from Kafka.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/messages.hpp"
#include "schemas/result.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// A run of `count` records of one input topic, starting at the first record whose offset
/// is at least `first_offset` (offsets may have gaps, e.g. transaction markers).
struct journal_segment {
  int topic_index = 0;
  std::int64_t first_offset = 0;
  std::int32_t count = 0;
};

/// One journal record of one host.
struct journal_entry {
  std::string agent;
  std::int32_t partition = 0;
  std::uint64_t seq = 0;
  std::vector<topics::topic_partition> begin; ///< input offsets at the checkpoint it starts at
  std::vector<journal_segment> segments;
};

/// Appends a record to a segment list, extending the last segment when it continues it.
void journal_append(std::vector<journal_segment>& segments, int topic_index, std::int64_t offset);

[[nodiscard]] std::vector<std::uint8_t> encode_journal(const journal_entry& e);
[[nodiscard]] result<journal_entry> decode_journal(const std::uint8_t* data, std::size_t size);

/// Journal records per partition and seq (a later record with the same seq supersedes an
/// earlier one: it was rewritten after a crash lost the first one's checkpoint).
using journal_index = std::map<std::int32_t, std::map<std::uint64_t, journal_entry>>;

} // namespace aetherial::runtime
