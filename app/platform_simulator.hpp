#pragma once
// A deterministic simulation of the platform the Operations agent runs, for the demo and for
// closed-loop tests: it produces finished Envelope bytes for platform.metrics,
// platform.health and aetherial.telemetry from a simulated clock, and reacts to the agent's
// decisions (replicas, remediations, recommendations, runtime instances) as the platform
// would. Pure C++: no clock, no randomness except the seed, no I/O.
//
// Scenarios, times relative to the start:
//  - web: a traffic spike from spike_start to spike_end needs about 4.5 replicas of CPU at
//    the target; scaled replicas become ready after actuation_delay, so CPU per replica falls.
//  - db: a connection pool leak raises db_timeout at db_incident; only restarting the
//    connection pool heals it (outcome success, then a healthy check).
//  - payments: a failing dependency from payments_fault raises the 5xx rate; a remediation
//    relieves it less each time, so the incident recurs and remediations start failing.
//  - a slow query on orders(customer_id,status) and a thrashing profiles cache, both fixed
//    once the agent's recommendation is applied; runtime lag grows with the spike's traffic.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/agent.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::app {

/// One produced event: the logical topic it goes to, its key, time and envelope bytes.
struct simulated_event {
  std::string topic; ///< "platform.metrics", "platform.health" or "aetherial.telemetry"
  std::string key;
  std::int64_t event_time_ms = 0;
  std::vector<std::uint8_t> value; ///< a finished Envelope
};

/// Timing and sizing of the simulated platform; offsets are from start_ms.
struct platform_simulator_config {
  std::uint64_t seed = 7;                      ///< event ids and load noise derive from it
  std::int64_t start_ms = 1'767'225'600'000;   ///< 2026-01-01T00:00:00Z
  std::int64_t duration_ms = 25 * 60'000;      ///< nothing is produced after this
  std::int64_t sample_period_ms = 15'000;      ///< ServiceLoad of every service
  std::int64_t telemetry_period_ms = 30'000;   ///< RuntimeTelemetry
  std::int64_t query_log_period_ms = 45'000;   ///< SlowQuery samples of orders
  std::int64_t cache_stats_period_ms = 60'000; ///< CacheStats of web/profiles
  double noise = 0.02;                         ///< ± relative load noise
  std::int64_t actuation_delay_ms = 20'000;    ///< new replicas/instances ready after this
  std::int64_t remediation_delay_ms = 20'000;  ///< a remediation's outcome after this
  std::int64_t health_check_delay_ms = 25'000; ///< a probe after a remediation
  std::int64_t apply_delay_ms = 60'000;        ///< a recommendation applied after this

  int web_replicas = 2;                ///< web's replicas at the start
  double web_base_rps = 400.0;         ///< web's normal traffic
  double web_spike_rps = 1080.0;       ///< web's traffic during the spike
  double web_cpu_per_request = 0.0025; ///< CPU (in replicas) per request/s
  std::int64_t spike_start_ms = 3 * 60'000;
  std::int64_t spike_end_ms = 10 * 60'000;
  std::int64_t db_incident_ms = 6 * 60'000;
  std::int64_t payments_fault_ms = 8 * 60'000;
  double payments_5xx_threshold = 0.05; ///< the monitor raises an incident at this rate
  double payments_5xx_growth = 0.01;    ///< per sample while the fault is active
  double payments_relief_decay = 0.04;  ///< each remediation leaves this much more 5xx
  std::int64_t query_log_start_ms = 60'000;
  std::int64_t query_log_end_ms = 14 * 60'000;
  std::int64_t cache_stats_start_ms = 60'000;

  double runtime_capacity_per_instance = 200.0; ///< events/s one runtime instance drains
  double runtime_base_events_per_s = 150.0;     ///< events/s arriving normally
  double runtime_spike_events_per_s = 320.0;    ///< events/s arriving during the web spike
};

/// The simulated platform; single-threaded, owned by its driver (demo or test).
class platform_simulator {
public:
  explicit platform_simulator(platform_simulator_config cfg = {});

  /// Every event due at or before `now_ms` and not produced yet, in event-time order.
  [[nodiscard]] std::vector<simulated_event> advance(std::int64_t now_ms);

  /// Reacts to an envelope an agent emitted; false if the bytes are not a valid envelope.
  bool observe(const std::uint8_t* data, std::size_t size);

  [[nodiscard]] std::int64_t start_ms() const noexcept { return cfg_.start_ms; }
  [[nodiscard]] std::int64_t end_ms() const noexcept { return cfg_.start_ms + cfg_.duration_ms; }
  /// True once everything up to end_ms() has been produced.
  [[nodiscard]] bool finished() const noexcept;
  /// Replicas of a service serving as of the last produced sample (0 if unknown).
  [[nodiscard]] int replicas(std::string_view service) const;
  /// Runtime instances as of the last produced telemetry.
  [[nodiscard]] int runtime_instances() const noexcept { return instances_; }
  [[nodiscard]] const platform_simulator_config& config() const noexcept { return cfg_; }

private:
  struct service_model {
    int replicas = 1;
    std::vector<std::pair<std::int64_t, int>> pending; ///< (ready at, replicas)
  };
  struct scheduled {
    std::string topic;
    std::string key;
    std::vector<std::uint8_t> value;
  };

  [[nodiscard]] std::vector<std::uint8_t>
  finish(flatbuffers::FlatBufferBuilder& b, std::int64_t t, std::string_view key,
         std::string_view principal, std::string_view correlation, schemas::event_id causation,
         actors::fbs::Payload type, flatbuffers::Offset<void> payload);
  void schedule(std::int64_t t, std::string topic, std::string key, std::vector<std::uint8_t> v);
  [[nodiscard]] double noise(std::uint64_t salt) const;
  int ready_replicas(service_model& m, std::int64_t t);

  void sample_services(std::int64_t t);
  void sample_telemetry(std::int64_t t);
  void sample_query_log(std::int64_t t);
  void sample_cache(std::int64_t t);
  void raise_incident(std::int64_t t, const std::string& id, const std::string& service,
                      const std::string& kind, const std::string& detail);

  platform_simulator_config cfg_;
  std::uint64_t seq_ = 0;
  std::int64_t emitted_ms_ = 0;
  std::map<std::pair<std::int64_t, std::uint64_t>, scheduled> queue_;
  std::int64_t next_sample_ms_;
  std::int64_t next_telemetry_ms_;
  std::int64_t next_query_ms_;
  std::int64_t next_cache_ms_;
  std::map<std::string, service_model> services_;

  // db: a leaking connection pool until restarted.
  bool db_incident_raised_ = false;
  bool db_leaking_ = false;
  // payments: a failing dependency the remediations only relieve.
  double payments_5xx_ = 0.002;
  bool payments_incident_open_ = false;
  bool payments_escalated_ = false;
  int payments_incidents_ = 0;
  int payments_remediations_ = 0;
  // Optimization targets.
  std::int64_t index_ready_ms_ = -1;
  std::int64_t cache_resized_ms_ = -1;
  // The runtime's own consumer lag.
  int instances_ = 1;
  std::vector<std::pair<std::int64_t, int>> instances_pending_;
  double lag_ = 0.0;
};

} // namespace aetherial::app
