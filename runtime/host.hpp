#pragma once
// The host actor: runs one agent instance for one (agent kind, partition).

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/agent.hpp"
#include "runtime/crash_guard.hpp"
#include "runtime/event_window.hpp"
#include "runtime/host_tables.hpp"
#include "runtime/identity.hpp"
#include "runtime/messages.hpp"
#include "runtime/metrics.hpp"
#include "runtime/sink.hpp"
#include "runtime/state_spill.hpp"
#include "schemas/limits.hpp"
#include "topics/catalog.hpp"

namespace aetherial::runtime {

/// What a host needs from its node; every pointer outlives the actor system.
struct host_env {
  const actors::agent_kind* kind = nullptr;
  record_sink* sink = nullptr; ///< decisions and dead letters (the transaction in exactly_once)
  const topics::catalog* catalog = nullptr;
  runtime::metrics* metrics = nullptr;
  schemas::input_limits limits;
  const actors::agent_settings* settings = nullptr;
  crash_guard* guard = nullptr; ///< notes records applied in careful mode (runtime/crash_guard)
  const identity_verifier* identities = nullptr;  ///< verifies identity tokens (the node's)
  const storage::snapshot_store* store = nullptr; ///< rows of the agent's tables (null: none)
  /// Partitions of each input topic, by topic index (the kind's input order): a keyed record
  /// on another partition than its key's is dead-lettered as `wrong_partition`
  /// (runtime/applier.hpp `misplaced`). Empty or 0: not checked.
  std::vector<std::int32_t> input_partitions;
  /// A state larger than this is spilled into table rows of this size (runtime/state_spill.hpp).
  std::size_t spill_bytes = default_spill_bytes;
  /// Fault injection for tests: the process aborts when applying a record with this key.
  std::string crash_on_key;
};

/// Queues `r` on the dead-letter topic with `reason`, this agent and its origin in headers
/// (cut to fit the output limit); counts it under `reason_class` once queued, or counts a
/// failure and logs it. Returns whether it was queued.
bool dead_letter(const host_env& env, const topics::record_view& r, const std::string& reason,
                 const char* reason_class);

/// State of a host actor.
struct host_state_data {
  std::unique_ptr<actors::agent> agent;
  std::unique_ptr<host_tables> tables; ///< the agent's keyed state
  event_window seen;                   ///< recent input event ids (duplicates are dead-lettered)
  std::uint64_t events_applied = 0;
  std::int64_t last_event_time_ms = 0;
  bool recovered = false;
  bool careful = false;
  static inline const char* name = "aetherial.host";
};

/// Spawned (monitored) by the supervisor of its agent kind; acknowledges applied records to
/// `coordinator` and reports an agent failure to `supervisor`. It lives until its partition
/// is revoked, the node stops, or the agent throws (then it stops with an error and the
/// supervisor restarts it).
///
/// Messages: (recover_atom, recover_host) resets the agent to the snapshot and applies the
/// tail, emitting only past `suppress`; (process_atom, process_batch) applies and emits;
/// (checkpt_atom) -> host_state hands over the serialized state and the table changes;
/// (stored_atom, n) tells it the local store holds handover n.
caf::behavior host_actor(caf::stateful_actor<host_state_data>* self, host_env env,
                         std::int32_t partition, caf::actor coordinator, caf::actor supervisor);

} // namespace aetherial::runtime
