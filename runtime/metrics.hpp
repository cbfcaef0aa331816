#pragma once
// The runtime's Prometheus metrics (prometheus-cpp) and the node's HTTP endpoints: /metrics
// (the registry in the Prometheus text format), /healthz and /readyz (the status board,
// runtime/health.hpp), served by runtime/http_server.hpp.
// Labels: agent, topic, partition, reason class — never a user id. Thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "runtime/health.hpp"
#include "runtime/http_server.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// Every metric the runtime exports, the status board and the server of both. Owned by the
/// node (or, under `aetherial run`, shared by the node's successive incarnations); outlives
/// every actor.
class metrics {
public:
  explicit metrics(health_options health = {});
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// Starts serving /metrics, /healthz and /readyz on `bind_address`:`port` (0: an ephemeral
  /// port); returns the port. Throws std::runtime_error when the port cannot be bound
  /// (start-up refuses).
  int serve(int port, const std::string& bind_address = "127.0.0.1");
  /// Stops serving (idempotent; also on destruction).
  void stop_serving();
  /// The bound port; -1 when not serving.
  [[nodiscard]] int port() const noexcept { return server_.port(); }

  /// The status board behind /healthz and /readyz.
  [[nodiscard]] health_board& health() noexcept { return health_; }

  prometheus::Counter& events_in(const std::string& agent, const std::string& topic);
  prometheus::Counter& events_out(const std::string& agent, const std::string& topic);
  prometheus::Counter& dead_letters(const std::string& agent, const std::string& reason);
  /// Dead letters that could not be queued (logged with their reason).
  prometheus::Counter& dead_letter_failures(const std::string& agent);
  prometheus::Counter& restarts(const std::string& agent);
  /// Stored snapshots found damaged (and skipped) at recovery.
  prometheus::Counter& snapshots_corrupt(const std::string& agent);
  prometheus::Histogram& processing_latency(const std::string& agent);
  /// Records `events` handled in `seconds` in total on `latency` (a processing_latency
  /// histogram) as that many observations of their mean: one clock reading per batch.
  static void observe_events(prometheus::Histogram& latency, std::size_t events, double seconds);
  prometheus::Histogram& snapshot_duration(const std::string& agent);
  prometheus::Gauge& snapshot_size(const std::string& agent, std::int32_t partition);
  prometheus::Gauge& consumer_lag(const std::string& agent, const std::string& topic,
                                  std::int32_t partition);
  prometheus::Gauge& quarantined(const std::string& agent);
  /// 1 while the local store cannot write and the agent's consumption is paused.
  prometheus::Gauge& storage_fault(const std::string& agent);
  prometheus::Gauge& inflight(const std::string& agent, std::int32_t partition);
  prometheus::Counter& recoveries(const std::string& agent, const std::string& source);

  /// Removes the per-partition gauges of `agent` for `partition` (its lag on each of `topics`,
  /// snapshot size, records in flight): a partition given away is reported by its new owner
  /// only, so that dashboards summing over nodes count it once.
  void forget_partition(const std::string& agent, std::int32_t partition,
                        const std::vector<std::string>& topics);
  /// Sets the per-partition lag gauges of `agent` (topic-partitions with the lag in records as
  /// their offset) and returns the total.
  std::int64_t publish_lag(const std::string& agent,
                           const std::vector<topics::topic_partition>& lag);

  [[nodiscard]] std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

private:
  std::shared_ptr<prometheus::Registry> registry_;
  health_board health_;

  prometheus::Family<prometheus::Counter>& events_in_;
  prometheus::Family<prometheus::Counter>& events_out_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  prometheus::Family<prometheus::Counter>& dead_letter_failures_;
  prometheus::Family<prometheus::Counter>& restarts_;
  prometheus::Family<prometheus::Counter>& snapshots_corrupt_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Histogram>& snapshot_duration_;
  prometheus::Family<prometheus::Gauge>& snapshot_size_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& quarantined_;
  prometheus::Family<prometheus::Gauge>& storage_fault_;
  prometheus::Family<prometheus::Gauge>& inflight_;
  prometheus::Family<prometheus::Counter>& recoveries_;
  http_server server_; ///< last: stopped (joined) before everything it reads is destroyed
};

} // namespace aetherial::runtime
