#pragma once
// Messages between the runtime's actors (CAF 0.17 atoms and message types).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "storage/snapshot.hpp"
#include "storage/snapshot_store.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// A consumed input record and its index in the agent kind's input topic list. Live input
/// stays in the consumer's buffers (a message); recovery and tests hand over owned records.
struct input_record {
  input_record() = default;
  input_record(topics::record r, int index) : topic_index(index), owned_(std::move(r)) {
    rec = owned_;
  }
  input_record(topics::message m, int index)
      : rec(m.view()), topic_index(index), held_(std::move(m)) {}
  input_record(input_record&& o) noexcept
      : topic_index(o.topic_index), owned_(std::move(o.owned_)), held_(std::move(o.held_)) {
    rec = held_.holds() ? held_.view() : topics::record_view(owned_);
  }
  input_record& operator=(input_record&& o) noexcept {
    topic_index = o.topic_index;
    owned_ = std::move(o.owned_);
    held_ = std::move(o.held_);
    rec = held_.holds() ? held_.view() : topics::record_view(owned_);
    return *this;
  }
  input_record(const input_record&) = delete;
  input_record& operator=(const input_record&) = delete;
  ~input_record() = default;

  topics::record_view rec; ///< the record's fields (into owned_ or held_)
  int topic_index = 0;

private:
  topics::record owned_;
  topics::message held_;
};

using input_batch = std::vector<std::shared_ptr<const input_record>>;

/// Work for a host: records of its partition, in the order they must be applied.
struct process_batch {
  input_batch records;
};

/// Brings a (re)started host to a known state: restore the snapshot (empty state if none),
/// apply `tail` with emission suppressed for the first `suppress` records, then emit for
/// the rest (they were dispatched but never acknowledged).
struct recover_host {
  std::optional<storage::snapshot> snapshot;
  input_batch tail;
  std::size_t suppress = 0;
  bool careful = false; ///< note each live record with the crash guard before applying it
};

/// A host's acknowledgement: `count` more records applied (or dead-lettered as invalid).
struct host_ack {
  std::int32_t partition = 0;
  std::size_t count = 0;
  std::uint64_t emitted = 0;
};

/// A host's report to its supervisor that the agent threw on a record; the host stops after
/// sending it.
struct host_failure {
  std::int32_t partition = 0;
  std::shared_ptr<const input_record> in; ///< the record the agent threw on
  std::string what;
};

/// The state a host hands over at a checkpoint.
struct host_state {
  std::vector<std::uint8_t> state;
  std::uint64_t events_applied = 0;
  std::int64_t last_event_time_ms = 0;
  std::vector<schemas::event_id> recent_event_ids; ///< the duplicate window, oldest first
  /// Table changes the local store has not confirmed, to be written with this snapshot.
  std::vector<storage::table_change> table_changes;
  std::uint64_t handover = 0; ///< their handover number (runtime/host_tables.hpp)
};

using process_atom = caf::atom_constant<caf::atom("process")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using checkpt_atom = caf::atom_constant<caf::atom("checkpt")>;
/// (stored_atom, handover): the local store holds a checkpoint's table changes.
using stored_atom = caf::atom_constant<caf::atom("stored")>;
using ack_atom = caf::atom_constant<caf::atom("ack")>;
using failure_atom = caf::atom_constant<caf::atom("failure")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using host_up_atom = caf::atom_constant<caf::atom("hostup")>;
using host_down_atom = caf::atom_constant<caf::atom("hostdown")>;
using quarantine_atom = caf::atom_constant<caf::atom("quarantn")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// (skip_atom, partition, topic, offset): supervisor -> coordinator, the record was
/// dead-lettered and leaves the partition's tail.
using skip_atom = caf::atom_constant<caf::atom("skip")>;
/// (careful_atom, bool): coordinator -> host, note live records with the crash guard or not.
using careful_atom = caf::atom_constant<caf::atom("careful")>;
/// (fatal_atom, reason): coordinator -> itself, the node must exit.
using fatal_atom = caf::atom_constant<caf::atom("fatal")>;

} // namespace aetherial::runtime

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aetherial::runtime::process_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aetherial::runtime::recover_host)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aetherial::runtime::host_ack)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aetherial::runtime::host_failure)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aetherial::runtime::host_state)
