#pragma once
// Supervision of one agent kind, all of it: a host per partition, restarted one-for-one with
// exponential backoff when it fails; the record an agent keeps throwing on retried and then
// dead-lettered; a partition that keeps failing quarantined, with an `agent_quarantined`
// incident on platform.health so that Operations sees it like any other.
//
// The decisions are plain code (`restart_tracker`, `retry_counter`), unit-tested on their
// own; the actor applies them.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/host.hpp"
#include "runtime/options.hpp"

namespace aetherial::runtime {

/// Restart decisions for one partition: backoff doubling from the policy's initial delay up
/// to its cap, and quarantine after `max_failures` failures within `window`.
class restart_tracker {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// What to do after a failure.
  struct verdict {
    bool quarantine = false;
    std::chrono::milliseconds backoff{0}; ///< delay before the restart (when not quarantined)
    std::size_t recent_failures = 0;      ///< failures within the window, this one included
  };

  explicit restart_tracker(restart_policy policy = {}) : policy_(policy) {}
  /// Records a failure at `now` and decides.
  [[nodiscard]] verdict on_failure(time_point now);
  /// Forgets the failures (a fresh start of the partition).
  void reset() { failures_.clear(); }

private:
  restart_policy policy_;
  std::deque<time_point> failures_;
};

/// Counts the attempts on records an agent threw on, per (partition, topic, offset).
class retry_counter {
public:
  explicit retry_counter(int limit) : limit_(limit) {}
  /// Records one more failed attempt; true when the record has now failed `limit` times and
  /// is to be dead-lettered (its count is then forgotten).
  [[nodiscard]] bool give_up(std::int32_t partition, const std::string& topic, std::int64_t offset);
  /// Attempts so far of a record.
  [[nodiscard]] int attempts(std::int32_t partition, const std::string& topic,
                             std::int64_t offset) const;
  /// Forgets every count of a partition (it was revoked or restarted afresh).
  void forget(std::int32_t partition);
  [[nodiscard]] int limit() const noexcept { return limit_; }

private:
  int limit_;
  std::map<std::pair<std::int32_t, std::pair<std::string, std::int64_t>>, int> attempts_;
};

/// What a supervisor needs from its node; pointers outlive the actor system.
struct supervisor_env {
  host_env host;
  restart_policy policy;
  int retry_limit = 3;     ///< attempts before a record is dead-lettered
  std::string instance_id; ///< the node's name, as the principal of its incidents
};

/// One supervised partition.
struct supervised_host {
  caf::actor host;
  restart_tracker restarts;
  bool quarantined = false;
  bool restarting = false;
};

/// State of a supervisor actor.
struct supervisor_state {
  std::map<std::int32_t, supervised_host> hosts;
  retry_counter retries{3};
  static inline const char* name = "aetherial.supervisor";
};

/// Messages: (start_atom, p) spawns the host of p; (stop_atom, p) stops it; (crash_atom, p)
/// kills it (to demonstrate and test self-healing); (failure_atom, host_failure) from a host;
/// (stop_atom) stops every host and quits. Tells `coordinator` (host_up_atom, p, actor),
/// (host_down_atom, p, reason), (skip_atom, p, topic, offset) and (quarantine_atom, p, reason).
caf::behavior supervisor_actor(caf::stateful_actor<supervisor_state>* self, supervisor_env env,
                               caf::actor coordinator);

} // namespace aetherial::runtime
