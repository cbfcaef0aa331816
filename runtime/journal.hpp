#pragma once
// The processing-order journal: which input records a host applied, in which order.
// Written at every checkpoint; read back by recovery (replay from an older snapshot) and
// by the audit, so both apply exactly what the live host applied, in the same order.

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

/// Reads `topic` (every partition, committed records only) from its start to its end,
/// calling `each` for every record; returns how many were read.
[[nodiscard]] result<std::size_t> read_topic(const topics::kafka_config& cfg,
                                             const std::string& topic,
                                             const std::function<void(topics::record&)>& each,
                                             const std::function<void(std::size_t)>& progress = {});

/// Appends a record to a segment list, extending the last segment when it continues it.
void journal_append(std::vector<journal_segment>& segments, int topic_index, std::int64_t offset);

[[nodiscard]] std::vector<std::uint8_t> encode_journal(const journal_entry& e);
[[nodiscard]] result<journal_entry> decode_journal(const std::uint8_t* data, std::size_t size);

/// Journal records per partition and seq (a later record with the same seq supersedes an
/// earlier one: it was rewritten after a crash lost the first one's checkpoint).
using journal_index = std::map<std::int32_t, std::map<std::uint64_t, journal_entry>>;

/// Reads the whole journal topic once, for every agent kind.
[[nodiscard]] result<std::map<std::string, journal_index>>
read_journals(const topics::kafka_config& cfg, const std::string& journal_topic,
              const std::function<void(std::size_t)>& progress = {});

/// Reads the whole journal topic and keeps `agent`'s records. Progress goes to `progress`
/// (may be empty).
[[nodiscard]] result<journal_index>
read_journal(const topics::kafka_config& cfg, const std::string& journal_topic,
             const std::string& agent, const std::function<void(std::size_t)>& progress = {});

/// Fetches the input records the segments name, in journal order. `input_topics` are full
/// topic names indexed like the agent's inputs. Fails if a record the journal names is gone.
[[nodiscard]] result<input_batch>
fetch_journaled_inputs(const topics::kafka_config& cfg,
                       const std::vector<std::string>& input_topics, std::int32_t partition,
                       const std::vector<const journal_entry*>& entries);

/// The newest snapshot of (agent, partition) on the snapshot topic that decodes and satisfies
/// `accept`; used when the local store has none (the partition moved from another node).
[[nodiscard]] result<std::optional<storage::snapshot>>
read_snapshot_topic(const topics::kafka_config& cfg, const std::string& snapshot_topic,
                    const std::string& agent, std::int32_t partition,
                    const std::function<bool(const storage::snapshot&)>& accept);

} // namespace aetherial::runtime
