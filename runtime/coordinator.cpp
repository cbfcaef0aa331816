#include "runtime/coordinator.hpp"

#include <chrono>
#include <csignal>
#include <map>
#include <set>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include "runtime/journal.hpp"

namespace aetherial::runtime {
namespace {

using steady = std::chrono::steady_clock;

/// A dispatched record as the coordinator remembers it until the next checkpoint.
struct tail_entry {
  std::shared_ptr<const input_record> in;
  bool skipped = false; ///< dead-lettered after the agent kept throwing on it
};

/// Everything the coordinator tracks about one partition (all input topics' partition p).
struct partition_track {
  std::vector<std::int64_t> position;     ///< next offset per input topic (dispatched up to)
  std::vector<std::int64_t> checkpointed; ///< offsets of the last checkpoint
  std::vector<tail_entry> tail;           ///< dispatched since the last checkpoint, in order
  std::size_t live = 0;                   ///< non-skipped tail entries
  std::size_t acked = 0;                  ///< non-skipped tail entries acknowledged
  std::optional<storage::snapshot> last_snapshot;
  std::uint64_t journal_seq = 0;
  caf::actor host;
  bool host_ready = false;
  bool quarantined = false;
  bool paused = false;
  std::map<std::pair<std::string, std::int64_t>, int> failures;
  steady::time_point last_checkpoint = steady::now();
  std::size_t assigned_topics = 0;
  std::vector<topics::record> early; ///< delivered before the partition's state was recovered
};

} // namespace

/// State of the coordinator actor.
struct coordinator_state {
  coordinator_env env;
  std::unique_ptr<topics::consumer> consumer;
  std::unique_ptr<topics::rebalance_listener> listener;
  caf::actor supervisor;
  std::vector<std::string> input_topics; ///< full names, in the agent's input order
  std::map<std::string, int> topic_index;
  std::map<std::int32_t, partition_track> parts;
  bool stopping = false;
  std::chrono::steady_clock::time_point next_lag_update{};
  static inline const char* name = "aetherial.coordinator";
};

namespace {

using self_ptr = caf::stateful_actor<coordinator_state>*;

const std::string& agent_name(self_ptr self) {
  return self->state.env.host.kind->name;
}

std::vector<topics::topic_partition> partition_offsets(self_ptr self, std::int32_t p,
                                                       const std::vector<std::int64_t>& offs) {
  std::vector<topics::topic_partition> out;
  for (std::size_t t = 0; t < offs.size(); ++t)
    if (offs[t] >= 0) out.push_back({self->state.input_topics[t], p, offs[t]});
  return out;
}

std::vector<topics::topic_partition> all_topic_partitions(self_ptr self, std::int32_t p) {
  std::vector<topics::topic_partition> out;
  for (const auto& t : self->state.input_topics)
    out.push_back({t, p});
  return out;
}

void update_backpressure(self_ptr self, std::int32_t p, partition_track& pt) {
  const auto inflight = pt.live - pt.acked;
  const auto limit = self->state.env.options.max_inflight;
  self->state.env.host.metrics->inflight(agent_name(self), p).Set(static_cast<double>(inflight));
  const bool should_pause = pt.quarantined || inflight >= limit;
  if (should_pause && !pt.paused) {
    if (auto r = self->state.consumer->pause(all_topic_partitions(self, p)); r) pt.paused = true;
  } else if (!should_pause && pt.paused && inflight <= limit / 2) {
    if (auto r = self->state.consumer->resume(all_topic_partitions(self, p)); r) pt.paused = false;
  }
}

/// Tail entries the host must (re)apply, in order.
input_batch live_tail(const partition_track& pt) {
  input_batch out;
  out.reserve(pt.live);
  for (const auto& e : pt.tail)
    if (!e.skipped) out.push_back(e.in);
  return out;
}

/// A checkpoint of one partition, built but not yet published.
struct prepared_checkpoint {
  std::int32_t partition = 0;
  storage::snapshot snap;
  std::string key;
  std::vector<std::uint8_t> journal; ///< empty when nothing was applied since the last one
  std::vector<std::uint8_t> encoded; ///< the snapshot record
  steady::time_point started;
};

/// Asks the host for its state and builds the journal and snapshot records. No side effects.
std::optional<prepared_checkpoint> prepare_checkpoint(self_ptr self, std::int32_t p,
                                                      const partition_track& pt) {
  auto& env = self->state.env;
  if (!pt.host || !pt.host_ready || pt.quarantined) return std::nullopt;
  prepared_checkpoint c;
  c.partition = p;
  c.started = steady::now();
  std::optional<host_state> hs;
  {
    caf::scoped_actor blocking{self->system()};
    blocking->request(pt.host, std::chrono::seconds(30), checkpt_atom::value)
        .receive([&](host_state& s) { hs = std::move(s); },
                 [&](caf::error& err) {
                   spdlog::warn("agent {} partition {}: checkpoint skipped ({})", agent_name(self),
                                p, self->system().render(err));
                 });
  }
  if (!hs) return std::nullopt;
  auto& snap = c.snap;
  snap.agent = agent_name(self);
  snap.partition = p;
  snap.state_version = env.host.kind->state_version;
  for (const auto& tp : partition_offsets(self, p, pt.position))
    snap.offsets.push_back({tp.topic, tp.partition, tp.offset});
  snap.events_applied = hs->events_applied;
  snap.last_event_time_ms = hs->last_event_time_ms;
  snap.state = std::move(hs->state);
  snap.journal_seq = pt.journal_seq;
  c.key = snap.agent + "/" + std::to_string(p);
  if (!pt.tail.empty()) {
    journal_entry je;
    je.agent = snap.agent;
    je.partition = p;
    je.seq = pt.journal_seq;
    je.begin = partition_offsets(self, p, pt.checkpointed);
    for (const auto& e : pt.tail)
      if (!e.skipped) journal_append(je.segments, e.in->topic_index, e.in->rec.offset);
    c.journal = encode_journal(je);
    snap.journal_seq = pt.journal_seq + 1;
  }
  c.encoded = storage::encode_snapshot(snap);
  return c;
}

/// Queues the journal and snapshot records on the host producer (the transaction in
/// exactly_once).
bool write_checkpoint_records(self_ptr self, const prepared_checkpoint& c) {
  auto& env = self->state.env;
  if (!c.journal.empty()) {
    if (auto r = env.host.producer->send(env.host.catalog->name(topics::catalog::journal), -1,
                                         c.key, c.journal.data(), c.journal.size());
        !r) {
      spdlog::error("agent {} partition {}: journal write failed: {}", c.snap.agent, c.partition,
                    r.error_value().message);
      return false;
    }
  }
  if (auto r = env.host.producer->send(env.host.catalog->name(topics::catalog::snapshots), -1,
                                       c.key, c.encoded.data(), c.encoded.size());
      !r) {
    spdlog::error("agent {} partition {}: snapshot record not sent: {}", c.snap.agent, c.partition,
                  r.error_value().message);
    return false;
  }
  return true;
}

/// After the checkpoint is durable in Kafka: the local snapshot, metrics, and a new tail.
void finish_checkpoint(self_ptr self, partition_track& pt, prepared_checkpoint&& c) {
  auto& env = self->state.env;
  if (auto r = env.store->put(c.snap); !r)
    spdlog::error("agent {} partition {}: snapshot not stored locally: {}", c.snap.agent,
                  c.partition, r.error_value().message);
  env.host.metrics->snapshot_size(c.snap.agent, c.partition)
      .Set(static_cast<double>(c.encoded.size()));
  env.host.metrics->snapshot_duration(c.snap.agent)
      .Observe(std::chrono::duration<double>(steady::now() - c.started).count());
  pt.journal_seq = c.snap.journal_seq;
  pt.checkpointed = pt.position;
  pt.tail.clear();
  pt.live = 0;
  pt.acked = 0;
  pt.failures.clear();
  pt.last_snapshot = std::move(c.snap);
  pt.last_checkpoint = steady::now();
  update_backpressure(self, c.partition, pt);
}

bool exactly_once(self_ptr self) {
  return self->state.env.options.guarantee == "exactly_once";
}

/// at_least_once: journal, snapshot, flush every emitted record, persist, commit offsets.
/// Returns false if the host could not answer or Kafka refused.
bool checkpoint_partition(self_ptr self, std::int32_t p, partition_track& pt) {
  auto& env = self->state.env;
  auto c = prepare_checkpoint(self, p, pt);
  if (!c || !write_checkpoint_records(self, *c)) return false;
  if (auto r = env.host.producer->flush(topics::ms{30000}); !r) {
    spdlog::error("agent {} partition {}: flush before commit failed: {}", c->snap.agent, p,
                  r.error_value().message);
    return false;
  }
  if (auto r = self->state.consumer->commit(partition_offsets(self, p, pt.position)); !r)
    spdlog::warn("agent {} partition {}: offset commit failed: {}", c->snap.agent, p,
                 r.error_value().message);
  finish_checkpoint(self, pt, std::move(*c));
  return true;
}

/// exactly_once: every partition of this agent kind in one transaction — emitted events,
/// journal and snapshot records, and the consumer offsets. On failure the transaction is
/// aborted and every host goes back to its last checkpoint and applies its tail again,
/// emitting into the next transaction. Returns the number of partitions checkpointed.
int checkpoint_transaction(self_ptr self) {
  auto& st = self->state;
  auto& env = st.env;
  auto& producer = *env.host.producer;
  std::vector<prepared_checkpoint> prepared;
  std::vector<topics::topic_partition> offsets;
  for (auto& [p, pt] : st.parts) {
    if (pt.quarantined) continue;
    auto c = prepare_checkpoint(self, p, pt);
    if (!c) {
      // A host that cannot answer may have outputs in this transaction: committing now
      // would separate them from their offsets. Try again at the next interval.
      if (!pt.tail.empty()) return 0;
      continue;
    }
    for (auto& tp : partition_offsets(self, p, pt.position))
      offsets.push_back(std::move(tp));
    prepared.push_back(std::move(*c));
  }
  bool ok = true;
  for (const auto& c : prepared)
    ok = ok && write_checkpoint_records(self, c);
  if (ok) {
    if (auto r = producer.send_offsets_to_transaction(offsets, *st.consumer, topics::ms{30000});
        !r) {
      spdlog::error("agent {}: offsets not added to the transaction: {}", agent_name(self),
                    r.error_value().message);
      ok = false;
    }
  }
  if (ok) {
    if (auto r = producer.commit_transaction(topics::ms{60000}); !r) {
      spdlog::error("agent {}: transaction commit failed: {}", agent_name(self),
                    r.error_value().message);
      ok = false;
    }
  }
  if (!ok) {
    if (auto r = producer.abort_transaction(topics::ms{60000}); !r) {
      spdlog::critical("agent {}: transaction abort failed ({}); stopping so that a restart "
                       "recovers from the last committed checkpoint",
                       agent_name(self), r.error_value().message);
      std::raise(SIGTERM);
      return 0;
    }
    for (auto& [p, pt] : st.parts) {
      if (!pt.host || !pt.host_ready) continue;
      recover_host msg;
      msg.snapshot = pt.last_snapshot;
      msg.tail = live_tail(pt);
      msg.suppress = 0; // the aborted transaction took their outputs with it
      pt.acked = 0;
      self->send(pt.host, recover_atom::value, std::move(msg));
    }
  }
  if (auto r = producer.begin_transaction(); !r) {
    spdlog::critical("agent {}: cannot begin a transaction ({}); stopping", agent_name(self),
                     r.error_value().message);
    std::raise(SIGTERM);
    return 0;
  }
  if (!ok) return 0;
  int n = 0;
  for (auto& c : prepared) {
    auto& pt = st.parts[c.partition];
    finish_checkpoint(self, pt, std::move(c));
    ++n;
  }
  return n;
}

/// Checkpoints partition p (every partition, in exactly_once).
bool checkpoint(self_ptr self, std::int32_t p, partition_track& pt) {
  if (exactly_once(self)) return checkpoint_transaction(self) > 0;
  return checkpoint_partition(self, p, pt);
}

/// Checkpoints every partition; returns how many were checkpointed.
int checkpoint_all(self_ptr self) {
  if (exactly_once(self)) return checkpoint_transaction(self);
  int n = 0;
  for (auto& [p, pt] : self->state.parts)
    if (checkpoint_partition(self, p, pt)) ++n;
  return n;
}

void accept(self_ptr self, partition_track& pt, topics::record&& r,
            std::map<std::int32_t, process_batch>& batches);
void send_batches(self_ptr self, std::map<std::int32_t, process_batch>& batches);

/// State at assignment: newest local snapshot not past the committed offsets, and the
/// journaled records between it and the committed offsets.
void recover_partition(self_ptr self, std::int32_t p, partition_track& pt) {
  auto& st = self->state;
  auto& env = st.env;
  const auto n = st.input_topics.size();
  pt.position.assign(n, -1);
  pt.checkpointed.assign(n, -1);
  auto committed = st.consumer->committed(all_topic_partitions(self, p), topics::ms{10000});
  std::vector<std::int64_t> commit(n, -1);
  if (committed) {
    for (const auto& tp : committed.value()) {
      auto it = st.topic_index.find(tp.topic);
      if (it != st.topic_index.end() && tp.offset >= 0)
        commit[static_cast<std::size_t>(it->second)] = tp.offset;
    }
  } else {
    spdlog::warn("agent {} partition {}: committed offsets unavailable: {}", agent_name(self), p,
                 committed.error_value().message);
  }
  const bool has_commit = std::any_of(commit.begin(), commit.end(), [](auto o) { return o >= 0; });
  auto offset_of = [&](const storage::snapshot& s, std::size_t t) -> std::int64_t {
    for (const auto& o : s.offsets)
      if (o.topic == st.input_topics[t] && o.partition == p) return o.offset;
    return -1;
  };
  std::optional<storage::snapshot> snap;
  bool from_topic = false;
  if (has_commit) {
    std::size_t corrupt = 0;
    auto found = env.store->latest_valid(
        agent_name(self), p,
        [&](const storage::snapshot& s) {
          for (std::size_t t = 0; t < n; ++t)
            if (offset_of(s, t) > std::max<std::int64_t>(commit[t], 0)) return false;
          return s.state_version == env.host.kind->state_version;
        },
        &corrupt);
    if (corrupt > 0)
      spdlog::warn("agent {} partition {}: skipped {} corrupt snapshot(s)", agent_name(self), p,
                   corrupt);
    if (found && found.value()) {
      snap = std::move(*found.value());
    } else {
      // Not here: the partition may come from another node, which left its snapshot on the
      // snapshot topic.
      auto remote =
          read_snapshot_topic(env.kafka, env.host.catalog->name(topics::catalog::snapshots),
                              agent_name(self), p, [&](const storage::snapshot& s) {
                                for (std::size_t t = 0; t < n; ++t)
                                  if (offset_of(s, t) > std::max<std::int64_t>(commit[t], 0))
                                    return false;
                                return s.state_version == env.host.kind->state_version;
                              });
      if (remote && remote.value()) {
        snap = std::move(*remote.value());
        from_topic = true;
      } else if (!remote) {
        spdlog::warn("agent {} partition {}: snapshot topic unreadable: {}", agent_name(self), p,
                     remote.error_value().message);
      }
    }
  }
  bool exact = snap.has_value();
  if (snap)
    for (std::size_t t = 0; t < n; ++t)
      if (offset_of(*snap, t) != std::max<std::int64_t>(commit[t], 0) &&
          !(commit[t] < 0 && offset_of(*snap, t) <= 0))
        exact = false;

  recover_host msg;
  const char* source = "empty";
  if (snap) {
    for (std::size_t t = 0; t < n; ++t) {
      pt.position[t] = offset_of(*snap, t);
      pt.checkpointed[t] = pt.position[t];
    }
    pt.journal_seq = snap->journal_seq;
    source = from_topic ? "snapshot_topic" : "snapshot";
  }
  if (has_commit && !exact) {
    // The snapshot (if any) is older than the committed offsets: replay what the journal
    // says happened in between, with emission suppressed.
    auto index =
        read_journal(env.kafka, env.host.catalog->name(topics::catalog::journal), agent_name(self));
    if (index) {
      std::vector<const journal_entry*> entries;
      auto& mine = index.value()[p];
      for (auto it = mine.lower_bound(pt.journal_seq); it != mine.end(); ++it)
        entries.push_back(&it->second);
      auto inputs = fetch_journaled_inputs(env.kafka, st.input_topics, p, entries);
      if (inputs) {
        msg.tail = std::move(inputs.value());
        msg.suppress = msg.tail.size();
        if (!entries.empty()) pt.journal_seq = entries.back()->seq + 1;
        source = "replay";
      } else {
        spdlog::error("agent {} partition {}: journal replay impossible: {}", agent_name(self), p,
                      inputs.error_value().message);
      }
    } else {
      spdlog::error("agent {} partition {}: journal unreadable: {}", agent_name(self), p,
                    index.error_value().message);
    }
    for (std::size_t t = 0; t < n; ++t) {
      pt.position[t] = commit[t];
      pt.checkpointed[t] = commit[t];
    }
  }
  env.host.metrics->recoveries(agent_name(self), source).Increment();
  spdlog::info("agent {} partition {}: recovered from {} ({} events replayed)", agent_name(self), p,
               source, msg.tail.size());
  msg.snapshot = std::move(snap);
  pt.last_snapshot = msg.snapshot;
  // The consumer starts at the committed offsets, which is where the recovered state ends.
  pt.tail.clear();
  pt.live = pt.acked = 0;
  if (pt.host) {
    self->send(pt.host, recover_atom::value, std::move(msg));
    pt.host_ready = true;
    if (std::string(source) == "replay") checkpoint(self, p, pt);
  }
  std::map<std::int32_t, process_batch> batches;
  auto early = std::move(pt.early);
  pt.early.clear();
  for (auto& r : early)
    accept(self, pt, std::move(r), batches);
  send_batches(self, batches);
}

class listener_impl final : public topics::rebalance_listener {
public:
  explicit listener_impl(self_ptr self) : self_(self) {}
  void on_assigned(const std::vector<topics::topic_partition>& tps) override {
    auto& st = self_->state;
    std::set<std::int32_t> fresh;
    for (const auto& tp : tps) {
      auto& pt = st.parts[tp.partition];
      if (pt.assigned_topics++ == 0) fresh.insert(tp.partition);
    }
    for (auto p : fresh) {
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
      auto& pt = st.parts[p];
      if (!exactly_once(self_)) checkpoint_partition(self_, p, pt);
      self_->send(st.supervisor, stop_atom::value, p);
      spdlog::info("agent {}: partition {} revoked", agent_name(self_), p);
      st.parts.erase(p);
    }
  }

private:
  self_ptr self_;
};

/// Takes one delivered record into the partition's tail; queues it for the host.
void accept(self_ptr self, partition_track& pt, topics::record&& r,
            std::map<std::int32_t, process_batch>& batches) {
  auto& st = self->state;
  auto ti = st.topic_index.find(r.topic);
  if (ti == st.topic_index.end()) return;
  if (pt.position.empty()) { // state not recovered yet: keep it for later
    pt.early.push_back(std::move(r));
    return;
  }
  const auto t = static_cast<std::size_t>(ti->second);
  if (pt.position[t] >= 0 && r.offset < pt.position[t])
    return; // already covered by the recovered state
  auto in = std::make_shared<input_record>();
  in->topic_index = ti->second;
  in->rec = std::move(r);
  pt.position[t] = in->rec.offset + 1;
  // The checkpoint interval runs from the first event not yet checkpointed.
  if (pt.tail.empty()) pt.last_checkpoint = steady::now();
  pt.tail.push_back({in, false});
  ++pt.live;
  if (pt.host && pt.host_ready) batches[in->rec.partition].records.push_back(std::move(in));
}

void send_batches(self_ptr self, std::map<std::int32_t, process_batch>& batches) {
  auto& st = self->state;
  for (auto& [p, b] : batches) {
    auto& pt = st.parts[p];
    if (!b.records.empty() && pt.host) self->send(pt.host, process_atom::value, std::move(b));
    update_backpressure(self, p, pt);
  }
}

void dispatch(self_ptr self, std::vector<topics::record>& records) {
  auto& st = self->state;
  std::map<std::int32_t, process_batch> batches;
  for (auto& r : records) {
    auto pit = st.parts.find(r.partition);
    if (pit == st.parts.end()) continue;
    accept(self, pit->second, std::move(r), batches);
  }
  send_batches(self, batches);
}

void maybe_checkpoint(self_ptr self) {
  auto& st = self->state;
  const auto now = steady::now();
  const auto interval = std::chrono::milliseconds(st.env.options.checkpoint_interval_ms);
  for (auto& [p, pt] : st.parts) {
    if (pt.tail.empty()) continue;
    if (pt.live >= st.env.options.checkpoint_events || now - pt.last_checkpoint >= interval) {
      if (exactly_once(self)) {
        checkpoint_transaction(self);
        return;
      }
      checkpoint_partition(self, p, pt);
    }
  }
}

/// Publishes consumer lag (per partition gauges and the total) about once a second, and
/// logs what the consumer reported as errors since the last time.
void report_lag(self_ptr self) {
  auto& st = self->state;
  const auto now = steady::now();
  if (now < st.next_lag_update) return;
  st.next_lag_update = now + std::chrono::seconds(1);
  std::int64_t total = 0;
  for (const auto& tp : st.consumer->lag()) {
    total += tp.offset;
    st.env.host.metrics->consumer_lag(agent_name(self), tp.topic, tp.partition)
        .Set(static_cast<double>(tp.offset));
  }
  if (st.env.lag_total) st.env.lag_total->store(total);
  for (const auto& e : st.consumer->take_errors())
    spdlog::warn("agent {}: {}", agent_name(self), e.message);
}

caf::behavior coordinator_behavior(self_ptr self, coordinator_env env) {
  self->state.env = std::move(env);
  auto& st = self->state;
  for (const auto& t : st.env.host.kind->input_topics) {
    st.topic_index[st.env.host.catalog->name(t)] = static_cast<int>(st.input_topics.size());
    st.input_topics.push_back(st.env.host.catalog->name(t));
  }
  st.supervisor = self->spawn<caf::linked>(supervisor_actor, st.env.host, st.env.options.restart,
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
        if (auto r = s.consumer->subscribe(s.input_topics); !r)
          return caf::make_error(caf::sec::runtime_error, r.error_value().to_string());
        spdlog::info("agent {}: consuming {} as group {}", agent_name(self), s.input_topics.size(),
                     group);
        self->send(self, poll_atom::value);
        return true;
      },
      [=](poll_atom) {
        auto& s = self->state;
        if (s.stopping || !s.consumer) return;
        auto records = s.consumer->poll(5000, topics::ms{20});
        if (!records.empty()) dispatch(self, records);
        maybe_checkpoint(self);
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
        auto& pt = it->second;
        const bool first = !pt.host_ready && !pt.last_snapshot && pt.position.empty();
        pt.host = std::move(host);
        if (first) {
          recover_partition(self, p, pt);
          return;
        }
        // A restart: the last checkpoint's state plus everything dispatched since; what was
        // acknowledged before the failure is applied again without emitting.
        recover_host msg;
        msg.snapshot = pt.last_snapshot;
        msg.tail = live_tail(pt);
        msg.suppress = pt.acked;
        spdlog::info("agent {} partition {}: restoring state ({} events replayed, {} to apply)",
                     agent_name(self), p, msg.suppress, msg.tail.size() - msg.suppress);
        s.env.host.metrics->recoveries(agent_name(self), "restart").Increment();
        self->send(pt.host, recover_atom::value, std::move(msg));
        pt.host_ready = true;
      },
      [=](host_down_atom, std::int32_t p, const std::string&) {
        auto it = self->state.parts.find(p);
        if (it == self->state.parts.end()) return;
        it->second.host = nullptr;
        it->second.host_ready = false;
      },
      [=](ack_atom, const host_ack& ack) {
        auto it = self->state.parts.find(ack.partition);
        if (it == self->state.parts.end()) return;
        auto& pt = it->second;
        pt.acked = std::min(pt.live, pt.acked + ack.count);
        update_backpressure(self, ack.partition, pt);
      },
      [=](failure_atom, const host_failure& f) {
        auto& s = self->state;
        auto it = s.parts.find(f.partition);
        if (it == s.parts.end()) return;
        auto& pt = it->second;
        const int attempts = ++pt.failures[{f.topic, f.offset}];
        if (attempts < s.env.options.retry_limit) return;
        for (auto& e : pt.tail) {
          if (e.skipped || e.in->rec.topic != f.topic || e.in->rec.offset != f.offset) continue;
          e.skipped = true;
          --pt.live;
          const auto reason = "agent " + agent_name(self) + " failed " + std::to_string(attempts) +
                              " times on this event: " + f.what;
          (void)topics::send_dead_letter(*s.env.host.producer,
                                         s.env.host.catalog->name(topics::catalog::dlq), e.in->rec,
                                         reason);
          s.env.host.metrics->dead_letters(agent_name(self), "agent_error").Increment();
          spdlog::warn("dead-lettered {}/{}@{} after {} attempts", f.topic, f.partition, f.offset,
                       attempts);
          break;
        }
      },
      [=](quarantine_atom, std::int32_t p, const std::string& reason) {
        auto& s = self->state;
        auto it = s.parts.find(p);
        if (it == s.parts.end()) return;
        it->second.quarantined = true;
        update_backpressure(self, p, it->second);
        // Operations sees the quarantine as an incident like any other.
        flatbuffers::FlatBufferBuilder b;
        const auto id = "quarantine-" + agent_name(self) + "-" + std::to_string(p);
        const auto service = "aetherial/" + agent_name(self);
        auto inc = schemas::fbs::CreateHealthIncidentDirect(
            b, id.c_str(), service.c_str(), "agent_quarantined", schemas::fbs::Severity::critical,
            reason.c_str());
        schemas::envelope_header h;
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        h.id = {schemas::mix64(static_cast<std::uint64_t>(now)),
                schemas::mix64(schemas::fnv1a(id) ^ static_cast<std::uint64_t>(now))};
        h.key = service;
        h.event_time_ms = now;
        h.principal = "runtime:" + s.env.options.instance_id;
        h.correlation = id;
        auto bytes =
            schemas::finish_envelope(b, h, schemas::fbs::Payload::HealthIncident, inc.Union());
        (void)s.env.host.producer->send(s.env.host.catalog->name(topics::catalog::health), -1,
                                        service, bytes.data(), bytes.size());
      },
      [=](checkpt_atom) -> int { return checkpoint_all(self); },
      [=](crash_atom, std::int32_t p) { self->send(self->state.supervisor, crash_atom::value, p); },
      [=](stop_atom) -> bool {
        auto& s = self->state;
        s.stopping = true;
        checkpoint_all(self);
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
