// Breaking crash loops: the decision at each recovery from the markers kept so far, and the
// markers round-tripping through a real snapshot store.
#include <boost/test/unit_test.hpp>

#include "runtime/crash_guard.hpp"
#include "tests/runtime/runtime_fixture.hpp"

namespace aetherial::runtime {
namespace {

/// A snapshot store in a temporary directory.
struct temp_store {
  test::temp_dir dir;
  std::unique_ptr<storage::snapshot_store> store;
  temp_store() {
    auto s = storage::snapshot_store::open(dir.path() + "/db");
    BOOST_TEST_REQUIRE(s.has_value());
    store = std::move(s.value());
  }
};

const std::vector<std::int64_t> at_10{10, -1};
const std::vector<std::int64_t> at_20{20, 5};

/// One process incarnation: recovers from `position`, then (when it dies applying a record)
/// notes that record as careful mode would have.
crash_verdict incarnation(std::optional<crash_marker>& kept, const std::vector<std::int64_t>& at,
                          std::optional<std::pair<int, std::int64_t>> dies_on, int limit = 3) {
  auto v = decide_recovery(kept, at, limit);
  kept = v.marker;
  if (dies_on && v.careful) {
    kept->applying_topic = dies_on->first;
    kept->applying_offset = dies_on->second;
  }
  return v;
}

BOOST_AUTO_TEST_SUITE(crash_guard_suite)

BOOST_AUTO_TEST_CASE(a_first_recovery_or_one_after_progress_is_not_careful) {
  std::optional<crash_marker> kept;
  auto v = incarnation(kept, at_10, std::nullopt);
  BOOST_TEST(!v.careful);
  BOOST_TEST(!v.poison);
  BOOST_TEST(v.marker.recoveries == 1u);
  v = incarnation(kept, at_20, std::nullopt); // a checkpoint moved the position on
  BOOST_TEST(!v.careful);
}

BOOST_AUTO_TEST_CASE(a_clean_release_is_no_sign_of_a_crash) {
  crash_marker released;
  released.position = at_10;
  released.clean = true;
  const auto v = decide_recovery(released, at_10, 3);
  BOOST_TEST(!v.careful);
}

BOOST_AUTO_TEST_CASE(a_record_that_kills_every_incarnation_is_dead_lettered_at_the_limit) {
  std::optional<crash_marker> kept;
  const std::pair<int, std::int64_t> killer{1, 42};
  // Dies once before anything is known: the next recovery from the same place is careful.
  auto v = incarnation(kept, at_10, killer);
  BOOST_TEST(!v.careful);
  v = incarnation(kept, at_10, killer); // careful: it notes 1@42 and dies on it
  BOOST_TEST(v.careful);
  BOOST_TEST(!v.poison);
  v = incarnation(kept, at_10, killer); // 1 death seen on 1@42
  BOOST_TEST(!v.poison);
  BOOST_TEST(v.marker.suspect_deaths == 1u);
  v = incarnation(kept, at_10, killer); // 2 deaths
  BOOST_TEST(!v.poison);
  v = incarnation(kept, at_10, std::nullopt); // 3 deaths: the limit
  BOOST_TEST(v.poison);
  BOOST_TEST(v.topic == 1);
  BOOST_TEST(v.offset == 42);
  BOOST_TEST(v.deaths == 3u);
}

BOOST_AUTO_TEST_CASE(deaths_on_different_records_do_not_add_up) {
  std::optional<crash_marker> kept;
  (void)incarnation(kept, at_10, std::nullopt);
  std::int64_t offset = 40;
  for (int i = 0; i < 6; ++i) {
    kept->applying_topic = 0;
    kept->applying_offset = offset++;
    const auto v = incarnation(kept, at_10, std::nullopt);
    BOOST_TEST(v.careful);
    BOOST_TEST(!v.poison);
    BOOST_TEST(v.marker.suspect_deaths == 1u);
  }
}

BOOST_AUTO_TEST_CASE(markers_round_trip_and_garbage_is_no_marker) {
  crash_marker m;
  m.position = {7, -1, 1234567890123};
  m.recoveries = 4;
  m.applying_topic = 2;
  m.applying_offset = 99;
  m.suspect_topic = 2;
  m.suspect_offset = 98;
  m.suspect_deaths = 2;
  m.clean = true;
  const auto back = decode_marker(encode_marker(m));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST((*back == m));
  BOOST_TEST(!decode_marker({}).has_value());
  BOOST_TEST(!decode_marker({'x', 'y'}).has_value());
  const std::string truncated = "crash1 4 2 99 2 98 2 1 3 7 -1";
  BOOST_TEST(!decode_marker({truncated.begin(), truncated.end()}).has_value());
}

BOOST_AUTO_TEST_CASE(the_guard_keeps_its_markers_in_the_snapshot_store) {
  temp_store dir;
  {
    crash_guard guard(*dir.store, "operations", 2);
    BOOST_TEST(!guard.on_recovery(0, at_10).careful);
    guard.applying(0, 0, 11); // the process "dies" here
  }
  crash_guard again(*dir.store, "operations", 2);
  auto v = again.on_recovery(0, at_10);
  BOOST_TEST(v.careful);
  BOOST_TEST(v.marker.suspect_offset == 11);
  again.applying(0, 0, 11);
  crash_guard third(*dir.store, "operations", 2);
  v = third.on_recovery(0, at_10);
  BOOST_TEST(v.poison);
  BOOST_TEST(v.offset == 11);
  // Progress clears the history; a clean release makes the next recovery ordinary.
  third.checkpointed(0, at_20);
  third.released(0, at_20);
  crash_guard fourth(*dir.store, "operations", 2);
  BOOST_TEST(!fourth.on_recovery(0, at_20).careful);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
} // namespace aetherial::runtime
