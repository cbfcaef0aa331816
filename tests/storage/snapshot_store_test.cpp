#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/snapshot_store.hpp"
#include "tests/storage/test_support.hpp"

using namespace aetherial::storage;
using aetherial::storage::test::describe;
using aetherial::storage::test::temp_dir;

namespace {

snapshot make(const std::string& agent, std::int32_t partition, std::int64_t offset) {
  snapshot s;
  s.agent = agent;
  s.partition = partition;
  s.offsets = {{"platform.metrics", partition, offset}};
  s.events_applied = static_cast<std::uint64_t>(offset);
  s.last_event_time_ms = 1700000000000 + offset;
  const std::string state = "state-of-" + agent + "-at-" + std::to_string(offset);
  s.state.assign(state.begin(), state.end());
  return s;
}

/// Store options keeping the last `n` snapshots per (agent, partition).
store_options keeping(std::size_t n) {
  store_options opts;
  opts.keep_last = n;
  return opts;
}

std::unique_ptr<snapshot_store> open_store(const std::string& path, store_options opts = {}) {
  auto r = snapshot_store::open(path, opts);
  BOOST_TEST_REQUIRE(r.has_value(), describe(r));
  return std::move(r).value();
}

void put_ok(snapshot_store& store, const snapshot& s) {
  auto r = store.put(s);
  BOOST_TEST_REQUIRE(r.has_value(), describe(r));
}

void put_raw_ok(snapshot_store& store, const std::string& agent, std::int32_t partition,
                const std::vector<std::uint8_t>& bytes) {
  auto r = store.put_raw(agent, partition, bytes);
  BOOST_TEST_REQUIRE(r.has_value(), describe(r));
}

std::optional<snapshot> latest(const snapshot_store& store, const std::string& agent,
                               std::int32_t partition,
                               const std::function<bool(const snapshot&)>& accept = {},
                               std::size_t* skipped = nullptr) {
  auto r = store.latest_valid(agent, partition, accept, skipped);
  BOOST_TEST_REQUIRE(r.has_value(), describe(r));
  return std::move(r).value();
}

std::vector<snapshot_info> list_ok(const snapshot_store& store, const std::string& agent = "") {
  auto r = store.list(agent);
  BOOST_TEST_REQUIRE(r.has_value(), describe(r));
  return std::move(r).value();
}

std::int64_t offset_of(const snapshot& s) {
  return s.offsets.at(0).offset;
}

std::vector<std::uint64_t> sequences(const std::vector<snapshot_info>& infos) {
  std::vector<std::uint64_t> out;
  for (const auto& i : infos)
    out.push_back(i.sequence);
  return out;
}

// The three kinds of damage a snapshot on disk can suffer.
std::vector<std::uint8_t> with_flipped_state_byte(const snapshot& s) {
  auto bytes = encode_snapshot(s);
  const auto at = std::search(bytes.begin(), bytes.end(), s.state.begin(), s.state.end());
  BOOST_TEST_REQUIRE((at != bytes.end()));
  *at ^= 0x20;
  return bytes;
}

std::vector<std::uint8_t> truncated(const snapshot& s) {
  auto bytes = encode_snapshot(s);
  bytes.resize(bytes.size() * 2 / 3);
  return bytes;
}

std::vector<std::uint8_t> garbage(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  std::uint32_t x = 99;
  for (auto& b : out)
    b = static_cast<std::uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
  return out;
}

void check_error(const aetherial::error& e, errc code, const std::string& text) {
  BOOST_TEST(e.module == "storage");
  BOOST_TEST(e.code == static_cast<int>(code));
  BOOST_TEST(e.message.find(text) != std::string::npos,
             "message '" << e.message << "' should contain '" << text << "'");
}

} // namespace

BOOST_AUTO_TEST_SUITE(snapshot_store_suite)

BOOST_AUTO_TEST_CASE(empty_store_has_no_snapshot) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"));
  std::size_t skipped = 42;
  BOOST_TEST(!latest(*store, "operations", 0, {}, &skipped).has_value());
  BOOST_TEST(skipped == 0u);
  BOOST_TEST(list_ok(*store).empty());
}

