#include "runtime/recovery.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include <spdlog/spdlog.h>

#include "runtime/clock.hpp"
#include "runtime/errc.hpp"
#include "schemas/partitioner.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::runtime {

namespace {

error journal_error(std::string message) {
  return make_error(errc::journal_unreadable, std::move(message));
}
constexpr topics::ms io_timeout{10000};
constexpr std::chrono::seconds idle_limit{30};

/// The snapshot's next offset of input topic `t`; -1 when it has none.
std::int64_t offset_of(const recovery_request& rq, const storage::snapshot& s, std::size_t t) {
  for (const auto& o : s.offsets)
    if (o.topic == rq.topics[t] && o.partition == rq.partition) return o.offset;
  return -1;
}

} // namespace

const char* to_string(recovery_source s) noexcept {
  switch (s) {
    case recovery_source::empty: return "empty";
    case recovery_source::snapshot: return "snapshot";
    case recovery_source::snapshot_topic: return "snapshot_topic";
    case recovery_source::replay: return "replay";
    case recovery_source::changelog: return "changelog";
  }
  return "empty";
}

std::vector<std::int64_t>
committed_positions(const std::vector<std::string>& topics,
                    const std::vector<topics::topic_partition>& committed) {
  std::vector<std::int64_t> out(topics.size(), -1);
  for (const auto& tp : committed)
    for (std::size_t t = 0; t < topics.size(); ++t)
      if (topics[t] == tp.topic && tp.offset >= 0) out[t] = tp.offset;
  return out;
}

