#pragma once
// Builders of input envelopes and readers of outputs for the Analytics agent's tests.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/analytics/analytics_agent.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::analytics::test {

namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;
using params = std::vector<std::pair<std::string, std::string>>;

/// Base event time of the tests (2026-01-01T00:00:00Z).
inline constexpr std::int64_t t0 = 1'767'225'600'000;
inline constexpr std::int64_t day = 86'400'000;
inline constexpr std::int64_t hour = 3'600'000;
inline constexpr std::int64_t minute = 60'000;

/// The salt of the tests' deployment.
inline const std::string test_salt = "s3cr3t-salt-for-unit-tests-0123456789";

/// A config with the test salt.
inline analytics_config salted() {
  analytics_config cfg;
  cfg.salt = test_salt;
  return cfg;
}

/// One user action to build.
struct action {
  std::string user;
  std::string kind = "page_view";
  std::string feature;
  std::string session;
  std::string experiment;
  std::string variant;
};

/// Builds input envelopes with consecutive event ids.
class events {
public:
  bytes activity(std::int64_t t, const action& a, const std::string& tenant = "main") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateUserActivityDirect(b, a.user.c_str(), a.kind.c_str(), a.feature.c_str(),
                                           a.session.c_str(), 0.0, a.experiment.c_str(),
                                           a.variant.c_str());
    return finish(b, t, tenant, fbs::Payload::UserActivity, p.Union(), "svc:activity");
  }
  bytes task(std::int64_t t, const std::string& type, const std::string& conversation,
             const params& ps = {}, const std::string& target = "analytics") {
    flatbuffers::FlatBufferBuilder b;
    auto spec =
        kit::task_from_strings(type, std::map<std::string, std::string>(ps.begin(), ps.end()));
    spec.task_id = "task-" + conversation;
    spec.target_agent = target;
    spec.priority = 5;
    spec.conversation_id = conversation;
    spec.requested_by = "user:analyst";
    auto p = kit::build_task(b, spec);
    return finish(b, t, "main", fbs::Payload::Task, p.Union(), "agent:orchestrator");
  }

private:
  bytes finish(flatbuffers::FlatBufferBuilder& b, std::int64_t t, const std::string& key,
               fbs::Payload type, flatbuffers::Offset<void> payload, const std::string& who) {
    schemas::envelope_header h;
    h.id = {0xa11, ++seq_};
    h.key = key;
    h.event_time_ms = t;
    h.principal = who;
    return schemas::finish_envelope(b, h, type, payload);
  }
  std::uint64_t seq_ = 0;
};

/// An agent and everything it emitted.
struct harness {
  explicit harness(analytics_config cfg = salted()) : agent(std::move(cfg)) {}

  /// Feeds one envelope; returns what it emitted (kept alive for the harness's lifetime).
  const std::vector<emitted>& feed(const bytes& value) {
    std::string why;
    const auto* env = schemas::verify_envelope(value.data(), value.size(),
                                               schemas::default_max_event_bytes, &why);
    BOOST_TEST_REQUIRE(env != nullptr, why);
    context ctx(kind_name, *env);
    agent.on_event(*env, ctx);
    auto& out = history.emplace_back(ctx.take_outputs());
    for (const auto& e : out)
      all.push_back(e);
    return out;
  }

  analytics_agent agent;
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
  for (const auto& e : out)
    if (const auto* p = envelope_of(e).payload_as<T>()) r.push_back(p);
  return r;
}

/// Text of a flatbuffers string ("" if absent).
inline std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

/// The value of `key` among key-values ("" if absent).
inline std::string value_of(const flatbuffers::Vector<flatbuffers::Offset<fbs::KeyValue>>* kvs,
                            const std::string& key) {
  if (kvs == nullptr) return {};
  for (const auto* kv : *kvs)
    if (str(kv->key()) == key) return str(kv->value());
  return {};
}

/// The reply to the only task in `out`.
inline const fbs::Reply& reply_of(const std::vector<emitted>& out) {
  const auto r = payloads<fbs::Reply>(out);
  BOOST_TEST_REQUIRE(r.size() == 1u);
  return *r[0];
}

/// A user name of the tests.
inline std::string user(int i) {
  return "user-" + std::to_string(100000 + i);
}

} // namespace aetherial::actors::analytics::test