BOOST_AUTO_TEST_CASE(round_trip_through_the_store) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"));
  auto s = make("operations", 2, 500);
  s.state_version = 3;
  s.journal_seq = 17;
  s.offsets.push_back({"platform.health", 2, 77});
  put_ok(*store, s);
  const auto got = latest(*store, "operations", 2);
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->agent == s.agent);
  BOOST_TEST(got->partition == s.partition);
  BOOST_TEST(got->state_version == 3u);
  BOOST_TEST((got->offsets == s.offsets));
  BOOST_TEST(got->journal_seq == 17u);
  BOOST_TEST(got->events_applied == s.events_applied);
  BOOST_TEST(got->last_event_time_ms == s.last_event_time_ms);
  BOOST_TEST(got->state == s.state, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(groups_are_isolated) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"));
  // "op" is a prefix of "ops"; partition 1 is a prefix of partition 10 in decimal.
  put_ok(*store, make("ops", 1, 100));
  put_ok(*store, make("ops", 10, 200));
  put_ok(*store, make("op", 1, 300));
  BOOST_TEST(offset_of(*latest(*store, "ops", 1)) == 100);
  BOOST_TEST(offset_of(*latest(*store, "ops", 10)) == 200);
  BOOST_TEST(offset_of(*latest(*store, "op", 1)) == 300);
  BOOST_TEST(!latest(*store, "op", 10).has_value());
  BOOST_TEST(!latest(*store, "o", 1).has_value());
  // Sequences are per group: each group's first snapshot is 1.
  for (const auto& info : list_ok(*store))
    BOOST_TEST(info.sequence == 1u);
}

BOOST_AUTO_TEST_CASE(keeps_the_last_k) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"), keeping(3));
  for (int i = 1; i <= 10; ++i)
    put_ok(*store, make("security", 0, i * 10));
  put_ok(*store, make("security", 1, 5));

  const auto infos = list_ok(*store, "security");
  BOOST_TEST_REQUIRE(infos.size() == 4u);
  BOOST_TEST(sequences(infos) == (std::vector<std::uint64_t>{10, 9, 8, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(offset_of(*infos[0].meta) == 100);
  BOOST_TEST(offset_of(*infos[2].meta) == 80);
  BOOST_TEST(infos[3].partition == 1);
  BOOST_TEST(offset_of(*latest(*store, "security", 0)) == 100);
}

BOOST_AUTO_TEST_CASE(an_unchanged_state_replaces_the_newest_instead_of_pushing_out_older_ones) {
  temp_dir dir;
  store_options opts;
  opts.keep_last = 3;
  auto store = open_store(dir.sub("db"), opts);
  put_ok(*store, make("operations", 0, 10));
  put_ok(*store, make("operations", 0, 20));
  // An idle partition checkpoints the same state again and again at later offsets.
  auto idle = make("operations", 0, 30);
  for (int i = 0; i < 5; ++i) {
    idle.offsets.front().offset = 30 + i;
    put_ok(*store, idle);
  }
  const auto infos = list_ok(*store, "operations");
  BOOST_TEST_REQUIRE(infos.size() == 3u);      // the distinct states at 10, 20 and 30 are all kept
  BOOST_TEST(offset_of(*infos[0].meta) == 34); // the newest copy of the unchanged state
  BOOST_TEST(offset_of(*infos[1].meta) == 20);
  BOOST_TEST(offset_of(*infos[2].meta) == 10);
}

BOOST_AUTO_TEST_CASE(keep_last_one) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"), keeping(1));
  for (int i = 1; i <= 5; ++i)
    put_ok(*store, make("content", 4, i));
  const auto infos = list_ok(*store);
  BOOST_TEST_REQUIRE(infos.size() == 1u);
  BOOST_TEST(infos[0].sequence == 5u);
  BOOST_TEST(offset_of(*latest(*store, "content", 4)) == 5);
}

BOOST_AUTO_TEST_CASE(corrupt_snapshots_are_skipped_and_counted) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"), keeping(5));
  const auto good = make("orchestrator", 0, 1000);
  put_ok(*store, good);

  struct damage {
    const char* name;
    std::vector<std::uint8_t> bytes;
    const char* problem;
  };
  const auto newer = make("orchestrator", 0, 2000);
  const std::vector<damage> cases = {
      {"flipped state byte", with_flipped_state_byte(newer), "checksum mismatch"},
      {"truncated", truncated(newer), "truncated"},
      {"garbage", garbage(300), "not a SnapshotRecord"},
  };
  std::size_t expected_skipped = 0;
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      put_raw_ok(*store, "orchestrator", 0, c.bytes);
      ++expected_skipped;
      std::size_t skipped = 0;
      const auto got = latest(*store, "orchestrator", 0, {}, &skipped);
      BOOST_TEST_REQUIRE(got.has_value());
      BOOST_TEST(offset_of(*got) == 1000);
      BOOST_TEST(got->state == good.state, boost::test_tools::per_element());
      BOOST_TEST(skipped == expected_skipped);
    }
  }

  const auto infos = list_ok(*store, "orchestrator");
  BOOST_TEST_REQUIRE(infos.size() == 4u);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& info = infos[cases.size() - 1 - i]; // newest first
    BOOST_TEST_CONTEXT(cases[i].name) {
      BOOST_TEST(!info.valid);
      BOOST_TEST(!info.meta.has_value());
      BOOST_TEST(info.size_bytes == cases[i].bytes.size());
      BOOST_TEST(info.problem.find(cases[i].problem) != std::string::npos, info.problem);
    }
  }
  BOOST_TEST(infos.back().valid);
  BOOST_TEST(infos.back().problem.empty());
}