recovery_plan plan_recovery(const recovery_request& rq, recovery_sources& sources) {
  recovery_plan plan;
  const auto n = rq.topics.size();
  auto commit = rq.committed;
  commit.resize(n, -1);
  plan.position.assign(n, -1);
  const bool has_commit = std::any_of(commit.begin(), commit.end(), [](auto o) { return o >= 0; });
  if (!has_commit) return plan; // nothing consumed yet: empty state from the start

  // One decision about state versions, here: a snapshot is usable when it is not past the
  // committed offsets and the kind reads its version (older readable ones are upgraded by
  // the agent's restore).
  std::set<std::uint32_t> refused_versions;
  std::size_t table_mismatches = 0;
  auto accept = [&](const storage::snapshot& s) {
    for (std::size_t t = 0; t < n; ++t)
      if (offset_of(rq, s, t) > std::max<std::int64_t>(commit[t], 0)) return false;
    if (s.state_version < rq.min_state_version || s.state_version > rq.state_version) {
      refused_versions.insert(s.state_version);
      return false;
    }
    return true;
  };
  // A local snapshot of a kind with tables: only the one the stored rows are at.
  auto accept_local = [&](const storage::snapshot& s) {
    if (!accept(s)) return false;
    if (rq.uses_tables && (!rq.tables_at || s.journal_seq != *rq.tables_at)) {
      ++table_mismatches;
      return false;
    }
    return true;
  };

  std::size_t corrupt = 0;
  auto local = sources.local(accept_local, corrupt);
  plan.corrupt_snapshots = corrupt;
  if (corrupt > 0)
    plan.notes.push_back("skipped " + std::to_string(corrupt) + " corrupt snapshot(s)");
  if (local && local.value()) {
    plan.snapshot = std::move(*local.value());
    plan.source = recovery_source::snapshot;
  } else {
    if (!local) plan.notes.push_back("local snapshots unreadable: " + local.error_value().message);
    // Not here: the partition may come from another node, which left its snapshot on the
    // snapshot topic.
    auto remote = sources.snapshot_topic(accept);
    if (remote && remote.value() && rq.uses_tables) {
      // Its rows come from the changelog, or the snapshot is of no use.
      auto restored = sources.restore_tables(*remote.value());
      if (restored && restored.value().restored) {
        plan.snapshot = std::move(*remote.value());
        plan.source = recovery_source::changelog;
        plan.notes.push_back("restored " + std::to_string(restored.value().rows) +
                             " table rows from the changelog (" +
                             std::to_string(restored.value().records) + " records read)");
      } else {
        plan.notes.push_back(
            "the changelog cannot restore the table rows of the snapshot on the topic (" +
            (restored ? restored.value().why_not : restored.error_value().message) +
            "): rebuilding the partition from the log");
      }
    } else if (remote && remote.value()) {
      plan.snapshot = std::move(*remote.value());
      plan.source = recovery_source::snapshot_topic;
    } else if (!remote) {
      plan.notes.push_back("snapshot topic unreadable: " + remote.error_value().message);
    }
  }
  for (auto v : refused_versions)
    plan.notes.push_back("refused a snapshot of state version " + std::to_string(v) + " (this " +
                         "build reads versions " + std::to_string(rq.min_state_version) + " to " +
                         std::to_string(rq.state_version) + ")" +
                         (plan.snapshot ? "" : ": rebuilding the partition from the log"));

  if (table_mismatches > 0)
    plan.notes.push_back("passed over " + std::to_string(table_mismatches) +
                         " local snapshot(s) whose table rows are not in the local store" +
                         (plan.snapshot ? "" : ": rebuilding the partition from the log"));
  bool exact = plan.snapshot.has_value();
  if (plan.snapshot) {
    for (std::size_t t = 0; t < n; ++t) {
      const auto o = offset_of(rq, *plan.snapshot, t);
      plan.position[t] = o;
      if (o != std::max<std::int64_t>(commit[t], 0) && !(commit[t] < 0 && o <= 0)) exact = false;
    }
    plan.journal_seq = plan.snapshot->journal_seq;
  }
  if (exact) return plan;

  // The snapshot (if any) is older than the committed offsets: replay what the journal says
  // happened in between, with emission suppressed.
  auto entries = sources.journal(plan.journal_seq);
  if (!entries) {
    plan.notes.push_back("journal unreadable: " + entries.error_value().message);
  } else {
    auto inputs = sources.fetch(entries.value());
    if (inputs) {
      plan.replay = std::move(inputs.value());
      if (!entries.value().empty()) plan.journal_seq = entries.value().back().seq + 1;
      plan.source = recovery_source::replay;
    } else {
      plan.notes.push_back("journal replay impossible: " + inputs.error_value().message);
    }
  }
  plan.position = commit;
  return plan;
}

namespace {

/// Reads `from` on a reader already created (one client for the whole read): `poll(r)`
/// returns a batch, `each(batch)` takes it.
template <class Poll, class Each>
result<std::size_t> read_loop(topics::reader& r, const std::vector<topics::topic_partition>& from,
                              Poll&& poll, Each&& each,
                              const std::function<void(std::size_t)>& progress) {
  if (from.empty()) return std::size_t{0};
  if (auto a = r.assign(from); !a) return a.error_value();
  // Read up to where each partition ends now: records produced meanwhile are not waited for.
  if (auto b = r.bound_to_current_end(io_timeout); !b) return b.error_value();
  std::size_t seen = 0;
  std::size_t ended = 0;
  auto last_progress = steady_clock::now();
  while (!r.at_end()) {
    auto batch = poll(r);
    const auto now = steady_clock::now();
    if (batch.empty()) {
      // Partitions reaching their end count as progress too.
      if (const auto n = r.partitions_at_end(); n > ended) {
        ended = n;
        last_progress = now;
      }
      if (now - last_progress > idle_limit)
        return journal_error("timed out reading " + from.front().topic);
      continue;
    }
    last_progress = now;
    seen += batch.size();
    each(batch);
    if (progress) progress(seen);
  }
  return seen;
}

/// read_partitions on a reader already created.
result<std::size_t> read_with(topics::reader& r, const std::vector<topics::topic_partition>& from,
                              const std::function<void(topics::record&)>& each,
                              const std::function<void(std::size_t)>& progress) {
  return read_loop(
      r, from, [](topics::reader& rd) { return rd.poll(10000, topics::ms{200}); },
      [&](std::vector<topics::record>& batch) {
        for (auto& rec : batch)
          each(rec);
      },
      progress);
}

} // namespace

