// state_bench: the Operations agent's keyed state from 1k to 1M services on one partition.
//
// Drives the agent exactly as a host does (runtime::apply_record over runtime::host_tables on
// a real RocksDB snapshot store on disk), without a broker, and measures per state size:
// - load: one sample per service, checkpointed every --checkpoint-events (events/s);
// - update: one more sample for every service, in a seeded random order (events/s against a
//   store of that size), then its checkpoint: every key changed (duration, bytes);
// - 1 %: samples of 1 % of the services, then its checkpoint (duration, bytes; the ratio to
//   the full one is the goal "<= 5 %");
// - RSS after the update pass;
// - restart from local RocksDB: close everything, reopen the store, restore the newest
//   snapshot, check the rows are at it, apply a spike: time to the first new decision;
// - with --brokers: restart from the changelog: every checkpoint also produces its changed rows
//   to a changelog topic, as the runtime's do; a node with an empty data directory restores
//   the partition's rows from that topic as written (every version: no compaction has run
//   yet) and from its compacted form (one record per row, produced from the store), restores
//   the snapshot and applies the spike;
// - the peer: rebuilding the same state from the log instead (every input re-applied to an
//   in-memory table, as a recovery without rows or the audit does).
// Results go to stdout and, with --out, to a JSON file.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "actors/registry.hpp"
#include "actors/table.hpp"
#include "app/progress.hpp"
#include "bench/utc_now.hpp"
#include "runtime/applier.hpp"
#include "runtime/changelog.hpp"
#include "runtime/host_tables.hpp"
#include "runtime/recovery.hpp"
#include "schemas/envelope.hpp"
#include "storage/snapshot_store.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace {

using aetherial::bench::utc_now;

namespace rt = aetherial::runtime;
namespace schemas = aetherial::schemas;
namespace storage = aetherial::storage;
namespace actors = aetherial::actors;
using steady = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr std::int64_t t0 = 1'700'000'000'000;
const std::string agent_name = "operations";
const std::string metrics_topic = "platform.metrics";

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

/// Resident set size of this process, in MiB.
double rss_mib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0.0;
}

std::string service(std::size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "svc-%07zu", i);
  return name;
}

/// A ServiceLoad record as the consumer hands it to a host.
aetherial::topics::record load_record(std::uint64_t seq, std::int64_t t_ms, const std::string& svc,
                                      double cpu) {
  flatbuffers::FlatBufferBuilder b;
  auto load = schemas::fbs::CreateServiceLoadDirect(b, svc.c_str(), 2, 400, cpu, 50.0, 0.001);
  schemas::envelope_header h;
  h.id = {0x57a7e, seq};
  h.key = svc;
  h.event_time_ms = t_ms;
  h.principal = "svc:bench";
  aetherial::topics::record r;
  r.topic = metrics_topic;
  r.offset = static_cast<std::int64_t>(seq);
  r.timestamp_ms = t_ms;
  r.key = svc;
  r.value = schemas::finish_envelope(b, h, schemas::fbs::Payload::ServiceLoad, load.Union());
  return r;
}

/// The changelog topics of one state size on a real broker: the one the checkpoints write
/// (every version of every row, as no compaction has run yet), and its compacted form (the
/// newest version of each row: what the broker's cleaner leaves).
struct changelog_topics {
  changelog_topics(const std::string& brokers, std::size_t keys) {
    namespace topics = aetherial::topics;
    cfg.brokers = brokers;
    cfg.client_id = "state-bench";
    const auto tag = "state-bench-" + std::to_string(keys) + "-" +
                     std::to_string(std::chrono::system_clock::now().time_since_epoch() /
                                    std::chrono::milliseconds(1));
    topics::catalog written(tag + ".", 1);
    topics::catalog compact(tag + "-compacted.", 1);
    for (const auto* cat : {&written, &compact})
      if (auto r = topics::ensure_topics(cfg, *cat, topics::ms{30000}); !r)
        throw std::runtime_error("cannot create the topics: " + r.error_value().message);
    as_written = written.name(topics::catalog::changelog);
    compacted = compact.name(topics::catalog::changelog);
    auto p = topics::producer::create(cfg);
    if (!p) throw std::runtime_error(p.error_value().message);
    producer = std::move(p.value());
  }

