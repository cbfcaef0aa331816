#pragma once
// The changelog: every table row a checkpoint changed, as a record on the compacted topic
// aetherial.changelog, so that a node without the rows (the partition moved, the disk was
// lost) restores them instead of rebuilding the partition from the log.
//
// Record: partition = the agent's partition; key = agent NUL table NUL row key; value = the
// row as the snapshot store keeps it (sealed with the store's cipher when there is one), null
// when the row was erased (a tombstone compaction removes); header `aetherial-seq` = the
// journal seq of the checkpoint's snapshot (decimal). A checkpoint writes its rows before its
// snapshot record, in the same transaction under exactly_once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "schemas/result.hpp"
#include "storage/snapshot.hpp"
#include "topics/kafka.hpp"

namespace aetherial::storage {
class snapshot_store;
}

namespace aetherial::runtime {

/// Name of the header that carries a changelog record's checkpoint seq.
inline constexpr std::string_view changelog_seq_name = "aetherial-seq";

/// The record key of a row.
[[nodiscard]] std::string changelog_key(std::string_view agent, std::string_view table,
                                        std::string_view key);

/// The header tagging a record with its checkpoint's journal seq.
[[nodiscard]] topics::header changelog_seq_header(std::uint64_t seq);

/// One changelog record of an agent, read back: views into the record.
struct changelog_row {
  std::string_view table;
  std::string_view key;
  std::uint64_t seq = 0;
  std::optional<std::string_view> stored; ///< nullopt: erased
};

/// Parses a record of the changelog: nullopt when it belongs to another agent; an error when
/// it is not a changelog record (no seq header, no table in the key). The row views `r`'s
/// bytes.
[[nodiscard]] result<std::optional<changelog_row>>
parse_changelog_record(const topics::record_view& r, std::string_view agent);

/// What a restore from the changelog did.
struct changelog_restore {
  bool restored = false;   ///< the store holds `s` and its rows at it
  std::size_t records = 0; ///< changelog records read (every agent's)
  std::size_t rows = 0;    ///< rows of the agent applied
  std::string why_not;     ///< when not restored: why (the log is rebuilt instead)
};

/// Makes the local rows of `s`'s (agent, partition) those of snapshot `s`, from the changelog
/// topic's partition: the rows are cleared, every record of the agent with a seq up to `s`'s
/// applied in order (in batches), and `s` stored with them (so `tables_at` is `s`). When a
/// row newer than `s` is found, the rows at `s` are gone (compaction keeps the newest): the
/// rows are cleared again and nothing is restored. Errors: the topic or the store failed.
[[nodiscard]] result<changelog_restore> restore_from_changelog(const topics::kafka_config& cfg,
                                                               const std::string& changelog_topic,
                                                               storage::snapshot_store& store,
                                                               const storage::snapshot& s);

} // namespace aetherial::runtime
