#include "runtime/metrics.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <prometheus/text_serializer.h>

namespace aetherial::runtime {
namespace {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries b{
      0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};
  return b;
}

prometheus::Histogram::BucketBoundaries snapshot_buckets() {
  return {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0};
}

} // namespace

metrics::metrics(health_options health)
    : registry_(std::make_shared<prometheus::Registry>()), health_(health),
      events_in_(prometheus::BuildCounter()
                     .Name("aetherial_events_in_total")
                     .Help("Input events consumed by agents")
                     .Register(*registry_)),
      events_out_(prometheus::BuildCounter()
                      .Name("aetherial_events_out_total")
                      .Help("Events emitted by agents (decisions, replies, tasks, effects)")
                      .Register(*registry_)),
      dead_letters_(prometheus::BuildCounter()
                        .Name("aetherial_dead_letters_total")
                        .Help("Records sent to the dead-letter topic, by reason class")
                        .Register(*registry_)),
      dead_letter_failures_(prometheus::BuildCounter()
                                .Name("aetherial_dead_letter_failures_total")
                                .Help("Dead letters that could not be queued")
                                .Register(*registry_)),
      restarts_(prometheus::BuildCounter()
                    .Name("aetherial_agent_restarts_total")
                    .Help("Agent host restarts by the supervisor")
                    .Register(*registry_)),
      snapshots_corrupt_(prometheus::BuildCounter()
                             .Name("aetherial_snapshot_corrupt_total")
                             .Help("Stored snapshots found damaged at recovery (skipped: an "
                                   "older one or the log was used)")
                             .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("aetherial_processing_latency_seconds")
                   .Help("Time an agent takes to handle one event (the mean over the batch "
                         "it came in)")
                   .Register(*registry_)),
      snapshot_duration_(prometheus::BuildHistogram()
                             .Name("aetherial_snapshot_duration_seconds")
                             .Help("Time to take and persist one checkpoint")
                             .Register(*registry_)),
      snapshot_size_(prometheus::BuildGauge()
                         .Name("aetherial_snapshot_size_bytes")
                         .Help("Size of the latest snapshot")
                         .Register(*registry_)),
      lag_(prometheus::BuildGauge()
               .Name("aetherial_consumer_lag_records")
               .Help("Records between the consumer position and the high watermark")
               .Register(*registry_)),
      quarantined_(prometheus::BuildGauge()
                       .Name("aetherial_quarantined_partitions")
                       .Help("Partitions quarantined after repeated failures")
                       .Register(*registry_)),
      storage_fault_(prometheus::BuildGauge()
                         .Name("aetherial_storage_fault")
                         .Help("1 while the local store cannot write (disk full, read-only) and "
                               "the agent's consumption is paused")
                         .Register(*registry_)),
      inflight_(prometheus::BuildGauge()
                    .Name("aetherial_inflight_records")
                    .Help("Records dispatched to a host and not yet acknowledged")
                    .Register(*registry_)),
      recoveries_(prometheus::BuildCounter()
                      .Name("aetherial_recoveries_total")
                      .Help("Host recoveries, by state source (snapshot, replay, empty)")
                      .Register(*registry_)) {}

metrics::~metrics() {
  stop_serving();
}

int metrics::serve(int port, const std::string& bind_address) {
  server_.route("/metrics", [this] {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    return http_response{200, "text/plain; version=0.0.4; charset=utf-8", out.str()};
  });
  server_.route("/healthz", [this] {
    auto v = health_.liveness();
    return http_response{v.ok ? 200 : 503, "application/json", std::move(v.body) + "\n"};
  });
  server_.route("/readyz", [this] {
    auto v = health_.readiness();
    return http_response{v.ok ? 200 : 503, "application/json", std::move(v.body) + "\n"};
  });
  auto bound = server_.start(bind_address, port);
  if (!bound)
    throw std::runtime_error("cannot serve metrics on " + bind_address + ":" +
                             std::to_string(port) + " (" + bound.error_value().message +
                             "); choose another --metrics-port, or 0 for any free port");
  return bound.value();
}