  /// Produces rows (in their stored form) as a checkpoint with journal seq `seq` does.
  void send(const std::string& topic, std::uint64_t seq,
            const std::vector<storage::encoded_row>& rows) {
    const std::vector<aetherial::topics::header> headers = {rt::changelog_seq_header(seq)};
    for (const auto& row : rows) {
      const auto key = rt::changelog_key(agent_name, row.table, row.key);
      const auto* value =
          row.stored ? reinterpret_cast<const std::uint8_t*>(row.stored->data()) : nullptr;
      if (auto r =
              producer->send(topic, 0, key, value, row.stored ? row.stored->size() : 0, headers);
          !r)
        throw std::runtime_error("changelog not produced: " + r.error_value().message);
    }
  }

  void flush() {
    if (auto r = producer->flush(aetherial::topics::ms{300000}); !r)
      throw std::runtime_error("changelog not flushed: " + r.error_value().message);
  }

  aetherial::topics::kafka_config cfg;
  std::unique_ptr<aetherial::topics::producer> producer;
  std::string as_written;
  std::string compacted;
  std::size_t written_records = 0;
};

std::vector<storage::encoded_row> encoded(const std::vector<storage::table_change>& changes) {
  auto rows = storage::encode_rows(nullptr, agent_name, 0, changes);
  if (!rows) throw std::runtime_error(rows.error_value().message);
  return std::move(rows.value());
}

/// One (agent, partition) as a host runs it: the agent, its tables over the store, the
/// window of recent event ids, the journal position.
struct partition_run {
  partition_run(const actors::agent_kind& kind, storage::snapshot_store* store)
      : agent(kind.make({})), tables(store, agent_name, 0), seen(limits.duplicate_window) {}

  /// Applies `r`; returns how many outputs it emitted.
  std::size_t apply(const aetherial::topics::record& r) {
    auto out = rt::apply_record(*agent, seen, agent_name, r, limits, nullptr, &tables);
    if (out.result != rt::apply_outcome::status::applied)
      throw std::runtime_error("not applied: " + out.reason);
    ++events;
    next_offset = r.offset + 1;
    last_time = r.timestamp_ms;
    return out.outputs.size();
  }

  struct checkpoint_cost {
    double seconds = 0;
    std::size_t keys = 0;
    std::size_t bytes = 0; ///< keys + values written, snapshot included
  };

  /// A checkpoint as the runtime's: the changed rows and the snapshot in one batch.
  /// With `changelog`, the changed rows are also produced to its as-written topic.
  checkpoint_cost checkpoint(storage::snapshot_store& store,
                             changelog_topics* changelog = nullptr) {
    const auto started = steady::now();
    agent->flush(tables); // the rows the agent keeps decoded, as a host does
    std::uint64_t handover = 0;
    auto changes = tables.hand_over(handover);
    storage::snapshot s;
    s.agent = agent_name;
    s.partition = 0;
    s.state_version = actors::find_agent_kind(agent_name)->state_version;
    s.offsets = {{metrics_topic, 0, next_offset}};
    s.journal_seq = ++journal_seq;
    s.events_applied = events;
    s.last_event_time_ms = last_time;
    s.state = agent->snapshot();
    s.recent_event_ids = seen.ids();
    checkpoint_cost c;
    c.keys = changes.size();
    c.bytes = s.state.size();
    for (const auto& ch : changes)
      c.bytes += ch.table.size() + ch.key.size() + (ch.value ? ch.value->size() : 0);
    if (auto r = store.put(s, changes); !r)
      throw std::runtime_error("checkpoint failed: " + r.error_value().message);
    tables.stored(handover);
    c.seconds = seconds_since(started);
    if (changelog != nullptr) {
      // Outside the measured time: the runtime produces these while the host goes on.
      changelog->send(changelog->as_written, s.journal_seq, encoded(changes));
      changelog->written_records += changes.size();
    }
    return c;
  }

  schemas::input_limits limits;
  std::unique_ptr<actors::agent> agent;
  rt::host_tables tables;
  rt::event_window seen;
  std::uint64_t events = 0;
  std::uint64_t journal_seq = 0;
  std::int64_t next_offset = 0;
  std::int64_t last_time = 0;
};

std::unique_ptr<storage::snapshot_store> open_store(const std::string& dir) {
  auto s = storage::snapshot_store::open(dir);
  if (!s) throw std::runtime_error("cannot open the store: " + s.error_value().message);
  return std::move(s.value());
}

