#pragma once
// The per-partition ledger of a coordinator: what was dispatched to the partition's host,
// what the host acknowledged, and the tail since the last checkpoint. Plain values, no actor,
// no broker: the coordinator drives it, the checkpoint and recovery read it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/journal.hpp"
#include "runtime/messages.hpp"
#include "storage/snapshot.hpp"

namespace aetherial::runtime {

/// A dispatched record as the ledger remembers it until the next checkpoint.
struct tail_entry {
  std::shared_ptr<const input_record> in;
  bool skipped = false; ///< dead-lettered after the agent kept throwing on it
};

/// One partition p of every input topic of one agent kind, as seen by its coordinator.
/// Owned by the coordinator from assignment to revocation.
class partition_ledger {
public:
  /// `topics`: the kind's full input topic names, in the agent's input order.
  partition_ledger(std::int32_t partition, std::vector<std::string> topics);

  [[nodiscard]] std::int32_t partition() const noexcept { return partition_; }
  [[nodiscard]] const std::vector<std::string>& topics() const noexcept { return topics_; }

  /// Whether recovery has set the starting offsets (records delivered before are held).
  [[nodiscard]] bool recovered() const noexcept { return recovered_; }

  /// Sets where consumption continues after recovery: the next offset per input topic (-1:
  /// none committed) and the journal sequence the next checkpoint writes. Clears the tail.
  void start_at(std::vector<std::int64_t> offsets, std::uint64_t journal_seq);

  /// What `accept` did with a record.
  enum class accepted {
    held,     ///< delivered before recovery finished: kept, replayed by `take_held`
    covered,  ///< already part of the recovered state: dropped
    appended, ///< appended to the tail: dispatch it
    foreign,  ///< not an input topic of this kind: dropped
  };

  /// Takes one delivered record; on `appended`, `out` is the record to dispatch.
  [[nodiscard]] accepted accept(topics::record&& r, std::shared_ptr<const input_record>& out);
  [[nodiscard]] accepted accept(topics::message&& m, std::shared_ptr<const input_record>& out);
  /// Takes a record `take_held` returned.
  [[nodiscard]] accepted accept(input_record&& in, std::shared_ptr<const input_record>& out);

  /// Records held before recovery, in delivery order (the ledger forgets them).
  [[nodiscard]] std::vector<input_record> take_held();

  /// The host acknowledged `count` more records (applied or dead-lettered as invalid).
  void acknowledge(std::size_t count) noexcept;
  /// Everything dispatched is unacknowledged again (the host is re-applying its tail).
  void unacknowledge_all() noexcept { acked_ = 0; }

  /// Marks the tail record (topic, offset) as dead-lettered; false if it is not in the tail.
  bool skip(std::string_view topic, std::int64_t offset);

  /// Records dispatched and not yet acknowledged.
  [[nodiscard]] std::size_t inflight() const noexcept { return live_ - acked_; }
  /// Non-skipped tail records, and how many of them the host acknowledged.
  [[nodiscard]] std::size_t live() const noexcept { return live_; }
  [[nodiscard]] std::size_t acknowledged() const noexcept { return acked_; }
  [[nodiscard]] bool tail_empty() const noexcept { return tail_.empty(); }

  /// The tail the host must (re)apply, in order, without dead-lettered records.
  [[nodiscard]] input_batch live_tail() const;

  /// The next offsets to consume (the dispatch position) as topic-partitions; topics with
  /// nothing consumed yet are left out.
  [[nodiscard]] std::vector<topics::topic_partition> position() const;
  /// The offsets of the last checkpoint, likewise.
  [[nodiscard]] std::vector<topics::topic_partition> checkpointed() const;
  [[nodiscard]] const std::vector<std::int64_t>& position_offsets() const noexcept {
    return position_;
  }

  /// The journal record of the tail (what was applied since the last checkpoint, in order),
  /// for `agent`; nullopt when the tail is empty.
  [[nodiscard]] std::optional<journal_entry> journal(const std::string& agent) const;
  [[nodiscard]] std::uint64_t journal_seq() const noexcept { return journal_seq_; }

  /// The checkpoint whose snapshot is `snap` is durable: the position becomes the
  /// checkpointed offsets, the tail is cleared, and `snap` is what a restarted host restores.
  void checkpoint_done(storage::snapshot snap);

  /// The state a restarted host restores before it re-applies the tail.
  [[nodiscard]] const std::optional<storage::snapshot>& last_snapshot() const noexcept {
    return last_snapshot_;
  }
  void set_last_snapshot(std::optional<storage::snapshot> s) { last_snapshot_ = std::move(s); }

private:
  /// The index of `topic` among the input topics; -1 if it is not one.
  [[nodiscard]] int topic_index(std::string_view topic) const noexcept;

  [[nodiscard]] std::vector<topics::topic_partition>
  as_topic_partitions(const std::vector<std::int64_t>& offsets) const;

  std::int32_t partition_;
  std::vector<std::string> topics_;
  bool recovered_ = false;
  std::vector<std::int64_t> position_;     ///< next offset per input topic (dispatched up to)
  std::vector<std::int64_t> checkpointed_; ///< offsets of the last checkpoint
  std::vector<tail_entry> tail_;           ///< dispatched since the last checkpoint, in order
  std::size_t live_ = 0;                   ///< non-skipped tail entries
  std::size_t acked_ = 0;                  ///< non-skipped tail entries acknowledged
  std::uint64_t journal_seq_ = 0;
  std::optional<storage::snapshot> last_snapshot_;
  std::vector<input_record> held_; ///< delivered before the partition's state was recovered
};

/// What flow control does with a partition's input.
enum class flow { keep, pause, resume };

/// Pauses a partition's input once `limit` records wait for its host (or while it is
/// quarantined) and resumes it when half of them are acknowledged, so that a slow host bounds
/// its memory without flapping.
[[nodiscard]] flow flow_control(std::size_t inflight, std::size_t limit, bool quarantined,
                                bool paused) noexcept;

} // namespace aetherial::runtime
