#pragma once
// Breaking crash loops. A record that kills the process (not an exception the supervisor can
// catch: a crash, an abort, the kernel's OOM killer) is redelivered after every restart and
// would kill every incarnation. The guard remembers durably, per partition, where each
// recovery started; a recovery from the same position as the last one means the process
// died before it could checkpoint, so the partition is applied carefully: the offset of each
// live record is noted in the store's write-ahead log before the record is applied. The record
// found in flight at `retry_limit` such deaths is dead-lettered and skipped, like one the agent
// keeps throwing on. Progress (a checkpoint past the position) clears the marker.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/snapshot_store.hpp"

namespace aetherial::runtime {

/// What is kept durably per partition (storage's marker).
struct crash_marker {
  std::vector<std::int64_t> position; ///< next offset per input topic at the last recovery
  std::uint32_t recoveries = 0;       ///< recoveries from `position` in a row
  int applying_topic = -1;            ///< careful mode: the record being applied (-1: none)
  std::int64_t applying_offset = -1;
  int suspect_topic = -1; ///< the record in flight at earlier deaths (-1: none)
  std::int64_t suspect_offset = -1;
  std::uint32_t suspect_deaths = 0;
  bool clean = false; ///< the partition was checkpointed and let go at `position` in order

  friend bool operator==(const crash_marker& a, const crash_marker& b) {
    return a.position == b.position && a.recoveries == b.recoveries &&
           a.applying_topic == b.applying_topic && a.applying_offset == b.applying_offset &&
           a.suspect_topic == b.suspect_topic && a.suspect_offset == b.suspect_offset &&
           a.suspect_deaths == b.suspect_deaths && a.clean == b.clean;
  }
};

[[nodiscard]] std::vector<std::uint8_t> encode_marker(const crash_marker& m);
/// nullopt for bytes not written by encode_marker (treated as no marker).
[[nodiscard]] std::optional<crash_marker> decode_marker(const std::vector<std::uint8_t>& bytes);

/// The decision at one recovery.
struct crash_verdict {
  bool careful = false; ///< note each live record durably before applying it
  bool poison = false;  ///< dead-letter the record (topic, offset) when it comes
  int topic = -1;       ///< index of the input topic of the poison record
  std::int64_t offset = -1;
  std::uint32_t deaths = 0; ///< process deaths while applying it
  crash_marker marker;      ///< what to keep now
};

/// Plain logic: the verdict for a recovery from `position`, given the marker kept so far.
[[nodiscard]] crash_verdict decide_recovery(const std::optional<crash_marker>& previous,
                                            const std::vector<std::int64_t>& position,
                                            int retry_limit);

/// The markers of one agent kind's partitions, kept in the snapshot store. Thread-safe:
/// the coordinator and the hosts call it.
class crash_guard {
public:
  crash_guard(storage::snapshot_store& store, std::string agent, int retry_limit)
      : store_(store), agent_(std::move(agent)), retry_limit_(retry_limit) {}

  /// At recovery of partition `p` from `position`: decides, and keeps the new marker.
  crash_verdict on_recovery(std::int32_t p, const std::vector<std::int64_t>& position);
  /// Careful mode: the record (topic index, offset) of `p` is about to be applied.
  void applying(std::int32_t p, int topic, std::int64_t offset);
  /// `p` checkpointed at `position`: the crash history starts again from there.
  void checkpointed(std::int32_t p, const std::vector<std::int64_t>& position);
  /// `p` was checkpointed at `position` and let go in order (stop, revocation): recovering
  /// from there is no sign of a crash.
  void released(std::int32_t p, const std::vector<std::int64_t>& position);

private:
  void keep(std::int32_t p, const crash_marker& m);

  storage::snapshot_store& store_;
  std::string agent_;
  int retry_limit_;
  std::mutex mutex_;
  std::map<std::int32_t, crash_marker> markers_;
};

} // namespace aetherial::runtime
