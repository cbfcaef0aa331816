#pragma once
// Builders of input envelopes and readers of outputs for the Development agent's tests.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/development/development_agent.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development::test {

namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;
using kv_list = std::vector<std::pair<std::string, std::string>>;

/// Base event time of the tests (2026-01-01T00:00:00Z).
inline constexpr std::int64_t t0 = 1'767'225'600'000;

/// Seconds after t0, in ms.
inline constexpr std::int64_t at_s(double s) {
  return t0 + static_cast<std::int64_t>(s * 1000.0);
}

/// The fields of a DevEvent a test sets.
struct dev {
  std::string kind;
  std::string repo = "web";
  std::string change_id;
  std::string commit;
  std::string author;
  std::string test_name;
  bool passed = true;
  std::string failure_message;
  std::string deploy_id;
  std::string service;
  std::string environment;
  double error_rate = 0.0;
  std::vector<std::string> paths;
};

/// Builds input envelopes with consecutive event ids.
class events {
public:
  bytes dev_event(std::int64_t t, const dev& d) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<flatbuffers::String>> paths;
    for (const auto& p : d.paths)
      paths.push_back(b.CreateString(p));
    auto p = fbs::CreateDevEventDirect(
        b, d.kind.c_str(), d.repo.c_str(), d.change_id.c_str(), d.commit.c_str(), d.author.c_str(),
        d.test_name.c_str(), d.passed, d.failure_message.c_str(), d.deploy_id.c_str(),
        d.service.c_str(), d.environment.c_str(), d.error_rate, &paths);
    return finish(b, t, d.repo, fbs::Payload::DevEvent, p.Union());
  }
  bytes test_result(std::int64_t t, const std::string& test, const std::string& commit, bool passed,
                    const std::string& message = "") {
    return dev_event(t, dev{"test_result", "web", "", commit, "", test, passed, message});
  }
  bytes build(std::int64_t t, const std::string& commit, bool passed,
              const std::string& repo = "web") {
    dev d{"build", repo, "", commit};
    d.passed = passed;
    if (!passed) d.failure_message = "2 tests failed";
    return dev_event(t, d);
  }
  bytes approval(std::int64_t t, const std::string& who, const std::string& deploy_id,
                 const std::string& change = "") {
    dev d{"approval", "web", change};
    d.author = who;
    d.deploy_id = deploy_id;
    return dev_event(t, d);
  }
  bytes deploy_finished(std::int64_t t, const std::string& deploy_id, bool passed = true) {
    dev d{"deploy_finished", "web"};
    d.deploy_id = deploy_id;
    d.service = "web";
    d.passed = passed;
    return dev_event(t, d);
  }
  bytes error_rate(std::int64_t t, double rate, const std::string& service = "web") {
    dev d{"error_rate", service};
    d.service = service;
    d.error_rate = rate;
    return dev_event(t, d);
  }
  bytes review(std::int64_t t, const std::string& change, const std::string& author,
               const std::vector<std::string>& paths) {
    dev d{"review_requested", "web", change};
    d.author = author;
    d.paths = paths;
    return dev_event(t, d);
  }
  bytes task(std::int64_t t, const std::string& id, const std::string& type, const kv_list& params,
             const std::string& conversation = "conv-1", const std::string& by = "user:alice") {
    flatbuffers::FlatBufferBuilder b;
    auto spec = kit::task_from_strings(
        type, std::map<std::string, std::string>(params.begin(), params.end()));
    spec.task_id = id;
    spec.target_agent = "development";
    spec.priority = 5;
    spec.conversation_id = conversation;
    spec.requested_by = by;
    auto p = kit::build_task(b, spec);
    return finish(b, t, "web", fbs::Payload::Task, p.Union());
  }
  bytes effect_result(std::int64_t t, const std::string& effect_id, const std::string& kind,
                      bool success, const std::string& output, const std::string& detail = "") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateEffectResultDirect(b, effect_id.c_str(), kind.c_str(), success,
                                           output.c_str(), detail.c_str(), "conv-1");
    return finish(b, t, "web", fbs::Payload::EffectResult, p.Union());
  }

private:
  bytes finish(flatbuffers::FlatBufferBuilder& b, std::int64_t t, const std::string& key,
               fbs::Payload type, flatbuffers::Offset<void> payload) {
    schemas::envelope_header h;
    h.id = {0xde7, ++seq_};
    h.key = key;
    h.event_time_ms = t;
    h.principal = "svc:test";
    return schemas::finish_envelope(b, h, type, payload);
  }
  std::uint64_t seq_ = 0;
};

/// The envelope of an emitted event (verified).
inline const fbs::Envelope& envelope_of(const emitted& e) {
  std::string why;
  const auto* env = schemas::verify_envelope(e.value.data(), e.value.size(),
                                             schemas::default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  return *env;
}

/// An agent and everything it emitted.
struct harness {
  explicit harness(development_config cfg = {}) : agent(std::move(cfg)) {}

  /// Feeds one envelope; returns what it emitted (kept alive for the harness's lifetime).
  const std::vector<emitted>& feed(const bytes& value) {
    std::string why;
    const auto* env = schemas::verify_envelope(value.data(), value.size(),
                                               schemas::default_max_event_bytes, &why);
    BOOST_TEST_REQUIRE(env != nullptr, why);
    context ctx(kind_name, *env);
    agent.on_event(*env, ctx);
    auto& out = history.emplace_back(ctx.take_outputs());
    for (const auto& e : out) {
      (void)envelope_of(e);
      all.push_back(e);
    }
    return out;
  }

  development_agent agent;
  std::deque<std::vector<emitted>> history; ///< outputs per fed event
  std::vector<emitted> all;                 ///< every output, in order
};

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

/// The texts of the replies among `out`.
inline std::vector<std::string> reply_texts(const std::vector<emitted>& out) {
  std::vector<std::string> r;
  for (const auto* p : payloads<fbs::Reply>(out))
    r.push_back(str(p->text()));
  return r;
}

} // namespace aetherial::actors::development::test
