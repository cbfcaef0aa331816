#pragma once
// Builders of input envelopes and readers of decisions for the Operations agent's tests.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/operations/operations_agent.hpp"
#include "actors/operations/self_healing.hpp"

namespace aetherial::actors::operations::test {

namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;

/// Base event time of the tests (2026-01-01T00:00:00Z).
inline constexpr std::int64_t t0 = 1'767'225'600'000;

/// Seconds after t0, in ms.
inline constexpr std::int64_t at_s(double s) {
  return t0 + static_cast<std::int64_t>(s * 1000.0);
}

/// Builds input envelopes with consecutive event ids.
class events {
public:
  bytes load(std::int64_t t, const std::string& svc, int replicas, double cpu, double rps = 0.0) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateServiceLoadDirect(b, svc.c_str(), replicas, rps, cpu, 50.0, 0.0);
    return finish(b, t, svc, fbs::Payload::ServiceLoad, p.Union());
  }
  bytes policy(std::int64_t t, const std::string& svc, int min, int max, double target,
               int window_s) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateScalingPolicyDirect(b, svc.c_str(), min, max, target, window_s);
    return finish(b, t, svc, fbs::Payload::ScalingPolicy, p.Union());
  }
  bytes incident(std::int64_t t, const std::string& id, const std::string& svc,
                 const std::string& kind) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateHealthIncidentDirect(b, id.c_str(), svc.c_str(), kind.c_str(),
                                             fbs::Severity::critical, "test");
    return finish(b, t, svc, fbs::Payload::HealthIncident, p.Union());
  }
  bytes outcome(std::int64_t t, const std::string& id, const std::string& svc,
                const std::string& action, bool success) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateRemediationOutcomeDirect(b, id.c_str(), "", action.c_str(), success, "");
    return finish(b, t, svc, fbs::Payload::RemediationOutcome, p.Union());
  }
  bytes check(std::int64_t t, const std::string& svc, bool healthy) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateHealthCheckDirect(b, svc.c_str(), "probe", healthy, "");
    return finish(b, t, svc, fbs::Payload::HealthCheck, p.Union());
  }
  bytes slow_query(std::int64_t t, const std::string& svc, const std::string& table,
                   const std::vector<std::string>& columns, double ms, std::int64_t rows) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<flatbuffers::String>> cols;
    for (const auto& c : columns)
      cols.push_back(b.CreateString(c));
    auto p = fbs::CreateSlowQueryDirect(b, svc.c_str(), "q1", table.c_str(), &cols, ms, rows);
    return finish(b, t, svc, fbs::Payload::SlowQuery, p.Union());
  }
  bytes cache(std::int64_t t, const std::string& svc, const std::string& cache, double hit,
              double evictions, double memory) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateCacheStatsDirect(b, svc.c_str(), cache.c_str(), hit, evictions, memory);
    return finish(b, t, svc, fbs::Payload::CacheStats, p.Union());
  }
  bytes telemetry(std::int64_t t, int instances, std::int64_t lag, double eps) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateRuntimeTelemetryDirect(b, "aetherial-0", instances, lag, eps, 0, 0, 0);
    return finish(b, t, "runtime", fbs::Payload::RuntimeTelemetry, p.Union());
  }

private:
  bytes finish(flatbuffers::FlatBufferBuilder& b, std::int64_t t, const std::string& key,
               fbs::Payload type, flatbuffers::Offset<void> payload) {
    schemas::envelope_header h;
    h.id = {0x7e57, ++seq_};
    h.key = key;
    h.event_time_ms = t;
    h.principal = "svc:test";
    return schemas::finish_envelope(b, h, type, payload);
  }
  std::uint64_t seq_ = 0;
};

/// An agent and everything it emitted.
struct harness {
  explicit harness(operations_config cfg = {}) : agent(std::move(cfg)) {}

  /// Feeds one envelope; returns what it emitted, kept alive (payload pointers into it stay
  /// valid) for the harness's lifetime.
  const std::vector<emitted>& feed(const bytes& value) {
    std::string why;
    const auto* env = schemas::verify_envelope(value.data(), value.size(),
                                               schemas::default_max_event_bytes, &why);
    BOOST_TEST_REQUIRE(env != nullptr, why);
    context ctx(kind_name, *env);
    agent.on_event(*env, ctx);
    auto& out = history.emplace_back(ctx.take_outputs());
    for (const auto& e : out) {
      BOOST_TEST((e.to == output::decisions));
      all.push_back(e);
    }
    return out;
  }

  operations_agent agent;
  std::deque<std::vector<emitted>> history; ///< outputs per fed event
  std::vector<emitted> all;                 ///< every output, in order
};

/// The envelope of an emitted event (verified).
inline const fbs::Envelope& envelope_of(const emitted& e) {
  std::string why;
  const auto* env = schemas::verify_envelope(e.value.data(), e.value.size(),
                                             schemas::default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  return *env;
}

/// The emitted payloads of one type, in emission order.
template <class T> std::vector<const T*> payloads(const std::vector<emitted>& out) {
  std::vector<const T*> r;
  for (const auto& e : out) {
    const auto& env = envelope_of(e);
    if (const auto* p = env.payload_as<T>()) r.push_back(p);
  }
  return r;
}

/// Text of a flatbuffers string ("" if absent).
inline std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

} // namespace aetherial::actors::operations::test
