#include "runtime/coordinator.hpp"
#include "runtime/coordinator_state.hpp"

#include <map>
#include <set>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include "runtime/checkpoint.hpp"
#include "runtime/clock.hpp"
#include "runtime/crash_guard.hpp"
#include "runtime/errc.hpp"
#include "runtime/health.hpp"
#include "runtime/metrics.hpp"
#include "runtime/partition.hpp"
#include "runtime/recovery.hpp"
#include "runtime/supervisor.hpp"

namespace aetherial::runtime {
namespace coordinator_detail {

const std::string& agent_name(self_ptr self) {
  return self->state.env.host.kind->name;
}

/// The status board behind /healthz and /readyz.
health_board& board(self_ptr self) {
  return self->state.env.host.metrics->health();
}

bool exactly_once(self_ptr self) {
  return self->state.env.options.guarantee == guarantee::exactly_once;
}

std::vector<topics::topic_partition> all_topic_partitions(self_ptr self, std::int32_t p) {
  std::vector<topics::topic_partition> out;
  for (const auto& t : self->state.input_topics)
    out.push_back({t, p});
  return out;
}

void update_backpressure(self_ptr self, std::int32_t p, partition_slot& slot) {
  const auto inflight = slot.ledger.inflight();
  const auto limit = self->state.env.options.max_inflight;
  self->state.env.host.metrics->inflight(agent_name(self), p).Set(static_cast<double>(inflight));
  const bool hold = slot.quarantined || self->state.storage_fault.has_value();
  switch (flow_control(inflight, limit, hold, slot.paused)) {
    case flow::pause:
      if (self->state.consumer->pause(all_topic_partitions(self, p))) slot.paused = true;
      break;
    case flow::resume:
      if (self->state.consumer->resume(all_topic_partitions(self, p))) slot.paused = false;
      break;
    case flow::keep: break;
  }
}

void fail(self_ptr self, const std::string& reason) {
  auto& st = self->state;
  if (st.failed) return;
  st.failed = true;
  board(self).agent_failed(agent_name(self), reason);
  spdlog::critical("agent {}: {}; stopping so that a restart recovers from the last committed "
                   "checkpoint",
                   agent_name(self), reason);
  if (st.env.on_fatal) st.env.on_fatal("agent " + agent_name(self) + ": " + reason);
}

} // namespace coordinator_detail

namespace {

using namespace coordinator_detail;
using batches = std::map<std::int32_t, process_batch>;

/// Takes one delivered record (a topics::message, or an input_record held before recovery)
/// into the partition's ledger; queues it for the host.
template <class Delivered>
void accept(self_ptr self, partition_slot& slot, Delivered&& r, batches& out) {
  const bool was_empty = slot.ledger.tail_empty();
  std::shared_ptr<const input_record> in;
  if (slot.ledger.accept(std::forward<Delivered>(r), in) != partition_ledger::accepted::appended)
    return;
  if (slot.poison && in->topic_index == slot.poison->topic &&
      in->rec.offset == slot.poison->offset) {
    // The record the process died on, again and again: dead-lettered, never applied.
    (void)slot.ledger.skip(in->rec.topic, in->rec.offset);
    (void)dead_letter(self->state.env.host, in->rec,
                      "the process died " + std::to_string(slot.poison->deaths) +
                          " times while agent " + agent_name(self) + " applied it",
                      "crash");
    slot.poison.reset();
    return;
  }
  // The checkpoint interval runs from the first event not yet checkpointed.
  if (was_empty) slot.last_checkpoint = steady_clock::now();
  if (slot.host && slot.host_ready) out[slot.ledger.partition()].records.push_back(std::move(in));
}

void send_batches(self_ptr self, batches& bs) {
  auto& st = self->state;
  for (auto& [p, b] : bs) {
    auto it = st.parts.find(p);
    if (it == st.parts.end()) continue;
    auto& slot = it->second;
    if (!b.records.empty() && slot.host) self->send(slot.host, process_atom::value, std::move(b));
    update_backpressure(self, p, slot);
  }
}

void dispatch(self_ptr self, std::vector<topics::message>& records) {
  auto& st = self->state;
  batches bs;
  for (auto& r : records) {
    auto it = st.parts.find(r.view().partition);
    if (it == st.parts.end()) continue;
    accept(self, it->second, std::move(r), bs);
  }
  send_batches(self, bs);
}

/// State at assignment (runtime/recovery.hpp): the plan, then the host restores it.
void recover_partition(self_ptr self, std::int32_t p, partition_slot& slot) {
  auto& st = self->state;
  auto& env = st.env;
  recovery_request rq;
  rq.agent = agent_name(self);
  rq.partition = p;
  rq.topics = st.input_topics;
  rq.state_version = env.host.kind->state_version;
  rq.min_state_version = env.host.kind->min_state_version;
  rq.uses_tables = env.host.kind->uses_tables;
  if (rq.uses_tables) {
    auto at = env.store->tables_at(rq.agent, p);
    if (!at) {
      fail(self, "partition " + std::to_string(p) +
                     ": the position of its table rows is unreadable: " + at.error_value().message);
      return;
    }
    rq.tables_at = at.value();
  }
  auto committed = st.consumer->committed(all_topic_partitions(self, p), topics::ms{10000});
  if (!committed)
    spdlog::warn("agent {} partition {}: committed offsets unavailable: {}", rq.agent, p,
                 committed.error_value().message);
  rq.committed = committed_positions(rq.topics, committed ? committed.value()
                                                          : std::vector<topics::topic_partition>{});
  kafka_recovery_sources sources(env.kafka, *env.store,
                                 env.host.catalog->name(topics::catalog::journal),
                                 env.host.catalog->name(topics::catalog::snapshots),
                                 env.host.catalog->name(topics::catalog::changelog), rq);
  auto plan = plan_recovery(rq, sources);
  // Table rows that do not belong to the restored snapshot go: the log rebuilds them.
  if (rq.uses_tables && !plan.snapshot) {
    if (auto cleared = env.store->clear_tables(rq.agent, p); !cleared) {
      fail(self, "cannot clear the tables of partition " + std::to_string(p) + ": " +
                     cleared.error_value().message);
      return;
    }
  }
  for (const auto& note : plan.notes)
    spdlog::warn("agent {} partition {}: {}", rq.agent, p, note);
  env.host.metrics->recoveries(rq.agent, to_string(plan.source)).Increment();
  if (plan.corrupt_snapshots > 0)
    env.host.metrics->snapshots_corrupt(rq.agent).Increment(
        static_cast<double>(plan.corrupt_snapshots));
  spdlog::info("agent {} partition {}: recovered from {} ({} events replayed)", rq.agent, p,
               to_string(plan.source), plan.replay.size());
  // The consumer starts at the committed offsets, which is where the recovered state ends.
  slot.ledger.start_at(plan.position, plan.journal_seq);
  slot.ledger.set_last_snapshot(plan.snapshot);
  // exactly_once commits nothing until a checkpoint: after a recovery the first comes as soon
  // as there is something new, so that a process restarting often still makes progress.
  slot.checkpoint_soon = exactly_once(self);
  auto verdict = st.guard->on_recovery(p, slot.ledger.position_offsets());
  slot.careful = verdict.careful;
  if (verdict.careful)
    spdlog::warn("agent {} partition {}: recovering again from the same position (recovery {} in "
                 "a row): noting each record before applying it until the next checkpoint",
                 rq.agent, p, verdict.marker.recoveries);
  if (verdict.poison) {
    spdlog::error("agent {} partition {}: the process died {} times applying {}@{}; it will be "
                  "dead-lettered",
                  rq.agent, p, verdict.deaths, rq.topics[static_cast<std::size_t>(verdict.topic)],
                  verdict.offset);
    slot.poison = std::move(verdict);
  }
  if (slot.host) {
    recover_host msg;
    msg.careful = slot.careful;
    msg.snapshot = std::move(plan.snapshot);
    msg.suppress = plan.replay.size();
    msg.tail = std::move(plan.replay);
    self->send(slot.host, recover_atom::value, std::move(msg));
    slot.host_ready = true;
    // Replayed from the journal: checkpoint now, so the next recovery need not replay again.
    if (plan.source == recovery_source::replay) checkpoint(self, slot);
  }
  batches bs;
  for (auto& r : slot.ledger.take_held())
    accept(self, slot, std::move(r), bs);
  send_batches(self, bs);
}

class listener_impl final : public topics::rebalance_listener {
public:
  explicit listener_impl(self_ptr self) : self_(self) {}
  void on_assigned(const std::vector<topics::topic_partition>& tps) override {
    auto& st = self_->state;
    std::set<std::int32_t> fresh;
    for (const auto& tp : tps) {
      auto& slot = st.parts.try_emplace(tp.partition, tp.partition, st.input_topics).first->second;
      if (slot.assigned_topics++ == 0) fresh.insert(tp.partition);
    }
    for (auto p : fresh) {
      board(self_).partition_recovering(agent_name(self_), p);
      spdlog::info("agent {}: partition {} assigned", agent_name(self_), p);
      self_->send(st.supervisor, start_atom::value, p);
    }
  }
  void on_revoked(const std::vector<topics::topic_partition>& tps) override {
    auto& st = self_->state;
    std::set<std::int32_t> gone;
    for (const auto& tp : tps) {
      auto it = st.parts.find(tp.partition);
      if (it == st.parts.end()) continue;
      if (--it->second.assigned_topics == 0) gone.insert(tp.partition);
    }
    if (!gone.empty() && exactly_once(self_)) checkpoint_transaction(self_);
    for (auto p : gone) {
      auto it = st.parts.find(p);
      if (!exactly_once(self_) && !st.failed) checkpoint_partition(self_, it->second);
      if (!st.failed && it->second.ledger.tail_empty() && it->second.ledger.recovered())
        st.guard->released(p, it->second.ledger.position_offsets());
      self_->send(st.supervisor, stop_atom::value, p);
      spdlog::info("agent {}: partition {} revoked", agent_name(self_), p);
      st.parts.erase(it);
      board(self_).partition_revoked(agent_name(self_), p);
      st.env.host.metrics->forget_partition(agent_name(self_), p, st.input_topics);
    }
  }

private:
  self_ptr self_;
};

/// Publishes consumer lag about once a second; logs the consumer's errors since last time.
void report_lag(self_ptr self) {
  auto& st = self->state;
  const auto now = steady_clock::now();
  if (now < st.next_lag_update) return;
  st.next_lag_update = now + std::chrono::seconds(1);
  const auto lag = st.consumer->lag();
  const auto total = st.env.host.metrics->publish_lag(agent_name(self), lag);
  board(self).lag(agent_name(self), lag);
  if (st.env.lag_total) st.env.lag_total->store(total);
  for (const auto& e : st.consumer->take_errors())
    spdlog::warn("agent {}: {}", agent_name(self), e.message);
}

caf::behavior coordinator_behavior(self_ptr self, coordinator_env env) {
  self->state.env = std::move(env);
  auto& st = self->state;
  for (const auto& t : st.env.host.kind->input_topics)
    st.input_topics.push_back(st.env.host.catalog->name(t));
  st.guard = std::make_unique<crash_guard>(*st.env.store, st.env.host.kind->name,
                                           st.env.options.retry_limit);
  st.env.host.guard = st.guard.get();
  st.env.host.metrics->storage_fault(st.env.host.kind->name).Set(0);
  st.env.host.crash_on_key = st.env.options.fault_crash_on_key;
  supervisor_env senv;
  senv.host = st.env.host;
  senv.policy = st.env.options.restart;
  senv.retry_limit = st.env.options.retry_limit;
  senv.instance_id = st.env.options.instance_id;
  st.supervisor = self->spawn<caf::linked>(supervisor_actor, std::move(senv),
                                           caf::actor_cast<caf::actor>(self));
  return {
      [=](start_atom) -> caf::result<bool> {
        auto& s = self->state;
        s.listener = std::make_unique<listener_impl>(self);
        const auto group = s.env.options.group + "." + agent_name(self);
        auto c = topics::consumer::create(s.env.kafka, group, s.listener.get(),
                                          /*isolation_read_committed=*/exactly_once(self));
        if (!c) return caf::make_error(caf::sec::runtime_error, c.error_value().to_string());
        s.consumer = std::move(c.value());
        s.io = std::make_unique<kafka_checkpoint_io>(*s.env.producer, *s.consumer,
                                                     *s.env.host.catalog, *s.env.store);
        if (auto r = s.consumer->subscribe(s.input_topics); !r)
          return caf::make_error(caf::sec::runtime_error, r.error_value().to_string());
        spdlog::info("agent {}: consuming {} as group {}", agent_name(self), s.input_topics.size(),
                     group);
        board(self).agent_running(agent_name(self));
        self->send(self, poll_atom::value);
        return true;
      },
      [=](poll_atom) {
        auto& s = self->state;
        if (s.stopping || s.failed || !s.consumer) return;
        board(self).tick(agent_name(self));
        auto records = s.consumer->poll_messages(5000, topics::ms{20});
        if (auto fatal = s.consumer->fatal_error()) {
          // A fenced or otherwise dead consumer never delivers again: fail, so that the node
          // is replaced and every partition recovers from its last checkpoint.
          fail(self, "the consumer failed for good: " + *fatal);
          return;
        }
        if (auto fatal = s.env.producer->fatal_error()) {
          fail(self, "the producer failed for good: " + *fatal);
          return;
        }
        if (!records.empty()) dispatch(self, records);
        maybe_checkpoint(self);
        watch_storage(self);
        report_lag(self);
        self->send(self, poll_atom::value);
      },
      [=](host_up_atom, std::int32_t p, caf::actor host) {
        auto& s = self->state;
        auto it = s.parts.find(p);
        if (it == s.parts.end()) {
          self->send(s.supervisor, stop_atom::value, p);
          return;
        }
        auto& slot = it->second;
        const bool first =
            !slot.host_ready && !slot.ledger.last_snapshot() && !slot.ledger.recovered();
        slot.host = std::move(host);
        if (first) {
          recover_partition(self, p, slot);
          if (slot.host_ready) board(self).partition_consuming(agent_name(self), p);
          return;
        }
        // A restart: the last checkpoint's state plus everything dispatched since; what was
        // acknowledged before the failure is applied again without emitting. A new host reads
        // the stored rows: they must be the last checkpoint's.
        if (must_restart_node(self, "restart its host")) return;
        recover_host msg;
        msg.careful = slot.careful;
        msg.snapshot = slot.ledger.last_snapshot();
        msg.tail = slot.ledger.live_tail();
        msg.suppress = slot.ledger.acknowledged();
        spdlog::info("agent {} partition {}: restoring state ({} events replayed, {} to apply)",
                     agent_name(self), p, msg.suppress, msg.tail.size() - msg.suppress);
        s.env.host.metrics->recoveries(agent_name(self), "restart").Increment();
        self->send(slot.host, recover_atom::value, std::move(msg));
        slot.host_ready = true;
        board(self).partition_consuming(agent_name(self), p);
      },
      [=](host_down_atom, std::int32_t p, const std::string&) {
        auto it = self->state.parts.find(p);
        if (it == self->state.parts.end()) return;
        it->second.host = nullptr;
        it->second.host_ready = false;
        board(self).partition_recovering(agent_name(self), p);
      },
      [=](ack_atom, const host_ack& ack) {
        auto it = self->state.parts.find(ack.partition);
        if (it == self->state.parts.end()) return;
        it->second.ledger.acknowledge(ack.count);
        board(self).progress(agent_name(self), ack.partition);
        update_backpressure(self, ack.partition, it->second);
      },
      [=](skip_atom, std::int32_t p, const std::string& topic, std::int64_t offset) {
        auto it = self->state.parts.find(p);
        if (it != self->state.parts.end()) (void)it->second.ledger.skip(topic, offset);
      },
      [=](quarantine_atom, std::int32_t p, const std::string& why) {
        auto it = self->state.parts.find(p);
        if (it == self->state.parts.end()) return;
        it->second.quarantined = true;
        board(self).partition_paused(agent_name(self), p, "quarantined: " + why);
        update_backpressure(self, p, it->second);
      },
      [=](checkpt_atom) -> int { return checkpoint_all(self); },
      [=](crash_atom, std::int32_t p) { self->send(self->state.supervisor, crash_atom::value, p); },
      [=](stop_atom) -> bool {
        auto& s = self->state;
        s.stopping = true;
        checkpoint_all(self);
        if (!s.failed)
          for (auto& [p, slot] : s.parts)
            if (slot.ledger.tail_empty() && slot.ledger.recovered())
              s.guard->released(p, slot.ledger.position_offsets());
        if (s.consumer) {
          s.consumer->close();
          s.consumer.reset();
        }
        self->send(s.supervisor, stop_atom::value);
        self->quit();
        return true;
      },
  };
}

} // namespace

caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_env env) {
  return sys.spawn<caf::detached>(coordinator_behavior, std::move(env));
}

} // namespace aetherial::runtime
