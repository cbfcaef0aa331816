// Tables beside the snapshots: changes stored in the snapshot's write, read back by key and in
// byte order, their position (the snapshot they belong to), clearing, and sealing at rest.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "storage/cipher.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/test_support.hpp"

using namespace aetherial::storage;
using aetherial::storage::test::describe;

namespace {

std::vector<std::uint8_t> v(const std::string& s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

snapshot snap(std::uint64_t journal_seq, std::int32_t partition = 1) {
  snapshot s;
  s.agent = "operations";
  s.partition = partition;
  s.journal_seq = journal_seq;
  s.events_applied = journal_seq * 10;
  s.state = v("scalar-" + std::to_string(journal_seq));
  return s;
}

std::unique_ptr<snapshot_store> open_store(const std::string& path, store_options o = {}) {
  auto r = snapshot_store::open(path, o);
  BOOST_TEST_REQUIRE(r.has_value(), describe(r));
  return std::move(r.value());
}

std::vector<std::pair<std::string, std::string>> all(const snapshot_store& s,
                                                     const std::string& table,
                                                     std::string_view from = {},
                                                     std::string_view to = {}, int limit = 1000) {
  std::vector<std::pair<std::string, std::string>> out;
  auto r = s.table_scan("operations", 1, table, from, to,
                        [&](std::string_view k, const std::vector<std::uint8_t>& value) {
                          out.emplace_back(std::string(k), std::string(value.begin(), value.end()));
                          return static_cast<int>(out.size()) < limit;
                        });
  BOOST_TEST_REQUIRE(r.has_value(), describe(r));
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(table_rows)

BOOST_AUTO_TEST_CASE(changes_are_stored_with_their_snapshot_and_read_in_key_order) {
  aetherial::storage::test::temp_dir dir;
  auto store = open_store(dir.sub("db"));
  auto none = store->tables_at("operations", 1);
  BOOST_TEST_REQUIRE(none.has_value());
  BOOST_TEST(!none.value().has_value());

  BOOST_TEST_REQUIRE(store
                         ->put(snap(3), {{"services", "web", v("w1")},
                                         {"services", "api", v("a1")},
                                         {"services", std::string("b\0in", 4), v("bin")},
                                         {"readings", "web", v("r1")}})
                         .has_value());
  BOOST_TEST(store->tables_at("operations", 1).value().value() == 3u);
  BOOST_TEST(store->table_get("operations", 1, "services", "web").value().value() == v("w1"));
  BOOST_TEST(!store->table_get("operations", 1, "services", "mail").value().has_value());
  BOOST_TEST(!store->table_get("operations", 2, "services", "web").value().has_value());
  const auto services = all(*store, "services");
  BOOST_TEST_REQUIRE(services.size() == 3u);
  BOOST_TEST(services[0].first == "api");
  BOOST_TEST(services[1].first == std::string("b\0in", 4));
  BOOST_TEST(services[2].first == "web");
  BOOST_TEST(all(*store, "readings").size() == 1u); // tables do not see each other

  // The next checkpoint's changes: a new value, an erase; the position moves with them.
  BOOST_TEST_REQUIRE(
      store->put(snap(4), {{"services", "web", v("w2")}, {"services", "api", std::nullopt}})
          .has_value());
  BOOST_TEST(store->tables_at("operations", 1).value().value() == 4u);
  BOOST_TEST(store->table_get("operations", 1, "services", "web").value().value() == v("w2"));
  BOOST_TEST(!store->table_get("operations", 1, "services", "api").value().has_value());
  // The snapshot went in with them.
  auto latest = store->latest_valid("operations", 1);
  BOOST_TEST_REQUIRE(latest.has_value());
  BOOST_TEST(latest.value()->journal_seq == 4u);

  // Ranges and early stops.
  BOOST_TEST_REQUIRE(
      store
          ->put(snap(5),
                {{"services", "a", v("1")}, {"services", "c", v("3")}, {"services", "d", v("4")}})
          .has_value());
  const auto ranged = all(*store, "services", "b", "d");
  BOOST_TEST_REQUIRE(ranged.size() == 2u);
  BOOST_TEST(ranged[0].first == std::string("b\0in", 4));
  BOOST_TEST(ranged[1].first == "c");
  BOOST_TEST(all(*store, "services", {}, {}, 2).size() == 2u);

  // Survives a reopen; clearing drops the tables and their position, not the snapshots.
  store.reset();
  store = open_store(dir.sub("db"));
  BOOST_TEST(store->tables_at("operations", 1).value().value() == 5u);
  BOOST_TEST(all(*store, "services").size() == 5u);
  BOOST_TEST_REQUIRE(store->clear_tables("operations", 1).has_value());
  BOOST_TEST(all(*store, "services").empty());
  BOOST_TEST(!store->tables_at("operations", 1).value().has_value());
  BOOST_TEST(store->latest_valid("operations", 1).value().has_value());
}

BOOST_AUTO_TEST_CASE(loaded_rows_have_no_position_until_their_snapshot_is_stored) {
  // A bulk restore: rows written in batches (puts and erases, as a changelog holds them), the
  // store flushed, then the snapshot that makes them the tables.
  aetherial::storage::test::temp_dir dir;
  auto store = open_store(dir.sub("db"));
  BOOST_TEST_REQUIRE(store->put(snap(2), {{"services", "old", v("o")}}).has_value());
  BOOST_TEST_REQUIRE(store->clear_tables("operations", 1).has_value());
  // The rows in their stored form, as the changelog carries them.
  auto rows = encode_rows(nullptr, "operations", 1,
                          {{"services", "web", v("w1")},
                           {"services", "api", v("a1")},
                           {"readings", "web", v("r1")},
                           {"services", "web", v("w2")},
                           {"services", "api", std::nullopt}});
  BOOST_TEST_REQUIRE(rows.has_value(), describe(rows));
  std::vector<snapshot_store::row_view> views;
  for (const auto& r : rows.value())
    views.push_back(
        {r.table, r.key, r.stored ? std::optional<std::string_view>(*r.stored) : std::nullopt});
  BOOST_TEST_REQUIRE(
      store->load_rows("operations", 1, {views.begin(), views.begin() + 3}).has_value());
  BOOST_TEST_REQUIRE(
      store->load_rows("operations", 1, {views.begin() + 3, views.end()}).has_value());
  BOOST_TEST(!store->tables_at("operations", 1).value().has_value());
  BOOST_TEST_REQUIRE(store->flush().has_value());
  BOOST_TEST_REQUIRE(store->put(snap(7), std::vector<encoded_row>{}).has_value());
  store.reset();
  store = open_store(dir.sub("db"));
  BOOST_TEST(store->tables_at("operations", 1).value().value() == 7u);
  const auto services = all(*store, "services");
  BOOST_TEST_REQUIRE(services.size() == 1u);
  BOOST_TEST(services[0].first == "web");
  BOOST_TEST(services[0].second == "w2");
  BOOST_TEST(all(*store, "readings").size() == 1u);
  // Loading forgets the position again; bad names are refused as in put.
  BOOST_TEST_REQUIRE(store->load_rows("operations", 1, {views.front()}).has_value());
  BOOST_TEST(!store->tables_at("operations", 1).value().has_value());
  BOOST_TEST(!store->load_rows("operations", 1, {{"", "x", std::nullopt}}).has_value());
  BOOST_TEST(!store->load_rows("operations", -1, {}).has_value());
}

BOOST_AUTO_TEST_CASE(bad_names_are_refused) {
  aetherial::storage::test::temp_dir dir;
  auto store = open_store(dir.sub("db"));
  BOOST_TEST(!store->put(snap(1), {{"", "k", v("x")}}).has_value());
  BOOST_TEST(!store->put(snap(1), {{std::string("a\0b", 3), "k", v("x")}}).has_value());
  BOOST_TEST(!store->put(snap(1), {{"t", std::string(70000, 'k'), v("x")}}).has_value());
  BOOST_TEST(!store->tables_at("operations", 1).value().has_value()); // nothing written
}

BOOST_AUTO_TEST_CASE(sealed_values_need_their_key) {
  aetherial::storage::test::temp_dir dir;
  state_cipher::key k;
  k.id = "k1";
  k.bytes.fill(5);
  store_options sealed;
  sealed.cipher = state_cipher::from_keys({k}).value();
  {
    auto store = open_store(dir.sub("db"), sealed);
    BOOST_TEST_REQUIRE(
        store->put(snap(1), {{"users", "alice@example.com", v("visits=3")}}).has_value());
    BOOST_TEST(store->table_get("operations", 1, "users", "alice@example.com").value().value() ==
               v("visits=3"));
  }
  auto clear = open_store(dir.sub("db"));
  auto r = clear->table_get("operations", 1, "users", "alice@example.com");
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error_value().message.find("sealed") != std::string::npos, r.error_value().message);
}

BOOST_AUTO_TEST_SUITE_END()
