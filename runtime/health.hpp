#pragma once
// The node's status board: what /healthz (liveness) and /readyz (readiness) answer. The
// coordinators report into it (loop ticks, partition states, applied input, lag), the node
// and `aetherial run` report the node's phase (starting, running, stopping, restarting after
// a failure, failed for good). Time comes from the runtime's steady clock (runtime/clock.hpp),
// injectable for tests. Thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/clock.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// Thresholds of the health decisions.
struct health_options {
  /// A coordinator loop that has not ticked for this long is wedged: liveness fails.
  std::chrono::milliseconds tick_window{30000};
  /// A partition with lag that has applied nothing for this long is stalled: readiness fails.
  std::chrono::milliseconds stall_window{60000};
};

/// What an agent (or one of its partitions) is doing, as reported by its coordinator.
enum class agent_state {
  starting,   ///< spawned, not yet subscribed
  recovering, ///< restoring state (at assignment, or a host restarting)
  consuming,  ///< applying its input
  paused,     ///< input paused on purpose, with a reason (quarantine, storage fault, ...)
  failed,     ///< cannot go on; the node is stopped (and started again by `aetherial run`)
};

/// "starting", "recovering", "consuming", "paused", "failed".
[[nodiscard]] std::string_view to_string(agent_state s) noexcept;

/// The phase of the node as a whole.
enum class node_phase {
  starting,   ///< node::start is running
  running,    ///< every coordinator started
  stopping,   ///< node::stop is running
  restarting, ///< the node failed and is being started again in this process
  failed,     ///< the node failed and no restart will be attempted
};

/// "starting", "running", "stopping", "restarting", "failed".
[[nodiscard]] std::string_view to_string(node_phase p) noexcept;

/// One answer of the board: healthy or not, and the small JSON body explaining it.
struct health_verdict {
  bool ok = false;
  std::string body;
};

/// The thread-safe status board behind /healthz and /readyz.
class health_board {
public:
  using clock_fn = std::function<steady_clock::time_point()>;

  explicit health_board(health_options options = {}, clock_fn now = &steady_clock::now);

  [[nodiscard]] const health_options& options() const noexcept { return options_; }

  /// The node is starting: forgets the agents of a previous incarnation.
  void node_starting();
  void node_running();
  void node_stopping();
  /// The node failed and is started again: readiness fails, liveness holds.
  void node_restarting(const std::string& reason);
  /// The node failed and will not be started again: both fail.
  void node_failed(const std::string& reason);

  /// (Re)registers `agent` as starting; its loop counts as having ticked now.
  void agent_starting(const std::string& agent);
  /// The agent's consumer is subscribed; its state follows its partitions from now on.
  void agent_running(const std::string& agent);
  /// The agent's coordinator loop went round once.
  void tick(const std::string& agent);
  /// Pauses the whole agent with a reason (readiness fails until resume_agent).
  void pause_agent(const std::string& agent, const std::string& reason);
  void resume_agent(const std::string& agent);
  /// The agent cannot go on (its loop stops ticking).
  void agent_failed(const std::string& agent, const std::string& reason);

  /// Partition `p` of `agent` assigned, or its host restarting: recovering.
  void partition_recovering(const std::string& agent, std::int32_t p);
  /// Partition `p` recovered: consuming (its stall clock starts now).
  void partition_consuming(const std::string& agent, std::int32_t p);
  /// Partition `p` paused with a reason (e.g. quarantined).
  void partition_paused(const std::string& agent, std::int32_t p, const std::string& reason);
  void partition_revoked(const std::string& agent, std::int32_t p);
  /// Partition `p` applied input.
  void progress(const std::string& agent, std::int32_t p);
  /// The consumer's lag per topic-partition (records in `offset`); summed per partition.
  /// Assigned partitions absent from `lag` have an unknown lag.
  void lag(const std::string& agent, const std::vector<topics::topic_partition>& lag);

  /// Liveness: every coordinator loop ticked within the tick window (a failed agent counts
  /// while the node is being restarted), and the node has not failed for good.
  [[nodiscard]] health_verdict liveness() const;
  /// Readiness: the node runs, every agent has an assignment, and each partition is consuming
  /// and either caught up or has applied input within the stall window.
  [[nodiscard]] health_verdict readiness() const;

private:
  struct partition_entry {
    agent_state state = agent_state::recovering;
    std::string reason;
    std::int64_t lag = -1; ///< records; -1 unknown
    /// Last applied input, or last time it was seen caught up, or when it started consuming.
    steady_clock::time_point progress{};
  };
  struct agent_entry {
    agent_state state = agent_state::starting; ///< starting, consuming (running), paused, failed
    std::string reason;
    steady_clock::time_point tick{};
    std::map<std::int32_t, partition_entry> parts;
  };

  agent_entry* find(const std::string& agent);

  health_options options_;
  clock_fn now_;
  mutable std::mutex mutex_;
  node_phase phase_ = node_phase::starting;
  std::string phase_reason_;
  std::map<std::string, agent_entry> agents_;
};

} // namespace aetherial::runtime
