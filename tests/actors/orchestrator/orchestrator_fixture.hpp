#pragma once
// Builders of input envelopes and readers of outputs for the Orchestrator agent's tests.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/kit/task.hpp"
#include "actors/orchestrator/orchestrator_agent.hpp"

namespace aetherial::actors::orchestrator::test {

namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;
using pairs = std::vector<std::pair<std::string, std::string>>;

/// Base event time of the tests (2026-01-01T00:00:00Z).
inline constexpr std::int64_t t0 = 1'767'225'600'000;

/// Seconds after t0, in ms.
inline constexpr std::int64_t at_s(double s) {
  return t0 + static_cast<std::int64_t>(s * 1000.0);
}

/// Builds input envelopes with consecutive event ids.
class events {
public:
  /// A command keyed by its conversation id, correlated with `correlation` (none if empty).
  bytes command(std::int64_t t, const std::string& conversation, const std::string& role,
                const std::string& text, const std::string& principal = "user:alice",
                const std::string& correlation = "") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateCommandDirect(b, role.c_str(), text.c_str(), conversation.c_str());
    return finish(b, t, conversation, principal, correlation, fbs::Payload::Command, p.Union());
  }
  bytes outcome(std::int64_t t, const std::string& task_id, const std::string& type,
                const std::string& agent, bool success, const std::string& detail,
                const std::string& conversation, const pairs& results = {}) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<fbs::KeyValue>> kv;
    for (const auto& [k, v] : results)
      kv.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
    auto p = fbs::CreateTaskOutcomeDirect(b, task_id.c_str(), type.c_str(), agent.c_str(), success,
                                          detail.c_str(), conversation.c_str(), &kv);
    return finish(b, t, conversation, "agent:" + agent, conversation, fbs::Payload::TaskOutcome,
                  p.Union());
  }
  bytes outcome_with_status(std::int64_t t, const std::string& task_id, const std::string& type,
                            const std::string& agent, bool success, const std::string& detail,
                            const std::string& conversation, fbs::ReplyStatus status) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateTaskOutcomeDirect(b, task_id.c_str(), type.c_str(), agent.c_str(), success,
                                          detail.c_str(), conversation.c_str(), nullptr, status);
    return finish(b, t, conversation, "agent:" + agent, conversation, fbs::Payload::TaskOutcome,
                  p.Union());
  }
  bytes effect_result(std::int64_t t, const std::string& effect_id, bool success,
                      const std::string& output, const std::string& detail,
                      const std::string& conversation) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateEffectResultDirect(b, effect_id.c_str(), "llm", success, output.c_str(),
                                           detail.c_str(), conversation.c_str());
    return finish(b, t, conversation, "svc:effect-worker", conversation, fbs::Payload::EffectResult,
                  p.Union());
  }
  bytes task(std::int64_t t, const std::string& task_id, const std::string& conversation) {
    flatbuffers::FlatBufferBuilder b;
    kit::task_spec spec;
    spec.task_id = task_id;
    spec.type = "support.how_to";
    spec.target_agent = "support";
    spec.priority = 5;
    spec.conversation_id = conversation;
    spec.requested_by = "user:x";
    auto p = kit::build_task(b, spec);
    return finish(b, t, conversation, "agent:orchestrator", conversation, fbs::Payload::Task,
                  p.Union());
  }
  /// The event id the next built envelope gets, as the agent prints it.
  [[nodiscard]] std::string next_id() const {
    return schemas::event_id{0x0c4e57, seq_ + 1}.to_string();
  }

private:
  bytes finish(flatbuffers::FlatBufferBuilder& b, std::int64_t t, const std::string& key,
               const std::string& principal, const std::string& correlation, fbs::Payload type,
               flatbuffers::Offset<void> payload) {
    schemas::envelope_header h;
    h.id = {0x0c4e57, ++seq_};
    h.key = key;
    h.event_time_ms = t;
    h.principal = principal;
    h.correlation = correlation;
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
  explicit harness(orchestrator_config cfg = {}) : agent(std::move(cfg)) {}

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
    for (const auto& e : out)
      all.push_back(e);
    return out;
  }

  orchestrator_agent agent;
  std::deque<std::vector<emitted>> history; ///< outputs per fed event
  std::vector<emitted> all;                 ///< every output, in order
};

/// The emitted payloads of one type sent to `to`, in emission order.
template <class T> std::vector<const T*> payloads(const std::vector<emitted>& out, output to) {
  std::vector<const T*> r;
  for (const auto& e : out) {
    if (e.to != to) continue;
    if (const auto* p = envelope_of(e).payload_as<T>()) r.push_back(p);
  }
  return r;
}

/// The replies on aetherial.replies.
inline std::vector<const fbs::Reply*> replies(const std::vector<emitted>& out) {
  return payloads<fbs::Reply>(out, output::replies);
}

/// The tasks on aetherial.tasks.
inline std::vector<const fbs::Task*> tasks(const std::vector<emitted>& out) {
  return payloads<fbs::Task>(out, output::tasks);
}

/// Text of a flatbuffers string ("" if absent).
inline std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

/// Key/values as a map (last one wins).
inline std::map<std::string, std::string>
as_map(const flatbuffers::Vector<flatbuffers::Offset<fbs::KeyValue>>* kv) {
  std::map<std::string, std::string> m;
  if (kv)
    for (const auto* x : *kv)
      m[str(x->key())] = str(x->value());
  return m;
}

/// A task's text, intent, role and typed parameters as text (the parameters as
/// `kit::param_strings` writes them).
inline std::map<std::string, std::string> params_of(const fbs::Task& t) {
  const auto spec = kit::read_task(t);
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : kit::param_strings(spec.params))
    m[k] = v;
  if (!spec.text.empty()) m["text"] = spec.text;
  if (!spec.intent.empty()) m["intent"] = spec.intent;
  if (!spec.role.empty()) m["role"] = spec.role;
  return m;
}

/// Every emitted event sent to `to`.
inline std::vector<const emitted*> sent_to(const std::vector<emitted>& out, output to) {
  std::vector<const emitted*> r;
  for (const auto& e : out)
    if (e.to == to) r.push_back(&e);
  return r;
}

} // namespace aetherial::actors::orchestrator::test
