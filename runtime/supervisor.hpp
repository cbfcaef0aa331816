#pragma once
// The supervisor of one agent kind: spawns a host per partition, restarts a failed host
// one-for-one with exponential backoff, and quarantines a partition that keeps failing.

#include <chrono>
#include <deque>
#include <map>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/host.hpp"

namespace aetherial::runtime {

/// Restart policy. Defaults beside each field.
struct restart_policy {
  std::chrono::milliseconds initial_backoff{100}; ///< first restart delay; default 100 ms
  std::chrono::milliseconds max_backoff{10000};   ///< cap of the doubling; default 10 s
  int max_failures = 5;                           ///< failures in `window` to quarantine; 5
  std::chrono::milliseconds window{60000};        ///< failure window; default 60 s
};

/// One supervised partition.
struct supervised_host {
  caf::actor host;
  std::deque<std::chrono::steady_clock::time_point> failures;
  bool quarantined = false;
  bool restarting = false;
};

/// State of a supervisor actor.
struct supervisor_state {
  std::map<std::int32_t, supervised_host> hosts;
  static inline const char* name = "aetherial.supervisor";
};

/// Messages: (start_atom, p) spawns the host of p; (stop_atom, p) stops it; (crash_atom, p)
/// kills it (used to demonstrate and test self-healing). Tells `coordinator`
/// (host_up_atom, p, actor), (host_down_atom, p, reason) and (quarantine_atom, p, reason).
caf::behavior supervisor_actor(caf::stateful_actor<supervisor_state>* self, host_env env,
                               restart_policy policy, caf::actor coordinator);

} // namespace aetherial::runtime
