// snapshot ls|show over a temporary RocksDB store holding real agents' snapshots.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/registry.hpp"
#include "actors/table.hpp"
#include "app/inspect.hpp"
#include "schemas/json.hpp"
#include "tests/storage/test_support.hpp"

using namespace aetherial;
using aetherial::storage::test::temp_dir;

namespace {

/// The state of a fresh agent of `kind`, after `events` (JSON lines); its tables in `rows`.
std::vector<std::uint8_t> agent_state(const std::string& kind,
                                      const std::vector<std::string>& events = {},
                                      actors::memory_table_store* rows = nullptr) {
  const auto* k = actors::find_agent_kind(kind);
  BOOST_TEST_REQUIRE(k != nullptr);
  auto agent = k->make({});
  actors::memory_table_store own;
  auto& tables = rows != nullptr ? *rows : own;
  std::int64_t t = 1'700'000'000'000;
  for (const auto& json : events) {
    schemas::json_defaults d;
    d.id = {1, static_cast<std::uint64_t>(t)};
    d.event_time_ms = t += 1000;
    std::string why;
    auto bytes = schemas::envelope_from_json(json, d, &why);
    BOOST_TEST_REQUIRE(bytes.has_value(), why);
    const auto* env = schemas::verify_envelope(bytes->data(), bytes->size(), ~std::size_t{0}, &why);
    BOOST_TEST_REQUIRE(env != nullptr, why);
    actors::context ctx(k->name, *env);
    ctx.set_tables(&tables);
    agent->on_event(*env, ctx);
  }
  agent->flush(tables); // the rows go with the snapshot, as a host checkpoints them
  return agent->snapshot();
}

storage::snapshot snapshot_of(const std::string& agent, std::int32_t partition,
                              std::vector<std::uint8_t> state, std::uint64_t events) {
  storage::snapshot s;
  s.agent = agent;
  s.partition = partition;
  s.offsets = {{"platform.metrics", partition, static_cast<std::int64_t>(events)}};
  s.events_applied = events;
  s.last_event_time_ms = 1'700'000'001'000;
  s.journal_seq = 7;
  s.state = std::move(state);
  return s;
}

std::unique_ptr<storage::snapshot_store> open_store(const std::string& dir) {
  auto store = storage::snapshot_store::open(dir + "/snapshots");
  BOOST_TEST_REQUIRE(store.has_value());
  return std::move(store.value());
}

const std::string service_load =
    R"({"key":"web","type":"ServiceLoad","payload":{"service":"web","replicas":2,"cpu_utilization":0.9}})";

} // namespace

BOOST_AUTO_TEST_CASE(ls_lists_every_snapshot_corrupt_ones_included) {
  temp_dir dir;
  auto store = open_store(dir.path().string());
  BOOST_TEST_REQUIRE(
      store->put(snapshot_of("operations", 0, agent_state("operations"), 0)).has_value());
  BOOST_TEST_REQUIRE(
      store->put(snapshot_of("operations", 1, agent_state("operations", {service_load}), 1))
          .has_value());
  BOOST_TEST_REQUIRE(store->put_raw("support", 0, {1, 2, 3}).has_value());
  const auto r = app::list_snapshots(*store);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.err.empty());
  BOOST_TEST(r.out.rfind("AGENT", 0) == 0, r.out);
  BOOST_TEST(r.out.find("platform.metrics/1@1") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("platform.metrics/0@0") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("CORRUPT: ") != std::string::npos, r.out);
  // a header line and one line per snapshot
  BOOST_TEST(std::count(r.out.begin(), r.out.end(), '\n') == 4);
}

