#pragma once
// The coordinator of one agent kind in one process, an actor shell: it owns the kind's
// consumer group member (membership), polls, dispatches records to the partitions' hosts and
// applies backpressure. What it decides is delegated to plain code: the per-partition
// ledger (runtime/partition.hpp), checkpoints (runtime/checkpoint.hpp), recovery
// (runtime/recovery.hpp); supervision is the supervisor's (runtime/supervisor.hpp). Runs
// detached: Kafka calls block.

#include <atomic>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "runtime/host.hpp"
#include "runtime/options.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::runtime {

/// What a coordinator needs from its node; every pointer outlives the actor system.
struct coordinator_env {
  host_env host;
  /// The producer checkpoints write through (the kind's transactional one in exactly_once;
  /// `host.sink` writes through the same one).
  topics::producer* producer = nullptr;
  topics::kafka_config kafka;
  storage::snapshot_store* store = nullptr;
  node_options options;
  /// Where the coordinator publishes its total consumer lag (records) for telemetry.
  std::atomic<std::int64_t>* lag_total = nullptr;
  /// Called once when the coordinator cannot go on (its transactional producer is unusable):
  /// the node must exit so that a restart recovers from the last committed checkpoint.
  std::function<void(const std::string&)> on_fatal;
};

/// Spawns the coordinator (detached: Kafka calls block). Messages: (start_atom) subscribes and
/// starts polling; (checkpt_atom) checkpoints every partition now and replies the number
/// checkpointed; (crash_atom, p) kills the host of partition p; (stop_atom) checkpoints, leaves
/// the group and quits.
[[nodiscard]] caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_env env);

} // namespace aetherial::runtime