result<std::size_t> read_topic(const topics::kafka_config& cfg, const std::string& topic,
                               const std::function<void(topics::record&)>& each,
                               const std::function<void(std::size_t)>& progress) {
  return read_topics(cfg, {topic}, each, progress);
}

result<std::size_t> read_topics(const topics::kafka_config& cfg,
                                const std::vector<std::string>& topics,
                                const std::function<void(topics::record&)>& each,
                                const std::function<void(std::size_t)>& progress) {
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  std::vector<topics::topic_partition> from;
  for (const auto& topic : topics) {
    auto parts = rd.value()->partition_count(topic, io_timeout);
    if (!parts) return parts.error_value();
    for (std::int32_t p = 0; p < parts.value(); ++p)
      from.push_back({topic, p, -2});
  }
  return read_with(*rd.value(), from, each, progress);
}

result<std::size_t> read_partitions(const topics::kafka_config& cfg,
                                    const std::vector<topics::topic_partition>& from,
                                    const std::function<void(topics::record&)>& each,
                                    const std::function<void(std::size_t)>& progress) {
  if (from.empty()) return std::size_t{0};
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  return read_with(*rd.value(), from, each, progress);
}

result<std::size_t>
read_partition_messages(topics::reader& reader, const std::vector<topics::topic_partition>& from,
                        const std::function<void(std::vector<topics::message>&)>& each_batch,
                        const std::function<void(std::size_t)>& progress) {
  return read_loop(
      reader, from, [](topics::reader& r) { return r.poll_messages(10000, topics::ms{200}); },
      each_batch, progress);
}

result<std::map<std::string, journal_index>>
read_journals(const topics::kafka_config& cfg, const std::string& journal_topic,
              const std::function<void(std::size_t)>& progress) {
  std::map<std::string, journal_index> all;
  auto read = read_topic(
      cfg, journal_topic,
      [&](topics::record& rec) {
        auto e = decode_journal(rec.value.data(), rec.value.size());
        if (!e) return;
        auto& entry = e.value();
        all[entry.agent][entry.partition][entry.seq] = std::move(entry);
      },
      progress);
  if (!read) return read.error_value();
  return all;
}

result<journal_index> read_journal(const topics::kafka_config& cfg,
                                   const std::string& journal_topic, const std::string& agent,
                                   const std::function<void(std::size_t)>& progress) {
  journal_index index;
  auto read = read_topic(
      cfg, journal_topic,
      [&](topics::record& rec) {
        auto e = decode_journal(rec.value.data(), rec.value.size());
        if (!e || e.value().agent != agent) return;
        auto& entry = e.value();
        index[entry.partition][entry.seq] = std::move(entry);
      },
      progress);
  if (!read) return read.error_value();
  return index;
}

result<std::optional<storage::snapshot>>
read_snapshot_topic(const topics::kafka_config& cfg, const std::string& snapshot_topic,
                    const std::string& agent, std::int32_t partition,
                    const std::function<bool(const storage::snapshot&)>& accept,
                    const storage::state_cipher* cipher) {
  const std::string key = agent + "/" + std::to_string(partition);
  std::optional<storage::snapshot> best;
  auto read = read_topic(cfg, snapshot_topic, [&](topics::record& rec) {
    if (rec.key != key) return;
    auto s = storage::decode_snapshot(rec.value.data(), rec.value.size(), cipher);
    if (!s || s.value().agent != agent || s.value().partition != partition) return;
    if (accept && !accept(s.value())) return;
    if (!best || s.value().journal_seq >= best->journal_seq) best = std::move(s.value());
  });
  if (!read) return read.error_value();
  return best;
}

