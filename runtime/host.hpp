#pragma once
// The host actor: runs one agent instance for one (agent kind, partition).

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/agent.hpp"
#include "runtime/messages.hpp"
#include "runtime/metrics.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// What a host needs from its node; every pointer outlives the actor system.
struct host_env {
  const actors::agent_kind* kind = nullptr;
  topics::producer* producer = nullptr;
  const topics::catalog* catalog = nullptr;
  runtime::metrics* metrics = nullptr;
  std::size_t max_event_bytes = 0;
  const actors::agent_settings* settings = nullptr;
};

/// State of a host actor.
struct host_state_data {
  std::unique_ptr<actors::agent> agent;
  std::uint64_t events_applied = 0;
  std::int64_t last_event_time_ms = 0;
  bool recovered = false;
  static inline const char* name = "aetherial.host";
};

/// Spawned (monitored) by the supervisor of its agent kind; reports acks and failures to
/// `coordinator`. It lives until its partition is revoked, the node stops, or the agent
/// throws (then it stops with an error and the supervisor restarts it).
caf::behavior host_actor(caf::stateful_actor<host_state_data>* self, host_env env,
                         std::int32_t partition, caf::actor coordinator);

} // namespace aetherial::runtime
