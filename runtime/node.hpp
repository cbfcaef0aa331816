#pragma once
// A runtime node: the process-wide wiring of `aetherial run` — embedded broker (when no
// brokers are given), topics, snapshot store, metrics, the actor system, one coordinator
// per agent kind, and the runtime's own telemetry.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "runtime/options.hpp"
#include "schemas/result.hpp"
#include "topics/kafka.hpp"

namespace caf {
class actor_system;
class actor_system_config;
class actor;
} // namespace caf

namespace aetherial::storage {
class snapshot_store;
}

namespace aetherial::runtime {

class metrics;

/// The metrics, status board and HTTP endpoints (/metrics, /healthz, /readyz) for nodes of
/// `options`, serving on --metrics-bind:--metrics-port unless the port is -1. For a caller that
/// starts nodes one after another (`aetherial run` after a failure): the endpoints stay up
/// between them and report the restart. An error when the options are invalid or the port
/// cannot be bound.
[[nodiscard]] result<std::shared_ptr<metrics>> serve_metrics(node_options options);

/// One running node. Created by start(); stop() checkpoints and leaves the group.
class node {
public:
  /// Starts everything; an error says what to fix (bad option, broker unreachable, ...).
  /// `shared`: metrics from serve_metrics() to report into; null: the node makes its own and
  /// serves them until it stops.
  [[nodiscard]] static result<std::unique_ptr<node>>
  start(node_options options, std::shared_ptr<metrics> shared = nullptr);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Bootstrap servers in use (the embedded broker's address in embedded mode).
  [[nodiscard]] const std::string& brokers() const noexcept;
  [[nodiscard]] bool embedded() const noexcept;
  /// The port of /metrics, /healthz and /readyz; -1 when not served.
  [[nodiscard]] int metrics_port() const noexcept;
  [[nodiscard]] const topics::catalog& catalog() const noexcept;
  [[nodiscard]] const topics::kafka_config& kafka() const noexcept;
  [[nodiscard]] const node_options& options() const noexcept;

  /// Why the node cannot go on (a coordinator's transactional producer became unusable), or
  /// nullopt while it is healthy. The caller stops the node and exits non-zero, so that a
  /// supervisor restarts the process and it recovers from the last committed checkpoint.
  [[nodiscard]] std::optional<std::string> failure() const;

  /// Input events applied by every agent since start (live, not replayed).
  [[nodiscard]] double events_in_total() const;
  /// Kills the host of (agent, partition): the supervisor restarts it.
  void crash_host(const std::string& agent, std::int32_t partition);
  /// Checkpoints every partition of every agent now; returns how many were checkpointed.
  int checkpoint_all();
  /// Checkpoints, leaves the consumer groups, stops the actors. Idempotent.
  void stop();

  struct impl;

private:
  explicit node(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// Installs SIGTERM/SIGINT handlers that set the returned flag.
[[nodiscard]] std::atomic<bool>& install_stop_signals();

} // namespace aetherial::runtime
