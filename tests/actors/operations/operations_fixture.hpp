#pragma once
// Builders of input envelopes and readers of decisions for the Operations agent's tests.

#include <string>
#include <vector>

#include "actors/operations/operations_agent.hpp"
#include "actors/operations/self_healing.hpp"
#include "actors/operations/service_table.hpp"
#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::operations::test {

using namespace ::aetherial::actors::operations;
using namespace ::aetherial::actors::test;

/// Builds the Operations agent's input envelopes.
class events : public envelope_builder {
public:
  bytes load(std::int64_t t, const std::string& svc, int replicas, double cpu, double rps = 0.0) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateServiceLoadDirect(b, svc.c_str(), replicas, rps, cpu, 50.0, 0.0);
    return envelope(b, t, svc, fbs::Payload::ServiceLoad, p.Union());
  }
  bytes policy(std::int64_t t, const std::string& svc, int min, int max, double target,
               int window_s) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateScalingPolicyDirect(b, svc.c_str(), min, max, target, window_s);
    return envelope(b, t, svc, fbs::Payload::ScalingPolicy, p.Union());
  }
  bytes incident(std::int64_t t, const std::string& id, const std::string& svc,
                 const std::string& kind) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateHealthIncidentDirect(b, id.c_str(), svc.c_str(), kind.c_str(),
                                             fbs::Severity::critical, "test");
    return envelope(b, t, svc, fbs::Payload::HealthIncident, p.Union());
  }
  bytes outcome(std::int64_t t, const std::string& id, const std::string& svc,
                const std::string& action, bool success) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateRemediationOutcomeDirect(b, id.c_str(), "", action.c_str(), success, "");
    return envelope(b, t, svc, fbs::Payload::RemediationOutcome, p.Union());
  }
  bytes check(std::int64_t t, const std::string& svc, bool healthy) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateHealthCheckDirect(b, svc.c_str(), "probe", healthy, "");
    return envelope(b, t, svc, fbs::Payload::HealthCheck, p.Union());
  }
  bytes slow_query(std::int64_t t, const std::string& svc, const std::string& table,
                   const std::vector<std::string>& columns, double ms, std::int64_t rows) {
    flatbuffers::FlatBufferBuilder b;
    auto cols = build_strings(b, columns);
    auto p = fbs::CreateSlowQueryDirect(b, svc.c_str(), "q1", table.c_str(), &cols, ms, rows);
    return envelope(b, t, svc, fbs::Payload::SlowQuery, p.Union());
  }
  bytes cache(std::int64_t t, const std::string& svc, const std::string& cache, double hit,
              double evictions, double memory) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateCacheStatsDirect(b, svc.c_str(), cache.c_str(), hit, evictions, memory);
    return envelope(b, t, svc, fbs::Payload::CacheStats, p.Union());
  }
  bytes telemetry(std::int64_t t, int instances, std::int64_t lag, double eps,
                  const std::string& instance = "aetherial-0") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateRuntimeTelemetryDirect(b, instance.c_str(), instances, lag, eps, 0, 0, 0);
    return envelope(b, t, "runtime", fbs::Payload::RuntimeTelemetry, p.Union());
  }
};

/// An Operations agent with its tables in memory, as a host gives them.
struct tabled_agent {
  explicit tabled_agent(operations_config cfg = {}) : agent(std::move(cfg)) {}

  void on_event(const fbs::Envelope& env, context& ctx) {
    ctx.set_tables(&tables);
    agent.on_event(env, ctx);
    agent.flush(tables); // tests read the rows after each event
  }
  [[nodiscard]] const operations_state& state() const noexcept { return agent.state(); }
  [[nodiscard]] bytes snapshot() const { return agent.snapshot(); }
  /// Restores `from`'s snapshot and tables, as a host restores both.
  [[nodiscard]] bool restore_from(const tabled_agent& from) {
    const auto snap = from.snapshot();
    tables = from.tables;
    return agent.restore(snap.data(), snap.size());
  }
  /// The row of `service` (empty when there is none).
  [[nodiscard]] service_row row(const std::string& service) const {
    const auto v = tables.get(services_table, service);
    return v ? decode_row(*v) : service_row{};
  }

  operations_agent agent;
  memory_table_store tables;
};

/// The Operations agent and everything it emitted: decisions, and the effect requests of its
/// runtime scale decisions.
using harness = agent_harness<operations_agent, kind_name, outputs::decisions_and_effects>;

} // namespace aetherial::actors::operations::test
