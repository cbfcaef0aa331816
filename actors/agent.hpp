#pragma once
// The agent contract: an agent is a deterministic reducer over envelopes.
//
// actors/ includes only schemas/ and this header: no CAF, no librdkafka, no RocksDB, no
// clock, no I/O. The runtime owns every side effect; an agent sees an event, its event
// time, a random generator seeded from the event id, and `emit`.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/identity.hpp"
#include "actors/kit/rng.hpp"
#include "actors/table.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::actors {

namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;

/// Where an emitted event goes; the runtime maps each to a topic of the catalog.
enum class output : std::uint8_t {
  decisions, ///< aetherial.decisions
  replies,   ///< aetherial.replies
  tasks,     ///< aetherial.tasks
  effects,   ///< aetherial.effects
  health,    ///< platform.health (incidents raised by the runtime or agents)
  /// aetherial.repartition: an input re-keyed for another partition of the kinds that read it
  /// (as Kafka Streams' repartition topics); it comes back as an input, from that topic.
  repartition,
};

[[nodiscard]] std::string_view output_name(output o) noexcept;

/// An event an agent emitted while handling one input.
struct emitted {
  output to = output::decisions;
  std::string key;
  bytes value; ///< a finished Envelope
};

/// What an agent may see and do while handling one event. Created by the caller (runtime,
/// audit, test) per event; lives only for that call.
class context {
public:
  /// `agent_kind` names the emitter in derived event ids ("operations").
  context(std::string_view agent_kind, const fbs::Envelope& cause);

  context(const context&) = delete;
  context& operator=(const context&) = delete;

  /// Event time of the cause, in ms since the epoch: the only clock an agent has.
  [[nodiscard]] std::int64_t event_time_ms() const noexcept { return cause_.event_time_ms(); }
  [[nodiscard]] const fbs::Envelope& cause() const noexcept { return cause_; }
  [[nodiscard]] schemas::event_id cause_id() const noexcept { return cause_id_; }

  /// Who the cause comes from, as the runtime verified it (status `none` unless the caller
  /// set one: events without identity, and tests that do not care).
  [[nodiscard]] const actors::identity& identity() const noexcept;
  /// Sets the verified identity of the cause; `id` must outlive the context.
  void set_identity(const actors::identity* id) noexcept { identity_ = id; }

  /// The agent instance's keyed state (actors/table.hpp). Throws std::logic_error when the
  /// caller gave none: an agent that keeps tables cannot run without them.
  [[nodiscard]] table_store& tables() const;
  /// Sets the table store of the agent instance; `t` must outlive the context.
  void set_tables(table_store* t) noexcept { tables_ = t; }

  /// The logical topic the cause was read from ("platform.requests"); empty when the caller
  /// set none (tests that do not care). `topic` must outlive the context.
  [[nodiscard]] std::string_view input_topic() const noexcept { return input_topic_; }
  void set_input_topic(std::string_view topic) noexcept { input_topic_ = topic; }

  /// Where this agent instance sits among its kind's instances: the partition of its inputs it
  /// owns, and how many partitions they have (co-partitioned inputs all have as many). Set by
  /// the caller (the runtime's host, the audit's replay); 0 of 1 when it set none. Only a
  /// question that spans partitions (actors/kit/gather.hpp) needs it.
  [[nodiscard]] std::int32_t partition() const noexcept { return partition_; }
  [[nodiscard]] std::int32_t partitions() const noexcept { return partitions_; }
  /// Sets both; `partitions` below 1 counts as 1 and a partition outside them as 0.
  void set_partition(std::int32_t partition, std::int32_t partitions) noexcept {
    partitions_ = partitions < 1 ? 1 : partitions;
    partition_ = partition < 0 || partition >= partitions_ ? 0 : partition;
  }

  /// Random numbers seeded from the cause's event id: the same event, the same numbers on
  /// every machine. Seeded on first use.
  [[nodiscard]] kit::rng& rng();

  /// The builder to build the next payload in; `emit` finishes and resets it.
  [[nodiscard]] flatbuffers::FlatBufferBuilder& builder() noexcept { return builder_; }

