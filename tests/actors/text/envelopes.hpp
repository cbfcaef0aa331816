#pragma once
// Builders of input envelopes and a harness that feeds them to an agent, shared by the tests
// of the agents built on actors/text (support, content).

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::text::test {

namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;
using pairs = std::vector<std::pair<std::string, std::string>>;

/// Base event time of the tests (2026-01-01T00:00:00Z).
inline constexpr std::int64_t t0 = 1'767'225'600'000;

/// Seconds after t0, in ms.
inline constexpr std::int64_t at_s(double s) {
  return t0 + static_cast<std::int64_t>(s * 1000.0);
}

/// Builds input envelopes with consecutive event ids and event times one second apart.
class events {
public:
  /// `stream` is the high half of the event ids, so several builders never share an id.
  explicit events(std::uint64_t stream = 0x7e57) : stream_(stream) {}

  bytes article(const std::string& id, const std::string& title, const std::string& body,
                const std::vector<std::string>& tags = {}, bool active = true) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<flatbuffers::String>> t;
    for (const auto& x : tags)
      t.push_back(b.CreateString(x));
    auto p =
        fbs::CreateKnowledgeArticleDirect(b, id.c_str(), title.c_str(), body.c_str(), &t, active);
    return finish(b, id, fbs::Payload::KnowledgeArticle, p.Union());
  }
  bytes message(const std::string& conversation, const std::string& text) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateSupportMessageDirect(b, conversation.c_str(), "user-1", text.c_str());
    return finish(b, conversation, fbs::Payload::SupportMessage, p.Union(), conversation);
  }
  bytes task(const std::string& task_id, const std::string& type, const std::string& target,
             const std::string& conversation, const pairs& params) {
    flatbuffers::FlatBufferBuilder b;
    auto spec = actors::kit::task_from_strings(
        type, std::map<std::string, std::string>(params.begin(), params.end()));
    spec.task_id = task_id;
    spec.target_agent = target;
    spec.priority = 5;
    spec.conversation_id = conversation;
    spec.requested_by = "user:ana";
    auto p = actors::kit::build_task(b, spec);
    return finish(b, conversation, fbs::Payload::Task, p.Union(), conversation);
  }
  bytes feedback(const std::string& target, const std::string& kind, const std::string& label = "",
                 const std::string& conversation = "", double value = 0.0) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateFeedbackDirect(b, target.c_str(), kind.c_str(), value, label.c_str(),
                                       "user-2", conversation.c_str());
    return finish(b, conversation.empty() ? target : conversation, fbs::Payload::Feedback,
                  p.Union());
  }
  bytes item(const std::string& id, const std::string& kind, const std::string& title,
             const std::string& text, const pairs& attributes = {}) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<fbs::KeyValue>> kvs;
    for (const auto& [k, v] : attributes)
      kvs.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
    auto p = fbs::CreateContentItemDirect(b, id.c_str(), kind.c_str(), "author-1", title.c_str(),
                                          text.c_str(), &kvs);
    return finish(b, id, fbs::Payload::ContentItem, p.Union());
  }
  bytes effect_result(const std::string& effect_id, const std::string& kind, bool success,
                      const std::string& output, const std::string& detail = "") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateEffectResultDirect(b, effect_id.c_str(), kind.c_str(), success,
                                           output.c_str(), detail.c_str(), "");
    return finish(b, effect_id, fbs::Payload::EffectResult, p.Union());
  }

private:
  bytes finish(flatbuffers::FlatBufferBuilder& b, const std::string& key, fbs::Payload type,
               flatbuffers::Offset<void> payload, const std::string& correlation = "") {
    schemas::envelope_header h;
    h.id = {stream_, ++seq_};
    h.key = key;
    h.event_time_ms = t0 + static_cast<std::int64_t>(seq_) * 1000;
    h.principal = "svc:test";
    h.correlation = correlation;
    return schemas::finish_envelope(b, h, type, payload);
  }
  std::uint64_t stream_;
  std::uint64_t seq_ = 0;
};

/// The verified envelope of a buffer.
inline const fbs::Envelope& envelope_of(const bytes& value) {
  std::string why;
  const auto* env =
      schemas::verify_envelope(value.data(), value.size(), schemas::default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  return *env;
}

/// An agent and everything it emitted, named `name` in derived event ids.
template <class Agent> struct harness {
  harness(std::string_view kind, Agent a) : name(kind), agent(std::move(a)) {}

  /// Feeds one envelope; returns what it emitted, kept alive for the harness's lifetime (so
  /// payload pointers into it stay valid).
  const std::vector<emitted>& feed(const bytes& value) {
    const auto& env = envelope_of(value);
    context ctx(name, env);
    agent.on_event(env, ctx);
    auto& out = history.emplace_back(ctx.take_outputs());
    for (const auto& e : out)
      all.push_back(e);
    return out;
  }

  std::string name;
  Agent agent;
  std::deque<std::vector<emitted>> history; ///< outputs per fed event
  std::vector<emitted> all;                 ///< every output, in order
};

/// The emitted payloads of one type, in emission order.
template <class T> std::vector<const T*> payloads(const std::vector<emitted>& out) {
  std::vector<const T*> r;
  for (const auto& e : out)
    if (const auto* p = envelope_of(e.value).payload_as<T>()) r.push_back(p);
  return r;
}

/// The outputs sent to `to`.
inline std::vector<emitted> sent_to(const std::vector<emitted>& out, output to) {
  std::vector<emitted> r;
  for (const auto& e : out)
    if (e.to == to) r.push_back(e);
  return r;
}

/// The values of outputs, for byte comparisons.
inline std::vector<bytes> values(const std::vector<emitted>& out) {
  std::vector<bytes> v;
  for (const auto& e : out)
    v.push_back(e.value);
  return v;
}

/// Text of a flatbuffers string ("" if absent).
inline std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

/// A string vector's items.
inline std::vector<std::string>
strs(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> r;
  if (v)
    for (const auto* s : *v)
      r.push_back(s->str());
  return r;
}

/// True if `v` holds `s`.
inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// The value of `key` in a key-value vector ("" if absent).
inline std::string value_of(const flatbuffers::Vector<flatbuffers::Offset<fbs::KeyValue>>* kvs,
                            const std::string& key) {
  if (kvs)
    for (const auto* kv : *kvs)
      if (str(kv->key()) == key) return str(kv->value());
  return {};
}

} // namespace aetherial::actors::text::test