BOOST_AUTO_TEST_CASE(show_prints_the_header_and_the_state_as_json) {
  temp_dir dir;
  auto store = open_store(dir.path().string());
  BOOST_TEST_REQUIRE(
      store->put(snapshot_of("operations", 2, agent_state("operations", {service_load}), 1))
          .has_value());
  const auto r = app::show_snapshot(*store, "operations", 2);
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("agent:           operations\n") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("partition:       2\n") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("journal seq:     7\n") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("  platform.metrics/2 next offset 1\n") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("state:\n{") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("\"runtime\"") != std::string::npos, r.out);
  // No rows were stored with it: show says so.
  BOOST_TEST(r.out.find("tables: no rows stored") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("  services: 0 rows\n") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(show_prints_the_rows_stored_with_the_snapshot) {
  temp_dir dir;
  auto store = open_store(dir.path().string());
  actors::memory_table_store rows;
  const auto state = agent_state("operations", {service_load}, &rows);
  std::vector<storage::table_change> changes;
  for (const auto& [table, keys] : rows.tables())
    for (const auto& [key, value] : keys)
      changes.push_back({table, key, value});
  BOOST_TEST_REQUIRE(changes.size() == 1u);
  changes.push_back(
      {"services", std::string("b\0\xff", 3), std::vector<std::uint8_t>{9, 9, 9, 9, 1, 2, 3, 4}});
  BOOST_TEST_REQUIRE(store->put(snapshot_of("operations", 1, state, 1), changes).has_value());
  auto r = app::show_snapshot(*store, "operations", 1);
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("tables: rows stored with this snapshot (journal seq 7)") !=
                 std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("  services: 2 rows\n") != std::string::npos, r.out);
  // A row is its JSON; a key that is not text is escaped; a row that does not verify says so.
  BOOST_TEST(r.out.find("    \"web\": {") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("\"reading\"") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("    \"b\\u0000\\u00ff\": not shown: the row does not verify against the "
                        "aetherial.state.operations.ServiceRow schema") != std::string::npos,
             r.out);
  r = app::show_snapshot(*store, "operations", 1, 1);
  BOOST_TEST(r.out.find("  services: 2 rows (the first 1 shown)\n") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(show_prints_time_indexes_as_times_and_keys) {
  temp_dir dir;
  auto store = open_store(dir.path().string());
  actors::memory_table_store rows;
  const std::string sqli =
      R"({"key":"203.0.113.9","type":"RequestSummary","payload":{"ip":"203.0.113.9","method":"GET",)"
      R"("path":"/","params":[{"key":"q","value":"1 UNION SELECT password FROM users"}]}})";
  const auto state = agent_state("security", {sqli}, &rows);
  std::vector<storage::table_change> changes;
  for (const auto& [table, keys] : rows.tables())
    for (const auto& [key, value] : keys)
      changes.push_back({table, key, value});
  BOOST_TEST_REQUIRE(store->put(snapshot_of("security", 0, state, 1), changes).has_value());
  const auto r = app::show_snapshot(*store, "security", 0);
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("  ips: 1 row\n    \"203.0.113.9\": {") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("  subjects: 1 row\n    \"ip:203.0.113.9\": {") != std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("  bucket_sources: 1 row\n    \"203.0.113.9\"\n") != std::string::npos,
             r.out);
  // A block of 15 minutes from the event's time.
  BOOST_TEST(r.out.find("  unblock.due: 1 row\n    at 1700000901000: \"ip:203.0.113.9\"\n") !=
                 std::string::npos,
             r.out);
}

BOOST_AUTO_TEST_CASE(show_without_a_valid_snapshot_exits_1) {
  temp_dir dir;
  auto store = open_store(dir.path().string());
  BOOST_TEST_REQUIRE(store->put_raw("operations", 0, {1, 2, 3}).has_value());
  const auto r = app::show_snapshot(*store, "operations", 0);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err == "no valid snapshot of operations/0 (1 corrupt skipped)\n", r.err);
  BOOST_TEST(app::show_snapshot(*store, "operations", 5).exit_code == 1);
}

BOOST_AUTO_TEST_CASE(every_agent_kinds_empty_state_renders) {
  for (const auto& kind : actors::agent_kinds()) {
    const auto state = agent_state(kind.name);
    const auto r = app::render_state(kind.name, state.data(), state.size());
    BOOST_TEST(r.ok, kind.name << ": " << r.problem);
    BOOST_TEST(r.json.rfind("{", 0) == 0, kind.name << ": " << r.json);
  }
}

BOOST_AUTO_TEST_CASE(a_state_that_does_not_verify_is_named_not_rendered) {
  // Right identifier, garbage after it.
  std::vector<std::uint8_t> bad(64, 0xff);
  bad[0] = 8;
  bad[1] = bad[2] = bad[3] = 0;
  const auto good = agent_state("operations");
  std::copy(good.begin() + 4, good.begin() + 8, bad.begin() + 4);
  auto r = app::render_state("operations", bad.data(), bad.size());
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem == "the state does not verify against the operations state schema",
             r.problem);
  // Another kind's state.
  const auto security = agent_state("security");
  r = app::render_state("operations", security.data(), security.size());
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem.find("not a operations state") != std::string::npos, r.problem);
  // An unknown kind.
  r = app::render_state("nosuch", good.data(), good.size());
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem.find("no state schema") != std::string::npos, r.problem);

  // show prints the header and says why the state is not shown.
  temp_dir dir;
  auto store = open_store(dir.path().string());
  BOOST_TEST_REQUIRE(store->put(snapshot_of("operations", 0, bad, 3)).has_value());
  const auto shown = app::show_snapshot(*store, "operations", 0);
  BOOST_TEST(shown.exit_code == 0);
  BOOST_TEST(shown.out.find("state: not shown: the state does not verify") != std::string::npos,
             shown.out);
}

BOOST_AUTO_TEST_CASE(with_store_opens_the_snapshots_directory) {
  temp_dir dir;
  {
    auto store = open_store(dir.path().string());
    BOOST_TEST_REQUIRE(
        store->put(snapshot_of("security", 0, agent_state("security"), 0)).has_value());
  }
  const auto r = app::with_store(dir.path().string(), "", [](const storage::snapshot_store& s) {
    return app::show_snapshot(s, "security", 0);
  });
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("agent:           security") != std::string::npos);
  BOOST_TEST(r.out.find("state:\n{") != std::string::npos, r.out);
}
