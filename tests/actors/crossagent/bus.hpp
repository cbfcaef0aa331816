#pragma once
// An in-process bus for all seven agents: every emitted envelope goes to the agents whose
// kind consumes its topic, in emission order. Topics have one partition, or as many as the bus
// is made with: each kind then has an instance per partition, and a record goes to the
// instance of its key's partition (murmur2, as the runtime's producers place keys; a record
// on aetherial.broadcast to every one). No broker.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/kit/task.hpp"
#include "actors/registry.hpp"
#include "schemas/partitioner.hpp"
#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::crossagent {

namespace fbs = ::aetherial::schema;

/// The topic an agent output goes to.
inline std::string topic_of(output o) {
  switch (o) {
    case output::decisions: return "aetherial.decisions";
    case output::replies: return "aetherial.replies";
    case output::tasks: return "aetherial.tasks";
    case output::effects: return "aetherial.effects";
    case output::health: return "platform.health";
    case output::repartition: return "aetherial.repartition";
  }
  return "unknown";
}

/// One record on a topic.
struct record {
  std::string topic;
  std::string key;
  bytes value;
  std::string from; ///< the agent kind that emitted it ("" for an input from outside)

  [[nodiscard]] const fbs::Envelope& envelope() const {
    std::string why;
    const auto* e = schemas::verify_envelope(value.data(), value.size(), ~std::size_t{0}, &why);
    BOOST_REQUIRE_MESSAGE(e != nullptr, why);
    return *e;
  }
};

/// Every agent kind of the registry, one instance each, and the topics between them.
class bus {
public:
  explicit bus(const agent_settings& settings, std::int32_t partitions = 1)
      : partitions_(partitions) {
    for (const auto& k : agent_kinds())
      for (std::int32_t p = 0; p < partitions; ++p)
        agents_.push_back({&k, p, k.make(settings), {}});
  }

  /// Records for the instances of `partition` wait until `release`, as if its owner were down.
  void hold(std::int32_t partition) { held_partition_ = partition; }
  /// Delivers what waited for the held partition, and everything it causes.
  void release() {
    held_partition_ = -1;
    for (auto& r : held_)
      queue_.push_back(std::move(r));
    held_.clear();
    drain();
  }

  /// Publishes an input from outside and delivers everything it causes, in order.
  void publish(const std::string& topic, const std::string& key, bytes value) {
    queue_.push_back(record{topic, key, std::move(value), ""});
    drain();
  }

  /// Builds and publishes an envelope around the payload just built in `b`.
  void publish(const std::string& topic, const std::string& key, flatbuffers::FlatBufferBuilder& b,
               fbs::Payload type, flatbuffers::Offset<void> payload, std::int64_t time_ms,
               const std::string& principal = "svc:platform", const std::string& correlation = "") {
    publish(topic, key, inputs_.envelope(b, time_ms, key, type, payload, principal, correlation));
  }

  /// Every record delivered so far (inputs and outputs), in delivery order.
  [[nodiscard]] const std::vector<record>& log() const noexcept { return log_; }

  /// The agent of `kind` on `partition`.
  [[nodiscard]] agent& agent_of(const std::string& kind, std::int32_t partition = 0) {
    for (auto& a : agents_)
      if (a.kind->name == kind && a.partition == partition) return *a.instance;
    BOOST_FAIL("no agent kind " + kind);
    throw 0;
  }

private:
  struct hosted {
    const agent_kind* kind;
    std::int32_t partition;
    std::unique_ptr<agent> instance;
    memory_table_store tables;
  };

  void drain() {
    while (!queue_.empty()) {
      record r = std::move(queue_.front());
      queue_.pop_front();
      const bool everywhere = r.topic == "aetherial.broadcast";
      const std::int32_t home = schemas::key_partition(r.key, partitions_);
      if (!everywhere && home == held_partition_) {
        held_.push_back(std::move(r));
        continue;
      }
      log_.push_back(r);
      const auto& in = log_.back();
      const fbs::Envelope& env = in.envelope();
      for (auto& a : agents_) {
        if (!everywhere && a.partition != home) continue;
        const auto& topics = a.kind->input_topics;
        bool consumes = false;
        for (const auto& t : topics)
          consumes = consumes || t == in.topic;
        if (!consumes) continue;
        context ctx(a.kind->name, env);
        ctx.set_tables(&a.tables);
        ctx.set_partition(a.partition, partitions_);
        ctx.set_input_topic(in.topic);
        a.instance->on_event(env, ctx);
        a.instance->flush(a.tables); // tests read the rows after each event
        for (auto& e : ctx.take_outputs())
          queue_.push_back(
              record{topic_of(e.to), std::move(e.key), std::move(e.value), a.kind->name});
      }
    }
  }

  std::int32_t partitions_;
  std::int32_t held_partition_ = -1;
  std::vector<hosted> agents_;
  std::deque<record> queue_;
  std::deque<record> held_;
  std::vector<record> log_;
  test::envelope_builder inputs_{0xc805, "svc:platform"}; ///< builds the inputs from outside
};

} // namespace aetherial::actors::crossagent
