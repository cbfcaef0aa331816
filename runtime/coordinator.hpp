#pragma once
// The coordinator of one agent kind in one process: owns its consumer group member, tracks
// per partition what was dispatched and acknowledged, recovers hosts, checkpoints (journal,
// snapshot, offsets), and applies backpressure. Runs detached: Kafka calls block.

#include <atomic>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "runtime/options.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::runtime {

/// What a coordinator needs from its node; every pointer outlives the actor system.
struct coordinator_env {
  host_env host;
  topics::kafka_config kafka;
  storage::snapshot_store* store = nullptr;
  node_options options;
  /// Where the coordinator publishes its total consumer lag (records) for telemetry.
  std::atomic<std::int64_t>* lag_total = nullptr;
};

/// Spawns the coordinator (detached: Kafka calls block). Messages: (start_atom) subscribes and
/// starts polling; (checkpt_atom) checkpoints every partition now and replies the number
/// checkpointed; (crash_atom, p) kills the host of partition p; (stop_atom) checkpoints, leaves the
/// group and quits.
[[nodiscard]] caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_env env);

} // namespace aetherial::runtime