result<input_batch> fetch_journaled_inputs(const topics::kafka_config& cfg,
                                           const std::vector<std::string>& input_topics,
                                           std::int32_t partition,
                                           const std::vector<const journal_entry*>& entries) {
  input_batch out;
  auto r = for_each_journaled_input(cfg, input_topics, partition, entries,
                                    [&](input_record& in) -> result<void> {
                                      out.push_back(std::make_shared<input_record>(std::move(in)));
                                      return {};
                                    });
  if (!r) return r.error_value();
  return out;
}

result<std::size_t>
for_each_journaled_input(const topics::kafka_config& cfg,
                         const std::vector<std::string>& input_topics, std::int32_t partition,
                         const std::vector<const journal_entry*>& entries,
                         const std::function<result<void>(input_record&)>& each) {
  std::size_t done = 0;
  const auto n_topics = input_topics.size();
  std::vector<std::int64_t> start(n_topics, -1);
  std::size_t total = 0;
  for (const auto* e : entries)
    for (const auto& s : e->segments) {
      if (s.topic_index < 0 || static_cast<std::size_t>(s.topic_index) >= n_topics)
        return journal_error("journal names input topic index " + std::to_string(s.topic_index) +
                             ", the agent has " + std::to_string(n_topics));
      auto& st = start[static_cast<std::size_t>(s.topic_index)];
      if (st < 0 || s.first_offset < st) st = s.first_offset;
      total += static_cast<std::size_t>(s.count);
    }
  if (total == 0) return done;
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  auto& r = *rd.value();
  std::vector<topics::topic_partition> from;
  std::vector<std::int64_t> high(n_topics, 0);
  std::vector<bool> read(n_topics, false);
  for (std::size_t t = 0; t < n_topics; ++t) {
    if (start[t] < 0) continue;
    auto wm = r.watermarks(input_topics[t], partition, io_timeout);
    if (!wm) return wm.error_value();
    high[t] = wm.value().second;
    if (wm.value().first > start[t])
      return journal_error(input_topics[t] + "/" + std::to_string(partition) +
                           " no longer has offset " + std::to_string(start[t]) +
                           " (retention removed it)");
    from.push_back({input_topics[t], partition, start[t]});
    read[t] = true;
  }
  if (auto a = r.assign(from); !a) return a.error_value();
  const auto index_of = [&](std::string_view topic) -> std::size_t {
    for (std::size_t t = 0; t < n_topics; ++t)
      if (read[t] && input_topics[t] == topic) return t;
    return n_topics;
  };

  // The records stay in the reader's buffers until applied.
  std::vector<std::deque<topics::message>> buffered(n_topics);
  std::vector<std::int64_t> next(n_topics, 0);
  for (std::size_t t = 0; t < n_topics; ++t)
    next[t] = start[t];
  auto pull = [&](std::size_t t) -> result<topics::message> {
    int idle = 0;
    while (buffered[t].empty()) {
      if (next[t] >= high[t] || (r.at_end() && buffered[t].empty() && idle > 0))
        return journal_error(input_topics[t] + "/" + std::to_string(partition) +
                             " ends before the journal does");
      auto batch = r.poll_messages(10000, topics::ms{1000});
      if (batch.empty() && ++idle > 30)
        return journal_error("timed out reading " + input_topics[t]);
      for (auto& m : batch) {
        const auto& v = m.view();
        const auto ti = index_of(v.topic);
        if (ti == n_topics || v.partition != partition) continue;
        next[ti] = v.offset + 1;
        buffered[ti].push_back(std::move(m));
      }
    }
    auto m = std::move(buffered[t].front());
    buffered[t].pop_front();
    return m;
  };
  for (const auto* e : entries)
    for (const auto& s : e->segments) {
      const auto t = static_cast<std::size_t>(s.topic_index);
      for (std::int32_t i = 0; i < s.count;) {
        auto m = pull(t);
        if (!m) return m.error_value();
        if (m.value().view().offset < s.first_offset) continue; // skipped (dead-lettered)
        input_record in(std::move(m.value()), s.topic_index);
        if (auto applied = each(in); !applied) return applied.error_value();
        ++done;
        ++i;
      }
    }
  return done;
}

