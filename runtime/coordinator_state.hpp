#pragma once
// The coordinator's state and the helpers its files share (runtime/coordinator.cpp: the
// actor shell; runtime/coordinator_checkpoint.cpp: taking checkpoints). Internal to runtime/.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/checkpoint.hpp"
#include "runtime/clock.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/crash_guard.hpp"
#include "runtime/partition.hpp"

namespace aetherial::runtime {

/// A partition as the coordinator holds it: the ledger plus its host and flow control.
struct partition_slot {
  partition_slot(std::int32_t p, std::vector<std::string> topics) : ledger(p, std::move(topics)) {}
  partition_ledger ledger;
  caf::actor host;
  bool host_ready = false;
  bool quarantined = false;
  bool paused = false;
  std::size_t assigned_topics = 0;
  steady_clock::time_point last_checkpoint = steady_clock::now();
  /// Set at recovery (exactly_once): checkpoint as soon as there is something new, not after the
  /// interval, so that a process restarting often still makes progress.
  bool checkpoint_soon = false;
  /// The crash guard's verdict at recovery (runtime/crash_guard.hpp): note each live record
  /// before applying it until the next checkpoint, and the record to dead-letter, if any.
  bool careful = false;
  std::optional<crash_verdict> poison;
  /// A checkpoint whose table changes the local store could not take (a full disk): the
  /// snapshot and every change since the rows last stored, written when the store can again.
  /// Until then the rows lag the committed checkpoint, so only the host holding the changes
  /// may go on; anything that would restart it from the rows restarts the node instead.
  struct unstored_tables {
    storage::snapshot snap;
    std::vector<storage::encoded_row> rows;
    std::uint64_t handover = 0;
  };
  std::optional<unstored_tables> unstored;
};

/// State of the coordinator actor (its partitions, consumer and supervisor).
struct coordinator_state {
  coordinator_env env;
  std::unique_ptr<topics::consumer> consumer;
  std::unique_ptr<topics::rebalance_listener> listener;
  std::unique_ptr<kafka_checkpoint_io> io;
  std::unique_ptr<crash_guard> guard;
  caf::actor supervisor;
  std::vector<std::string> input_topics; ///< full names, in the agent's input order
  std::map<std::int32_t, partition_slot> parts;
  bool stopping = false;
  bool failed = false;
  steady_clock::time_point next_lag_update{};
  /// The local store's write failure while it lasts: every partition is paused until a probe
  /// of the store succeeds (runtime/coordinator_checkpoint.cpp, watch_storage).
  std::optional<std::string> storage_fault;
  steady_clock::time_point next_storage_probe{};
  std::chrono::milliseconds storage_backoff{0};
  static inline const char* name = "aetherial.coordinator";
};

namespace coordinator_detail {

using self_ptr = caf::stateful_actor<coordinator_state>*;

[[nodiscard]] const std::string& agent_name(self_ptr self);
[[nodiscard]] bool exactly_once(self_ptr self);
[[nodiscard]] std::vector<topics::topic_partition> all_topic_partitions(self_ptr self,
                                                                        std::int32_t p);
void update_backpressure(self_ptr self, std::int32_t p, partition_slot& slot);
/// The node cannot go on: stop working and tell it (it is started again, or exits).
void fail(self_ptr self, const std::string& reason);

/// When a partition's table rows lag its last checkpoint (`partition_slot::unstored`), fails
/// the node, saying it cannot `to_do`, and returns true: only a recovery may go on then.
bool must_restart_node(self_ptr self, const std::string& to_do);
/// at_least_once: checkpoints one partition; false when it could not.
bool checkpoint_partition(self_ptr self, partition_slot& slot);
/// exactly_once: every partition of the kind in one transaction; returns how many.
int checkpoint_transaction(self_ptr self);
/// The partition's checkpoint in either guarantee.
bool checkpoint(self_ptr self, partition_slot& slot);
/// Every partition; returns how many were checkpointed.
int checkpoint_all(self_ptr self);
/// Checkpoints what is due (record count, interval, or right after a recovery).
void maybe_checkpoint(self_ptr self);
/// Pauses every partition when the local store fails to write (disk full, read-only), probes
/// it with backoff, and resumes once it works again.
void watch_storage(self_ptr self);

} // namespace coordinator_detail
} // namespace aetherial::runtime
