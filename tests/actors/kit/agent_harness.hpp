#pragma once
// What the tests of every agent kind share: an envelope builder to derive the agents' input
// builders from, a harness that feeds an agent and keeps what it emitted, and readers of the
// emitted envelopes. Each agent's fixture adds only the payloads and readers of its own.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/kit/task.hpp"
#include "actors/table.hpp"

namespace aetherial::actors::test {

using namespace ::aetherial::actors;
namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;
using pairs = std::vector<std::pair<std::string, std::string>>;
using key_values = flatbuffers::Vector<flatbuffers::Offset<fbs::KeyValue>>;

/// Base event time of the tests (2026-01-01T00:00:00Z).
inline constexpr std::int64_t t0 = 1'767'225'600'000;

/// Seconds after t0, in ms.
inline constexpr std::int64_t at_s(double s) {
  return t0 + static_cast<std::int64_t>(s * 1000.0);
}

/// Builds input envelopes with consecutive event ids in one id stream (the high half of the
/// ids, so several builders never share an id), from a default principal.
class envelope_builder {
public:
  explicit envelope_builder(std::uint64_t stream = 0x7e57, std::string principal = "svc:test");

  /// Finishes `b` as an envelope around the payload just built in it; an empty `principal`
  /// is the builder's default.
  bytes envelope(flatbuffers::FlatBufferBuilder& b, std::int64_t t, const std::string& key,
                 fbs::Payload type, flatbuffers::Offset<void> payload,
                 const std::string& principal = {}, const std::string& correlation = {});

  /// A Task envelope of `spec`.
  bytes task(std::int64_t t, const kit::task_spec& spec, const std::string& key,
             const std::string& principal = {}, const std::string& correlation = {});

  /// An EffectResult envelope.
  bytes effect_result(std::int64_t t, const std::string& key, const std::string& effect_id,
                      const std::string& kind, bool success, const std::string& output,
                      const std::string& detail, const std::string& conversation,
                      const std::string& principal = {}, const std::string& correlation = {});

  /// The event id the next built envelope gets, as the agents print it.
  [[nodiscard]] std::string next_id() const;

protected:
  /// How many envelopes were built so far.
  [[nodiscard]] std::uint64_t built() const noexcept { return seq_; }

private:
  std::uint64_t stream_;
  std::string principal_;
  std::uint64_t seq_ = 0;
};

/// A task spec of `type` with parameters given as text, priority 5.
[[nodiscard]] kit::task_spec task_spec_of(const std::string& task_id, const std::string& type,
                                          const std::string& target,
                                          const std::string& conversation,
                                          const std::string& requested_by, const pairs& params);

/// Key-values built into `b`.
[[nodiscard]] std::vector<flatbuffers::Offset<fbs::KeyValue>>
build_key_values(flatbuffers::FlatBufferBuilder& b, const pairs& kvs);

/// Strings built into `b`.
[[nodiscard]] std::vector<flatbuffers::Offset<flatbuffers::String>>
build_strings(flatbuffers::FlatBufferBuilder& b, const std::vector<std::string>& strings);

/// The verified envelope of a buffer.
[[nodiscard]] const fbs::Envelope& envelope_of(const bytes& value);

/// The verified envelope of an emitted event.
[[nodiscard]] const fbs::Envelope& envelope_of(const emitted& e);

/// The config type of an agent class.
template <class Agent>
using config_of = std::decay_t<decltype(std::declval<const Agent&>().config())>;

/// Which outputs an agent under test may emit.
enum class outputs : std::uint8_t {
  any,                  ///< every output
  decisions_only,       ///< aetherial.decisions only
  decisions_and_effects ///< aetherial.decisions and aetherial.effects
};

/// An agent of the kind named `Kind` and everything it emitted. Every output is checked to be
/// a valid envelope going where `Allowed` says.
template <class Agent, const std::string_view& Kind, outputs Allowed = outputs::any>
struct agent_harness {
  explicit agent_harness(config_of<Agent> cfg = {}) : agent(std::move(cfg)) {}

  /// Feeds one envelope; returns what it emitted, kept alive for the harness's lifetime (so
  /// payload pointers into it stay valid).
  const std::vector<emitted>& feed(const bytes& value, const identity* who = nullptr) {
    const auto& env = envelope_of(value);
    context ctx(Kind, env);
    ctx.set_identity(who);
    ctx.set_tables(&tables);
    agent.on_event(env, ctx);
    agent.flush(tables); // tests read the rows after each event
    auto& out = history.emplace_back(ctx.take_outputs());
    for (const auto& e : out) {
      (void)envelope_of(e);
      if (Allowed == outputs::decisions_only) BOOST_TEST((e.to == output::decisions));
      if (Allowed == outputs::decisions_and_effects)
        BOOST_TEST((e.to == output::decisions || e.to == output::effects));
      all.push_back(e);
    }
    return out;
  }

  /// Feeds envelopes in order, whatever they emit (kept in `history` and `all`).
  void feed_all(const std::vector<bytes>& values) {
    for (const auto& v : values)
      (void)feed(v);
  }

  Agent agent;
  memory_table_store tables;                ///< the agent's tables, as a host gives them
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

/// The emitted payloads of one type sent to `to`, in emission order.
template <class T> std::vector<const T*> payloads(const std::vector<emitted>& out, output to) {
  std::vector<const T*> r;
  for (const auto& e : out)
    if (e.to == to)
      if (const auto* p = envelope_of(e).payload_as<T>()) r.push_back(p);
  return r;
}

/// The one payload of type T in `out` (the test stops if there is not exactly one).
template <class T> const T& the_one(const std::vector<emitted>& out) {
  const auto v = payloads<T>(out);
  BOOST_TEST_REQUIRE(v.size() == 1u);
  return *v.front();
}

/// The outputs sent to `to`.
[[nodiscard]] std::vector<emitted> sent_to(const std::vector<emitted>& out, output to);

/// The values of outputs, for byte comparisons.
[[nodiscard]] std::vector<bytes> values(const std::vector<emitted>& out);

/// The texts of the replies among `out`.
[[nodiscard]] std::vector<std::string> reply_texts(const std::vector<emitted>& out);

/// The name of a reply status ("answered").
[[nodiscard]] std::string status_text(fbs::ReplyStatus s);

/// Text of a flatbuffers string ("" if absent).
[[nodiscard]] std::string str(const flatbuffers::String* s);

/// A string vector's items.
[[nodiscard]] std::vector<std::string>
strs(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v);

/// True if `v` holds `s`.
[[nodiscard]] bool contains(const std::vector<std::string>& v, const std::string& s);

/// The value of `key` among key-values ("" if absent).
[[nodiscard]] std::string value_of(const key_values* kvs, const std::string& key);

/// Key-values as a map (last one wins).
[[nodiscard]] std::map<std::string, std::string> as_map(const key_values* kvs);

} // namespace aetherial::actors::test