BOOST_AUTO_TEST_CASE(only_corrupt_snapshots_means_none) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"));
  put_raw_ok(*store, "analytics", 1, garbage(64));
  put_raw_ok(*store, "analytics", 1, {});
  std::size_t skipped = 0;
  BOOST_TEST(!latest(*store, "analytics", 1, {}, &skipped).has_value());
  BOOST_TEST(skipped == 2u);
}

BOOST_AUTO_TEST_CASE(a_snapshot_filed_under_another_group_is_corrupt) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"));
  put_ok(*store, make("development", 0, 1));
  put_raw_ok(*store, "development", 0, encode_snapshot(make("development", 1, 2)));
  put_raw_ok(*store, "development", 0, encode_snapshot(make("support", 0, 3)));
  std::size_t skipped = 0;
  const auto got = latest(*store, "development", 0, {}, &skipped);
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(offset_of(*got) == 1);
  BOOST_TEST(skipped == 2u);
  const auto infos = list_ok(*store);
  BOOST_TEST_REQUIRE(infos.size() == 3u);
  BOOST_TEST(infos[0].problem.find("stored under agent 'development' partition 0") !=
                 std::string::npos,
             infos[0].problem);
}

BOOST_AUTO_TEST_CASE(accept_predicate_selects_the_newest_acceptable) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"), keeping(4));
  for (std::int64_t off : {100, 200, 300, 400})
    put_ok(*store, make("support", 6, off));

  const std::int64_t committed = 250; // snapshots past the committed offset cannot be used
  std::size_t skipped = 9;
  const auto got = latest(
      *store, "support", 6, [&](const snapshot& s) { return offset_of(s) <= committed; }, &skipped);
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(offset_of(*got) == 200);
  BOOST_TEST(skipped == 0u); // rejected by the predicate is not corrupt

  BOOST_TEST(!latest(*store, "support", 6, [](const snapshot&) { return false; }).has_value());
  // Corrupt snapshots are never offered to the predicate.
  put_raw_ok(*store, "support", 6, garbage(40));
  std::size_t offered = 0;
  const auto any = latest(
      *store, "support", 6,
      [&](const snapshot&) {
        ++offered;
        return true;
      },
      &skipped);
  BOOST_TEST_REQUIRE(any.has_value());
  BOOST_TEST(offset_of(*any) == 400);
  BOOST_TEST(offered == 1u);
  BOOST_TEST(skipped == 1u);
}