std::uint64_t dir_bytes(const std::string& dir) {
  std::uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

/// The inputs of one state size, in order, passed to `visit(record, phase, done, total)`:
/// a sample per service, then one more per service in a seeded random order, then samples of
/// 1 % of the services. Generated again for the peer, so no copy of the log is held.
template <class Visit> void for_each_input(std::size_t keys, Visit visit) {
  std::uint64_t seq = 0;
  std::int64_t now = t0;
  for (std::size_t i = 0; i < keys; ++i)
    visit(load_record(++seq, ++now, service(i), 0.6), "load", i, keys);
  std::vector<std::size_t> order(keys);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(20261201);
  std::shuffle(order.begin(), order.end(), rng);
  now += 60'000;
  for (std::size_t i = 0; i < keys; ++i)
    visit(load_record(++seq, ++now, service(order[i]), 0.61), "update", i, keys);
  const std::size_t few = std::max<std::size_t>(keys / 100, 1);
  now += 60'000;
  for (std::size_t i = 0; i < few; ++i)
    visit(load_record(++seq, ++now, service(order[(i * 7919) % keys]), 0.62), "1%", i, few);
}

/// The spike applied after each restart: it must decide.
aetherial::topics::record spike_of(std::size_t keys) {
  return load_record(3 * keys + 10, t0 + 10'000'000'000LL, service(0), 0.97);
}

/// Restores the rows of `snap` from `topic` into an empty store, as a node without its data
/// directory does, restores the snapshot and applies the spike; records the times under
/// `label`.
void restart_from_changelog(std::size_t keys, const std::string& dir, changelog_topics& cl,
                            const std::string& topic, const storage::snapshot& snap,
                            const std::string& label, json& out) {
  const auto& kind = *actors::find_agent_kind(agent_name);
  const std::string empty_dir = dir + "-empty";
  std::filesystem::remove_all(empty_dir);
  const auto started = steady::now();
  auto store = open_store(empty_dir);
  auto restored = rt::restore_from_changelog(cl.cfg, topic, *store, snap);
  if (!restored) throw std::runtime_error(restored.error_value().message);
  if (!restored.value().restored)
    throw std::runtime_error("not restored from the changelog: " + restored.value().why_not);
  out[label + "_restore_s"] = seconds_since(started);
  out[label + "_records"] = restored.value().records;
  out[label + "_rows"] = restored.value().rows;
  partition_run run(kind, store.get());
  if (!run.agent->restore(snap.state.data(), snap.state.size()))
    throw std::runtime_error("the snapshot does not restore");
  run.seen.restore(snap.recent_event_ids);
  const auto decided = run.apply(spike_of(keys));
  out[label + "_to_first_decision_s"] = seconds_since(started);
  out[label + "_decided"] = decided > 0;
  store.reset();
  std::filesystem::remove_all(empty_dir);
}

/// Both changelog restarts: the compacted topic is produced first from the store's rows.
void restarts_from_changelog(std::size_t keys, const std::string& dir, changelog_topics& cl,
                             json& out, aetherial::app::progress_line& progress) {
  storage::snapshot snap;
  {
    auto store = open_store(dir);
    auto s = store->latest_valid(agent_name, 0);
    if (!s || !s.value()) throw std::runtime_error("no snapshot to restore from the changelog");
    snap = *s.value();
    std::vector<storage::table_change> rows;
    std::size_t produced = 0;
    auto scanned =
        store->table_scan(agent_name, 0, "services", "", "",
                          [&](std::string_view key, const std::vector<std::uint8_t>& value) {
                            rows.push_back({"services", std::string(key), value});
                            if (rows.size() == 4096) {
                              cl.send(cl.compacted, snap.journal_seq, encoded(rows));
                              produced += rows.size();
                              rows.clear();
                              progress.update("produce the compacted changelog", produced, keys);
                            }
                            return true;
                          });
    if (!scanned) throw std::runtime_error(scanned.error_value().message);
    cl.send(cl.compacted, snap.journal_seq, encoded(rows));
    cl.flush();
  }
  out["changelog_written_records"] = cl.written_records;
  progress.update("restart from the changelog as written", keys, keys);
  restart_from_changelog(keys, dir, cl, cl.as_written, snap, "restart_changelog", out);
  progress.update("restart from the compacted changelog", keys, keys);
  restart_from_changelog(keys, dir, cl, cl.compacted, snap, "restart_changelog_compacted", out);
}

json run_size(std::size_t keys, std::size_t checkpoint_events, const std::string& work_dir,
              bool peer, const std::string& brokers) {
  const auto& kind = *actors::find_agent_kind(agent_name);
  const std::string dir = work_dir + "/state-" + std::to_string(keys);
  std::filesystem::remove_all(dir);
  json out;
  out["keys"] = keys;
  aetherial::app::progress_line progress("state_bench " + std::to_string(keys) + " keys");
  std::optional<changelog_topics> changelog;
  if (!brokers.empty()) changelog.emplace(brokers, keys);
  changelog_topics* cl = changelog ? &*changelog : nullptr;
  {
    auto store = open_store(dir);
    partition_run run(kind, store.get());
    std::string phase = "load";
    auto started = steady::now();
    partition_run::checkpoint_cost full, one;
    for_each_input(keys, [&](const aetherial::topics::record& r, const char* now_phase,
                             std::size_t i, std::size_t total) {
      if (phase != now_phase) {
        // The end of a phase: its checkpoint.
        if (phase == "load") {
          run.checkpoint(*store, cl);
          out["load_events_per_s"] = static_cast<double>(keys) / seconds_since(started);
          out["rss_mib_after_load"] = rss_mib();
        } else if (phase == "update") {
          out["update_events_per_s"] = static_cast<double>(keys) / seconds_since(started);
          out["rss_mib_before_checkpoint"] = rss_mib();
          progress.update("full checkpoint", keys, keys);
          full = run.checkpoint(*store, cl);
          out["rss_mib"] = rss_mib();
        }
        phase = now_phase;
        started = steady::now();
      }
      run.apply(r);
      if (phase == "load" && (i + 1) % checkpoint_events == 0) run.checkpoint(*store, cl);
      if (i % 4096 == 0) progress.update(phase, i, total);
    });
    progress.update("1% checkpoint", keys, keys);
    one = run.checkpoint(*store, cl);
    out["full_checkpoint_s"] = full.seconds;
    out["full_checkpoint_keys"] = full.keys;
    out["full_checkpoint_bytes"] = full.bytes;
    out["one_percent_checkpoint_s"] = one.seconds;
    out["one_percent_checkpoint_keys"] = one.keys;
    out["one_percent_checkpoint_bytes"] = one.bytes;
    out["one_percent_over_full_time"] = one.seconds / full.seconds;
    out["one_percent_over_full_bytes"] =
        static_cast<double>(one.bytes) / static_cast<double>(full.bytes);
    out["snapshot_state_bytes"] = run.agent->snapshot().size();
    out["events"] = run.events;
  }
  out["store_bytes_on_disk"] = dir_bytes(dir);

  // Restart from local RocksDB: everything closed (as by SIGKILL: nothing flushed, the
  // write-ahead log replayed on open); reopen, restore, apply a spike. Then the same after a
  // flush (the steady state: no recent checkpoint of every key left in the log).
  progress.update("restart", keys, keys);
  const auto spike = spike_of(keys);
  auto restart = [&](const std::string& label) {
    const auto started = steady::now();
    auto store = open_store(dir);
    out[label + "_open_store_s"] = seconds_since(started);
    auto snap = store->latest_valid(agent_name, 0);
    auto at = store->tables_at(agent_name, 0);
    if (!snap || !snap.value() || !at || at.value() != snap.value()->journal_seq)
      throw std::runtime_error("no snapshot the rows are at after the restart");
    partition_run run(kind, store.get());
    if (!run.agent->restore(snap.value()->state.data(), snap.value()->state.size()))
      throw std::runtime_error("the snapshot does not restore");
    run.seen.restore(snap.value()->recent_event_ids);
    const auto decided = run.apply(spike);
    out[label + "_to_first_decision_s"] = seconds_since(started);
    out[label + "_decided"] = decided > 0;
    return store;
  };
  if (auto r = restart("restart_local")->flush(); !r)
    throw std::runtime_error("flush failed: " + r.error_value().message);
  (void)restart("restart_local_flushed");
  if (changelog) restarts_from_changelog(keys, dir, *changelog, out, progress);
  std::filesystem::remove_all(dir);

  // The peer: rebuild from the log (every input again, tables in memory), then the spike.
  if (peer) {
    const auto started = steady::now();
    actors::memory_table_store tables;
    auto agent = kind.make({});
    schemas::input_limits limits;
    rt::event_window seen(limits.duplicate_window);
    for_each_input(keys, [&](const aetherial::topics::record& r, const char* phase, std::size_t i,
                             std::size_t total) {
      (void)rt::apply_record(*agent, seen, agent_name, r, limits, nullptr, &tables);
      if (i % 4096 == 0) progress.update(std::string("rebuild: ") + phase, i, total);
    });
    const auto decided =
        rt::apply_record(*agent, seen, agent_name, spike, limits, nullptr, &tables);
    out["rebuild_from_log_to_first_decision_s"] = seconds_since(started);
    out["rebuild_decided"] = !decided.outputs.empty();
  }
  progress.finish();
  return out;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"state_bench: the Operations agent's keyed state from 1k to 1M services"};
  std::vector<std::size_t> sizes{1'000, 10'000, 100'000, 1'000'000};
  std::size_t checkpoint_events = 100'000;
  std::string work_dir = std::filesystem::temp_directory_path().string();
  std::string out_file;
  bool no_peer = false;
  std::string brokers;
  app.add_option("--keys", sizes, "State sizes (services on the partition)")->capture_default_str();
  app.add_option("--checkpoint-events", checkpoint_events,
                 "Checkpoint every N events while loading")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--work-dir", work_dir, "Where the stores are created (and removed)")
      ->capture_default_str();
  app.add_option("--out", out_file, "Write the results as JSON to FILE");
  app.add_flag("--no-peer", no_peer, "Skip the rebuild-from-the-log peer");
  app.add_option("--brokers", brokers,
                 "Also measure the restart from the changelog on this Kafka cluster");
  CLI11_PARSE(app, argc, argv);

  json results;
  results["benchmark"] = "state";
  results["started"] = utc_now();
  results["sizes"] = json::array();
  std::printf("%9s %10s %10s %9s %9s %8s %9s %8s %8s %9s %9s %9s %10s %10s\n", "keys", "load ev/s",
              "updt ev/s", "full ms", "full MiB", "1% ms", "1% KiB", "1%/full", "RSS MiB",
              "restart", "flushed", "rebuild", "changelog", "compacted");
  try {
    for (const auto n : sizes) {
      const auto r = run_size(n, checkpoint_events, work_dir, !no_peer, brokers);
      results["sizes"].push_back(r);
      const auto ms = [&r](const char* key) {
        return r.contains(key) ? std::to_string(std::lround(1000 * r[key].get<double>())) + " ms"
                               : std::string("-");
      };
      std::printf(
          "%9zu %10.0f %10.0f %9.0f %9.1f %8.1f %9.1f %7.2f%% %8.0f %9s %9s %9s %10s %10s\n", n,
          r["load_events_per_s"].get<double>(), r["update_events_per_s"].get<double>(),
          1000 * r["full_checkpoint_s"].get<double>(),
          r["full_checkpoint_bytes"].get<double>() / 1048576.0,
          1000 * r["one_percent_checkpoint_s"].get<double>(),
          r["one_percent_checkpoint_bytes"].get<double>() / 1024.0,
          100 * r["one_percent_over_full_time"].get<double>(),
          r["rss_mib_after_load"].get<double>(), ms("restart_local_to_first_decision_s").c_str(),
          ms("restart_local_flushed_to_first_decision_s").c_str(),
          ms("rebuild_from_log_to_first_decision_s").c_str(),
          ms("restart_changelog_to_first_decision_s").c_str(),
          ms("restart_changelog_compacted_to_first_decision_s").c_str());
      std::fflush(stdout);
      if (!r["restart_local_decided"].get<bool>() || !r.value("restart_changelog_decided", true) ||
          !r.value("restart_changelog_compacted_decided", true)) {
        std::fprintf(stderr, "state_bench: the spike after the restart decided nothing\n");
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "state_bench: %s\n", e.what());
    return 1;
  }
  results["finished"] = utc_now();
  if (!out_file.empty()) std::ofstream(out_file) << results.dump(2) << "\n";
  return 0;
}