void metrics::stop_serving() {
  server_.stop();
}

prometheus::Counter& metrics::events_in(const std::string& agent, const std::string& topic) {
  return events_in_.Add({{"agent", agent}, {"topic", topic}});
}
prometheus::Counter& metrics::events_out(const std::string& agent, const std::string& topic) {
  return events_out_.Add({{"agent", agent}, {"topic", topic}});
}
prometheus::Counter& metrics::dead_letters(const std::string& agent, const std::string& reason) {
  return dead_letters_.Add({{"agent", agent}, {"reason", reason}});
}

prometheus::Counter& metrics::snapshots_corrupt(const std::string& agent) {
  return snapshots_corrupt_.Add({{"agent", agent}});
}

prometheus::Counter& metrics::dead_letter_failures(const std::string& agent) {
  return dead_letter_failures_.Add({{"agent", agent}});
}
prometheus::Counter& metrics::restarts(const std::string& agent) {
  return restarts_.Add({{"agent", agent}});
}
prometheus::Histogram& metrics::processing_latency(const std::string& agent) {
  return latency_.Add({{"agent", agent}}, latency_buckets());
}

void metrics::observe_events(prometheus::Histogram& latency, std::size_t events, double seconds) {
  if (events == 0) return;
  const auto& bounds = latency_buckets();
  const double mean = seconds / static_cast<double>(events);
  // The bucket of `mean`: the first bound it does not exceed, else +Inf (the last).
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), mean) - bounds.begin());
  std::vector<double> increments(bounds.size() + 1, 0.0);
  increments[bucket] = static_cast<double>(events);
  latency.ObserveMultiple(increments, seconds);
}
prometheus::Histogram& metrics::snapshot_duration(const std::string& agent) {
  return snapshot_duration_.Add({{"agent", agent}}, snapshot_buckets());
}
prometheus::Gauge& metrics::snapshot_size(const std::string& agent, std::int32_t partition) {
  return snapshot_size_.Add({{"agent", agent}, {"partition", std::to_string(partition)}});
}
prometheus::Gauge& metrics::consumer_lag(const std::string& agent, const std::string& topic,
                                         std::int32_t partition) {
  return lag_.Add({{"agent", agent}, {"topic", topic}, {"partition", std::to_string(partition)}});
}
prometheus::Gauge& metrics::quarantined(const std::string& agent) {
  return quarantined_.Add({{"agent", agent}});
}

prometheus::Gauge& metrics::storage_fault(const std::string& agent) {
  return storage_fault_.Add({{"agent", agent}});
}
prometheus::Gauge& metrics::inflight(const std::string& agent, std::int32_t partition) {
  return inflight_.Add({{"agent", agent}, {"partition", std::to_string(partition)}});
}
prometheus::Counter& metrics::recoveries(const std::string& agent, const std::string& source) {
  return recoveries_.Add({{"agent", agent}, {"source", source}});
}

void metrics::forget_partition(const std::string& agent, std::int32_t partition,
                               const std::vector<std::string>& topics) {
  const std::string p = std::to_string(partition);
  for (const auto& topic : topics)
    lag_.Remove(&lag_.Add({{"agent", agent}, {"topic", topic}, {"partition", p}}));
  snapshot_size_.Remove(&snapshot_size_.Add({{"agent", agent}, {"partition", p}}));
  inflight_.Remove(&inflight_.Add({{"agent", agent}, {"partition", p}}));
}

std::int64_t metrics::publish_lag(const std::string& agent,
                                  const std::vector<topics::topic_partition>& lag) {
  std::int64_t total = 0;
  for (const auto& tp : lag) {
    total += tp.offset;
    consumer_lag(agent, tp.topic, tp.partition).Set(static_cast<double>(tp.offset));
  }
  return total;
}

} // namespace aetherial::runtime