BOOST_AUTO_TEST_CASE(reopen_persists_and_sequence_continues) {
  temp_dir dir;
  store_options opts;
  opts.keep_last = 3;
  opts.sync_writes = true;
  {
    auto store = open_store(dir.sub("db"), opts);
    for (int i = 1; i <= 4; ++i)
      put_ok(*store, make("operations", 0, i));
    put_ok(*store, make("operations", 9, 90));
  }
  {
    auto store = open_store(dir.sub("db"), opts);
    BOOST_TEST(offset_of(*latest(*store, "operations", 0)) == 4);
    put_ok(*store, make("operations", 0, 5));
    put_ok(*store, make("operations", 9, 91));
    BOOST_TEST(sequences(list_ok(*store)) == (std::vector<std::uint64_t>{5, 4, 3, 2, 1}),
               boost::test_tools::per_element());
  }
  // A smaller keep_last takes effect at the next put of each group.
  opts.keep_last = 2;
  auto store = open_store(dir.sub("db"), opts);
  BOOST_TEST(list_ok(*store, "operations").size() == 5u);
  put_ok(*store, make("operations", 0, 6));
  BOOST_TEST(sequences(list_ok(*store)) == (std::vector<std::uint64_t>{6, 5, 2, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(offset_of(*latest(*store, "operations", 0)) == 6);
}

BOOST_AUTO_TEST_CASE(list_orders_by_agent_partition_then_newest_first) {
  temp_dir dir;
  auto store = open_store(dir.sub("db"));
  put_ok(*store, make("security", 10, 1));
  put_ok(*store, make("analytics", 2, 1));
  put_ok(*store, make("security", 2, 1));
  put_ok(*store, make("analytics", 2, 2));
  put_ok(*store, make("security", 10, 2));

  const auto all = list_ok(*store);
  BOOST_TEST_REQUIRE(all.size() == 5u);
  const std::vector<std::string> agents = {"analytics", "analytics", "security", "security",
                                           "security"};
  const std::vector<std::int32_t> partitions = {2, 2, 2, 10, 10};
  const std::vector<std::uint64_t> seqs = {2, 1, 1, 2, 1};
  for (std::size_t i = 0; i < all.size(); ++i) {
    BOOST_TEST_CONTEXT("entry " << i) {
      BOOST_TEST(all[i].agent == agents[i]);
      BOOST_TEST(all[i].partition == partitions[i]);
      BOOST_TEST(all[i].sequence == seqs[i]);
      BOOST_TEST(all[i].valid);
      BOOST_TEST_REQUIRE(all[i].meta.has_value());
      BOOST_TEST(all[i].meta->agent == agents[i]);
      BOOST_TEST(all[i].size_bytes == encode_snapshot(*all[i].meta).size());
    }
  }
  BOOST_TEST(list_ok(*store, "security").size() == 3u);
  BOOST_TEST(list_ok(*store, "analytics").size() == 2u);
  BOOST_TEST(list_ok(*store, "securit").empty());
  BOOST_TEST(list_ok(*store, "nobody").empty());
}

BOOST_AUTO_TEST_CASE(two_stores_are_independent) {
  temp_dir dir_a;
  temp_dir dir_b;
  auto a = open_store(dir_a.sub("db"));
  auto b = open_store(dir_b.sub("db"));
  put_ok(*a, make("operations", 0, 1));
  put_ok(*a, make("operations", 0, 2));
  put_ok(*b, make("operations", 0, 7));
  BOOST_TEST(offset_of(*latest(*a, "operations", 0)) == 2);
  BOOST_TEST(offset_of(*latest(*b, "operations", 0)) == 7);
  BOOST_TEST(sequences(list_ok(*a)) == (std::vector<std::uint64_t>{2, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(sequences(list_ok(*b)) == (std::vector<std::uint64_t>{1}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_store_open_in_this_process_is_locked) {
  temp_dir dir;
  auto first = open_store(dir.sub("db"));
  auto second = snapshot_store::open(dir.sub("db"));
  BOOST_TEST_REQUIRE(!second.has_value());
  BOOST_TEST_MESSAGE("second open: " << second.error_value().to_string());
  check_error(second.error_value(), errc::io, "is locked by another process");
  check_error(second.error_value(), errc::io, dir.sub("db"));
}

BOOST_AUTO_TEST_CASE(a_store_locked_by_another_process_says_so) {
  temp_dir dir;
  { auto created = open_store(dir.sub("db")); }
  const std::string lock_path = dir.sub("db") + "/LOCK";
  int ready[2];
  int release[2];
  BOOST_TEST_REQUIRE(::pipe(ready) == 0);
  BOOST_TEST_REQUIRE(::pipe(release) == 0);
  const pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    // Only async-signal-safe calls here: take the same fcntl lock RocksDB takes, report,
    // and hold it until the parent closes the release pipe.
    ::close(ready[0]);
    ::close(release[1]);
    const int fd = ::open(lock_path.c_str(), O_RDWR);
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    const char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? '1' : '0';
    if (::write(ready[1], &ok, 1) != 1) ::_exit(2);
    char c;
    while (::read(release[0], &c, 1) > 0) {
    }
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char ok = '0';
  BOOST_TEST_REQUIRE(::read(ready[0], &ok, 1) == 1);
  BOOST_TEST(ok == '1');
  auto r = snapshot_store::open(dir.sub("db"));
  ::close(release[1]);
  ::close(ready[0]);
  int status = 0;
  BOOST_TEST(::waitpid(child, &status, 0) == child);
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST_MESSAGE("open while another process holds the lock: " << r.error_value().to_string());
  check_error(r.error_value(), errc::io, "is locked by another process");
  // Once the other process is gone, the store opens.
  auto again = open_store(dir.sub("db"));
  BOOST_TEST(list_ok(*again).empty());
}

BOOST_AUTO_TEST_CASE(unusable_path_is_a_clear_error) {
  temp_dir dir;
  const std::string file = dir.sub("plain-file");
  std::ofstream(file) << "not a directory";
  auto r = snapshot_store::open(file + "/db");
  BOOST_TEST_REQUIRE(!r.has_value());
  check_error(r.error_value(), errc::io, "cannot create snapshot store directory");
  check_error(r.error_value(), errc::io, file);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_invalid) {
  temp_dir dir;
  auto none = snapshot_store::open("");
  BOOST_TEST_REQUIRE(!none.has_value());
  check_error(none.error_value(), errc::invalid, "path is empty");
  store_options zero;
  zero.keep_last = 0;
  auto no_keep = snapshot_store::open(dir.sub("db"), zero);
  BOOST_TEST_REQUIRE(!no_keep.has_value());
  check_error(no_keep.error_value(), errc::invalid, "keep_last");

  auto store = open_store(dir.sub("db"));
  auto empty_agent = store->put(make("", 0, 1));
  BOOST_TEST_REQUIRE(!empty_agent.has_value());
  check_error(empty_agent.error_value(), errc::invalid, "agent name is empty");
  auto slash = store->put(make("a/b", 0, 1));
  BOOST_TEST_REQUIRE(!slash.has_value());
  check_error(slash.error_value(), errc::invalid, "contains '/'");
  auto negative = store->put_raw("ops", -1, {1, 2, 3});
  BOOST_TEST_REQUIRE(!negative.has_value());
  check_error(negative.error_value(), errc::invalid, "negative");
  auto read = store->latest_valid("a/b", 0);
  BOOST_TEST_REQUIRE(!read.has_value());
  check_error(read.error_value(), errc::invalid, "contains '/'");
  auto listed = store->list("x/");
  BOOST_TEST_REQUIRE(!listed.has_value());
  BOOST_TEST(list_ok(*store).empty());
}

BOOST_AUTO_TEST_CASE(concurrent_puts_get_unique_increasing_sequences) {
  temp_dir dir;
  constexpr int writers = 4;
  constexpr int puts_each = 50;
  store_options opts;
  opts.keep_last = writers * puts_each;
  auto store = open_store(dir.sub("db"), opts);
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < puts_each; ++i) {
        // Every writer shares partition 0 and also owns one partition of its own.
        if (!store->put(make("operations", 0, w * 1000 + i)).has_value()) ++failures;
        if (!store->put(make("operations", w + 1, i)).has_value()) ++failures;
      }
    });
  std::thread reader([&] {
    while (!done.load()) {
      std::size_t skipped = 0;
      auto r = store->latest_valid("operations", 0, {}, &skipped);
      if (!r.has_value() || skipped != 0) ++failures;
    }
  });
  for (auto& t : threads)
    t.join();
  done = true;
  reader.join();
  BOOST_TEST(failures.load() == 0);

  const auto infos = list_ok(*store, "operations");
  std::vector<std::uint64_t> shared;
  for (const auto& i : infos)
    if (i.partition == 0) shared.push_back(i.sequence);
  BOOST_TEST_REQUIRE(shared.size() == static_cast<std::size_t>(writers * puts_each));
  for (std::size_t i = 0; i < shared.size(); ++i)
    BOOST_TEST_REQUIRE(shared[i] == shared.size() - i);
  BOOST_TEST(infos.size() == static_cast<std::size_t>(2 * writers * puts_each));
}

BOOST_AUTO_TEST_SUITE_END()
