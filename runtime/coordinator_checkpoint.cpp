#include <algorithm>

#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "runtime/coordinator_state.hpp"
#include "runtime/errc.hpp"

namespace aetherial::runtime::coordinator_detail {
namespace {

/// Asks the host for its state; nullopt when it cannot answer.
std::optional<host_state> host_state_of(self_ptr self, partition_slot& slot) {
  if (!slot.host || !slot.host_ready || slot.quarantined) return std::nullopt;
  std::optional<host_state> hs;
  caf::scoped_actor blocking{self->system()};
  blocking->request(slot.host, std::chrono::seconds(30), checkpt_atom::value)
      .receive([&](host_state& s) { hs = std::move(s); },
               [&](caf::error& err) {
                 spdlog::warn("agent {} partition {}: checkpoint skipped ({})", agent_name(self),
                              slot.ledger.partition(), self->system().render(err));
               });
  return hs;
}

/// After the checkpoint is durable: metrics, and the ledger moves on.
void finish(self_ptr self, partition_slot& slot, prepared_checkpoint&& c,
            steady_clock::time_point started) {
  auto& m = *self->state.env.host.metrics;
  if (c.stored_locally) {
    // The changes stored include every earlier unconfirmed one.
    slot.unstored.reset();
    if (slot.host) self->send(slot.host, stored_atom::value, c.handover);
  } else if (self->state.env.host.kind->uses_tables) {
    // The rows lag the committed checkpoint until the store takes these changes (every change
    // not yet confirmed, so the newest such checkpoint is the only one to keep).
    slot.unstored = partition_slot::unstored_tables{c.snap, std::move(c.rows), c.handover};
  }
  m.snapshot_size(c.snap.agent, c.partition).Set(static_cast<double>(c.encoded.size()));
  m.snapshot_duration(c.snap.agent).Observe(seconds_between(started, steady_clock::now()));
  slot.ledger.checkpoint_done(std::move(c.snap));
  slot.last_checkpoint = steady_clock::now();
  slot.checkpoint_soon = false;
  self->state.guard->checkpointed(c.partition, slot.ledger.position_offsets());
  if (slot.careful) {
    slot.careful = false;
    if (slot.host) self->send(slot.host, careful_atom::value, false);
  }
  update_backpressure(self, c.partition, slot);
}

} // namespace

bool must_restart_node(self_ptr self, const std::string& to_do) {
  for (auto& [p, slot] : self->state.parts)
    if (slot.unstored) {
      fail(self, "agent " + agent_name(self) + " partition " + std::to_string(p) + ": cannot " +
                     to_do +
                     " while its table rows lag the last checkpoint (the "
                     "local store did not take them); the node restarts and recovers");
      return true;
    }
  return false;
}

/// at_least_once: the partitions in `slots`, with one flush and one offset commit; returns
/// how many were checkpointed (a host that cannot answer is left for later).
int checkpoint_partitions(self_ptr self, const std::vector<partition_slot*>& slots) {
  const auto started = steady_clock::now();
  std::vector<prepared_checkpoint> batch;
  std::vector<partition_slot*> members;
  for (auto* slot : slots) {
    auto hs = host_state_of(self, *slot);
    if (!hs) continue;
    batch.push_back(prepare_checkpoint(agent_name(self), self->state.env.host.kind->state_version,
                                       slot->ledger, std::move(*hs),
                                       self->state.env.store->cipher()));
    members.push_back(slot);
  }
  if (batch.empty()) return 0;
  if (auto r = commit_at_least_once(*self->state.io, batch); !r) {
    spdlog::error("agent {}: checkpoint failed: {}", agent_name(self), r.error_value().message);
    return 0;
  }
  for (std::size_t i = 0; i < batch.size(); ++i)
    finish(self, *members[i], std::move(batch[i]), started);
  return static_cast<int>(batch.size());
}

/// at_least_once: one partition.
bool checkpoint_partition(self_ptr self, partition_slot& slot) {
  return checkpoint_partitions(self, {&slot}) == 1;
}

/// exactly_once: every partition of the kind in one transaction; returns how many.
int checkpoint_transaction(self_ptr self) {
  auto& st = self->state;
  if (st.failed) return 0;
  const auto started = steady_clock::now();
  std::vector<transaction_member> members;
  for (auto& [p, slot] : st.parts)
    if (!slot.quarantined) members.push_back({&slot.ledger, host_state_of(self, slot)});
  auto prepared = prepare_transaction(agent_name(self), st.env.host.kind->state_version,
                                      std::move(members), st.env.store->cipher());
  if (!prepared) return 0; // a busy host's outputs may be in this transaction: try later
  if (auto r = commit_transaction(*st.io, *prepared); !r) {
    if (is(r.error_value(), errc::transaction_fatal)) {
      fail(self, r.error_value().message);
      return 0;
    }
    spdlog::error("agent {}: {}; every host re-applies its tail", agent_name(self),
                  r.error_value().message);
    // The aborted transaction took the hosts' outputs with it: each host goes back to its
    // last checkpoint and applies its tail again, emitting into the next transaction.
    if (must_restart_node(self, "re-apply its tail")) return 0;
    for (auto& [p, slot] : st.parts) {
      if (!slot.host || !slot.host_ready) continue;
      recover_host msg;
      msg.snapshot = slot.ledger.last_snapshot();
      msg.tail = slot.ledger.live_tail();
      msg.suppress = 0;
      slot.ledger.unacknowledge_all();
      self->send(slot.host, recover_atom::value, std::move(msg));
    }
    return 0;
  }
  int n = 0;
  for (auto& c : *prepared) {
    auto it = st.parts.find(c.partition);
    if (it == st.parts.end()) continue;
    finish(self, it->second, std::move(c), started);
    ++n;
  }
  return n;
}

bool checkpoint(self_ptr self, partition_slot& slot) {
  if (exactly_once(self)) return checkpoint_transaction(self) > 0;
  return checkpoint_partition(self, slot);
}

int checkpoint_all(self_ptr self) {
  if (self->state.failed) return 0;
  if (exactly_once(self)) return checkpoint_transaction(self);
  std::vector<partition_slot*> all;
  for (auto& [p, slot] : self->state.parts)
    all.push_back(&slot);
  return checkpoint_partitions(self, all);
}

void maybe_checkpoint(self_ptr self) {
  auto& st = self->state;
  const auto now = steady_clock::now();
  const auto interval = std::chrono::milliseconds(st.env.options.checkpoint_interval_ms);
  const auto every = st.env.options.checkpoint_events;
  bool due = false;
  std::size_t live = 0;
  std::vector<partition_slot*> pending;
  for (auto& [p, slot] : st.parts) {
    if (slot.ledger.tail_empty()) continue;
    pending.push_back(&slot);
    live += slot.ledger.live();
    due = due || slot.ledger.live() >= 2 * every || slot.checkpoint_soon ||
          now - slot.last_checkpoint >= interval;
  }
  // Every partition with applied records goes into one checkpoint: its cost is mostly the
  // flush and the offset commit (or the transaction), the same for one partition or all. So
  // it is due once the partitions hold `every` records each on average, not when the first
  // reaches `every`: a poll delivers long runs of one partition, and that would checkpoint
  // the others half full. One busy partition still checkpoints at twice `every` at most.
  due = due || (!pending.empty() && live >= every * pending.size());
  if (!due) return;
  if (exactly_once(self))
    checkpoint_transaction(self);
  else
    checkpoint_partitions(self, pending);
}

void watch_storage(self_ptr self) {
  auto& st = self->state;
  auto& store = *st.env.store;
  const auto now = steady_clock::now();
  if (!st.storage_fault) {
    auto fault = store.fault();
    if (!fault) return;
    st.storage_fault = std::move(fault);
    st.storage_backoff = std::chrono::seconds(1);
    st.next_storage_probe = now + st.storage_backoff;
    st.env.host.metrics->storage_fault(agent_name(self)).Set(1);
    st.env.host.metrics->health().pause_agent(agent_name(self),
                                              "storage fault: " + *st.storage_fault);
    spdlog::error("agent {}: the local store cannot write ({}); consumption is paused until it "
                  "can (free space or make the data directory writable); checkpoints still go "
                  "to the snapshot topic",
                  agent_name(self), *st.storage_fault);
    for (auto& [p, slot] : st.parts)
      update_backpressure(self, p, slot);
    return;
  }
  if (now < st.next_storage_probe) return;
  auto probed = store.probe();
  // What the store missed while it failed: the partitions' last checkpoints, with the table
  // changes the rows still lack.
  for (auto& [p, slot] : st.parts) {
    if (!probed) break;
    if (slot.unstored) {
      probed = store.put(slot.unstored->snap, slot.unstored->rows);
      if (!probed) break;
      if (slot.host) self->send(slot.host, stored_atom::value, slot.unstored->handover);
      slot.unstored.reset();
    } else if (const auto& snap = slot.ledger.last_snapshot()) {
      probed = store.put(*snap);
    }
  }
  if (!probed) {
    st.storage_backoff =
        std::min<std::chrono::milliseconds>(2 * st.storage_backoff, std::chrono::seconds(30));
    st.next_storage_probe = now + st.storage_backoff;
    spdlog::warn("agent {}: the local store still cannot write ({}); next try in {} ms",
                 agent_name(self), probed.error_value().message, st.storage_backoff.count());
    return;
  }
  spdlog::info("agent {}: the local store writes again; consumption resumes", agent_name(self));
  st.storage_fault.reset();
  st.env.host.metrics->storage_fault(agent_name(self)).Set(0);
  st.env.host.metrics->health().resume_agent(agent_name(self));
  for (auto& [p, slot] : st.parts)
    update_backpressure(self, p, slot);
}

} // namespace aetherial::runtime::coordinator_detail
