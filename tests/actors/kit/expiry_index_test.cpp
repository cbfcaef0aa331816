// Time indexes of tables: entries in (time, key) order, negative times included; due entries
// taken once and filed again when their row is not due yet; the remembered lower bound never
// hides an entry, also across a copy (as after a restore).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/kit/expiry_index.hpp"
#include "actors/table.hpp"

using aetherial::actors::memory_table_store;
using aetherial::actors::kit::expiry_index;
using aetherial::actors::kit::index_entry;

BOOST_AUTO_TEST_SUITE(expiry_indexes)

BOOST_AUTO_TEST_CASE(entries_are_in_time_then_key_order) {
  const std::vector<std::int64_t> times = {
      std::numeric_limits<std::int64_t>::min(), -5, -1, 0, 1, 255, 256, 1'000'000'000'000,
      std::numeric_limits<std::int64_t>::max()};
  for (std::size_t i = 1; i < times.size(); ++i)
    BOOST_TEST((expiry_index::encode(times[i - 1], "zz") < expiry_index::encode(times[i], "a")));
  for (const auto t : times) {
    const auto e = expiry_index::decode(expiry_index::encode(t, "key"));
    BOOST_TEST_REQUIRE(e.has_value());
    BOOST_TEST(e->at == t);
    BOOST_TEST(e->key == "key");
  }
  BOOST_TEST(!expiry_index::decode("short").has_value());
  BOOST_TEST((expiry_index::encode(7, "a") < expiry_index::encode(7, "b")));
}

BOOST_AUTO_TEST_CASE(due_entries_are_taken_in_order_and_filed_again) {
  memory_table_store tables;
  const expiry_index index("rows.expiry");
  index.file(tables, "c", 30);
  index.file(tables, "a", 10);
  index.file(tables, "b", 10);
  index.file(tables, "late", 100);
  std::vector<std::string> taken;
  const auto n =
      index.take_due(tables, 30, [&](const index_entry& e) -> std::optional<std::int64_t> {
        taken.push_back(e.key + "@" + std::to_string(e.at));
        if (e.key == "b") return 50; // not due yet: filed again
        return std::nullopt;
      });
  BOOST_TEST(n == 3u);
  BOOST_TEST((taken == std::vector<std::string>{"a@10", "b@10", "c@30"}));
  BOOST_TEST(tables.size("rows.expiry") == 2u);
  BOOST_TEST(index.first(tables)->key == "b");
  BOOST_TEST(index.first(tables)->at == 50);
  BOOST_TEST(!index.first(tables, 49).has_value());
  // Filing again at or before now would take it forever.
  BOOST_CHECK_THROW(index.take_due(tables, 60, [](const index_entry&) { return 60; }),
                    std::logic_error);
}

BOOST_AUTO_TEST_CASE(the_lower_bound_never_hides_an_entry) {
  memory_table_store tables;
  const expiry_index index("i");
  BOOST_TEST(!index.first(tables).has_value()); // the bound is now "nothing filed"
  index.file(tables, "x", 40);
  index.file(tables, "y", -40); // earlier than anything seen
  BOOST_TEST(index.first(tables)->key == "y");
  index.unfile(tables, "y", -40);
  BOOST_TEST(index.first(tables)->key == "x");
  // Another object over the same rows (an agent made anew after a restore) finds them all.
  memory_table_store other = tables;
  other.put("i", expiry_index::encode(5, "z"), {});
  const expiry_index copy = index;
  BOOST_TEST(copy.first(other)->key == "z");
  index.refile(tables, "x", 40, 45);
  BOOST_TEST(index.first(tables)->at == 45);
  BOOST_TEST(index.take_due(tables, 44, [](const index_entry&) { return std::nullopt; }) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