  /// Emits the payload just built in `builder()` as an envelope whose id derives from the
  /// cause, whose causation id is the cause, and whose correlation id is `correlation` (or
  /// the cause's when empty).
  void emit(output to, std::string_view key, fbs::Payload type, flatbuffers::Offset<void> payload,
            std::string_view correlation = {});

  /// Asks an effect worker to do something outside (an effect request on aetherial.effects).
  void request_effect(std::string_view key, fbs::Payload type, flatbuffers::Offset<void> payload,
                      std::string_view correlation = {}) {
    emit(output::effects, key, type, payload, correlation);
  }

  /// Everything emitted so far, in emission order.
  [[nodiscard]] const std::vector<emitted>& outputs() const noexcept { return outputs_; }
  [[nodiscard]] std::vector<emitted> take_outputs() noexcept { return std::move(outputs_); }

private:
  std::string kind_;
  const fbs::Envelope& cause_;
  schemas::event_id cause_id_;
  std::optional<kit::rng> rng_;
  const actors::identity* identity_ = nullptr;
  table_store* tables_ = nullptr;
  std::string_view input_topic_;
  std::int32_t partition_ = 0;
  std::int32_t partitions_ = 1;
  flatbuffers::FlatBufferBuilder builder_;
  std::vector<emitted> outputs_;
};

/// A deterministic agent: one instance per (agent kind, partition), owned by its host.
class agent {
public:
  virtual ~agent() = default;

  /// Handles one verified event. May throw on a defect; the runtime then restores the last
  /// good state, retries, and dead-letters the event if it keeps failing.
  virtual void on_event(const fbs::Envelope& event, context& ctx) = 0;

  /// Serializes the whole state.
  [[nodiscard]] virtual bytes snapshot() const = 0;

  /// Replaces the state with a snapshot; false (state unchanged) if it cannot be read.
  [[nodiscard]] virtual bool restore(const std::uint8_t* data, std::size_t size) = 0;

  /// Writes back to `tables` the rows the agent keeps decoded between events
  /// (kit::row_cache). Whoever reads the agent's tables, or takes a snapshot that must go with
  /// them, flushes first: a host before every checkpoint. Flushing at any point, or after
  /// every event, changes no decision and leaves the same rows. May throw like `on_event`.
  virtual void flush(table_store& tables) { (void)tables; }
};

/// Deployment settings of agents ("analytics.salt" -> ...), from the runtime's
/// configuration; part of what an audit must reproduce, like the code.
using agent_settings = std::map<std::string, std::string>;

/// A table an agent kind keeps (context::tables).
struct table_decl {
  std::string name;        ///< "services"
  std::string row_type;    ///< the FlatBuffers table of its values in the kind's state schema; ""
                           ///< for a table of keys only (values empty)
  bool time_index = false; ///< a time index (actors/kit/expiry_index.hpp): keys are (time, key)
};

/// Static description of an agent kind.
struct agent_kind {
  std::string name;                      ///< "operations"
  std::vector<std::string> input_topics; ///< logical names, without prefix, in a fixed order
  std::uint32_t state_version = 1;       ///< version of the snapshots it writes
  /// The oldest snapshot version `agent::restore` reads (and upgrades to `state_version`);
  /// recovery refuses older snapshots and rebuilds the partition from the log instead.
  std::uint32_t min_state_version = 1;
  /// Whether the kind keeps tables (context::tables; every built-in kind does, if only for a
  /// state too large for one snapshot record): its snapshots are then usable only with the
  /// table rows stored with them, and its checkpoints must reach the local store.
  bool uses_tables = false;
  /// The tables it declares (empty unless uses_tables), for tools that show them.
  std::vector<table_decl> tables;
  /// Creates an agent with empty state, configured by `settings` (keys "<kind>.<name>").
  /// Bad or unknown settings of the kind are ignored here (defaults apply): the runtime
  /// refuses to start with them, by `check_settings`.
  std::unique_ptr<agent> (*make)(const agent_settings& settings);
  /// What is wrong with the kind's keys of `settings` (bad values, unknown keys), one message
  /// each; empty when they are fine. nullptr: the kind reads no settings and checks none.
  std::vector<std::string> (*check_settings)(const agent_settings& settings) = nullptr;
};

} // namespace aetherial::actors