kafka_recovery_sources::kafka_recovery_sources(
    topics::kafka_config kafka, storage::snapshot_store& store, std::string journal_topic,
    std::string snapshot_topic, std::string changelog_topic, const recovery_request& request)
    : kafka_(std::move(kafka)), store_(store), journal_topic_(std::move(journal_topic)),
      snapshot_topic_(std::move(snapshot_topic)), changelog_topic_(std::move(changelog_topic)),
      agent_(request.agent), partition_(request.partition), topics_(request.topics) {}

result<std::optional<storage::snapshot>>
kafka_recovery_sources::local(const std::function<bool(const storage::snapshot&)>& accept,
                              std::size_t& corrupt) {
  return store_.latest_valid(agent_, partition_, accept, &corrupt);
}

result<void> kafka_recovery_sources::settle() {
  if (settled_) return {};
  auto meta = topics::reader::create(kafka_, /*read_committed=*/true);
  if (!meta) return meta.error_value();
  // Checkpoint records are keyed "<agent>/<partition>"; changelog rows sit on the partition.
  const std::string key = agent_ + "/" + std::to_string(partition_);
  std::vector<topics::topic_partition> parts{{changelog_topic_, partition_}};
  for (const auto* topic : {&journal_topic_, &snapshot_topic_}) {
    auto n = meta.value()->partition_count(*topic, io_timeout);
    if (!n) return n.error_value();
    parts.push_back({*topic, schemas::key_partition(key, n.value())});
  }
  settled_ = true;
  // Commit markers land within milliseconds. A transaction still open after this long is one
  // its producer never committed (it died mid-checkpoint): it will be aborted, and the
  // records before it are all this partition's committed state. Read on, up to it.
  constexpr std::chrono::seconds marker_wait{5};
  if (auto r = topics::wait_until_stable(kafka_, parts, marker_wait); !r)
    spdlog::warn("agent {} partition {}: reading its checkpoint records up to an open "
                 "transaction: {}",
                 agent_, partition_, r.error_value().message);
  return {};
}

result<std::optional<storage::snapshot>> kafka_recovery_sources::snapshot_topic(
    const std::function<bool(const storage::snapshot&)>& accept) {
  if (auto r = settle(); !r) return r.error_value();
  return read_snapshot_topic(kafka_, snapshot_topic_, agent_, partition_, accept, store_.cipher());
}

result<changelog_restore> kafka_recovery_sources::restore_tables(const storage::snapshot& s) {
  if (auto r = settle(); !r) return r.error_value();
  return restore_from_changelog(kafka_, changelog_topic_, store_, s);
}

result<std::vector<journal_entry>> kafka_recovery_sources::journal(std::uint64_t from_seq) {
  if (auto r = settle(); !r) return r.error_value();
  auto index = read_journal(kafka_, journal_topic_, agent_);
  if (!index) return index.error_value();
  std::vector<journal_entry> out;
  auto& mine = index.value()[partition_];
  for (auto it = mine.lower_bound(from_seq); it != mine.end(); ++it)
    out.push_back(std::move(it->second));
  return out;
}

result<input_batch> kafka_recovery_sources::fetch(const std::vector<journal_entry>& entries) {
  std::vector<const journal_entry*> refs;
  refs.reserve(entries.size());
  for (const auto& e : entries)
    refs.push_back(&e);
  return fetch_journaled_inputs(kafka_, topics_, partition_, refs);
}

} // namespace aetherial::runtime
