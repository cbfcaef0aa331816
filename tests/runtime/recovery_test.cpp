// Recovery plans over fake sources: local snapshot -> snapshot topic -> log, state versions
// decided once (older readable ones upgraded, older unreadable ones refused and the partition
// rebuilt from the log), corrupt snapshots skipped.
#include <algorithm>
#include <map>

#include <boost/test/unit_test.hpp>

#include "runtime/recovery.hpp"
#include "tests/runtime/runtime_unit_fixture.hpp"

namespace aetherial::runtime {
namespace {

using test::make_record;
using test::make_snapshot;
const std::vector<std::string> inputs{"in.a", "in.b"};

/// Sources held in memory: snapshots newest last, journal entries by seq.
class fake_sources final : public recovery_sources {
public:
  std::vector<storage::snapshot> local_snaps;
  std::vector<storage::snapshot> topic_snaps;
  std::size_t corrupt_local = 0;
  std::map<std::uint64_t, journal_entry> journal_entries;
  bool journal_fails = false;
  bool changelog_has_rows = false; ///< restore_tables succeeds
  std::vector<std::string> asked;  ///< which sources were read, in order

  result<std::optional<storage::snapshot>>
  local(const std::function<bool(const storage::snapshot&)>& accept,
        std::size_t& corrupt) override {
    asked.push_back("local");
    corrupt = corrupt_local;
    return newest(local_snaps, accept);
  }
  result<std::optional<storage::snapshot>>
  snapshot_topic(const std::function<bool(const storage::snapshot&)>& accept) override {
    asked.push_back("topic");
    return newest(topic_snaps, accept);
  }
  result<changelog_restore> restore_tables(const storage::snapshot& s) override {
    asked.push_back("changelog");
    changelog_restore r;
    r.restored = changelog_has_rows;
    r.rows = changelog_has_rows ? 5 : 0;
    if (!changelog_has_rows) r.why_not = "no rows at seq " + std::to_string(s.journal_seq);
    return r;
  }
  result<std::vector<journal_entry>> journal(std::uint64_t from_seq) override {
    asked.push_back("journal");
    if (journal_fails) return error{"test", 1, "journal topic gone"};
    std::vector<journal_entry> out;
    for (auto it = journal_entries.lower_bound(from_seq); it != journal_entries.end(); ++it)
      out.push_back(it->second);
    return out;
  }
  result<input_batch> fetch(const std::vector<journal_entry>& entries) override {
    asked.push_back("fetch");
    input_batch out;
    for (const auto& e : entries)
      for (const auto& s : e.segments)
        for (std::int32_t i = 0; i < s.count; ++i) {
          out.push_back(std::make_shared<input_record>(
              make_record(inputs[static_cast<std::size_t>(s.topic_index)], e.partition,
                          s.first_offset + i),
              s.topic_index));
        }
    return out;
  }

private:
  static std::optional<storage::snapshot>
  newest(const std::vector<storage::snapshot>& all,
         const std::function<bool(const storage::snapshot&)>& accept) {
    for (auto it = all.rbegin(); it != all.rend(); ++it)
      if (accept(*it)) return *it;
    return std::nullopt;
  }
};

recovery_request request(std::vector<std::int64_t> committed, std::uint32_t version = 3,
                         std::uint32_t min_version = 2) {
  recovery_request rq;
  rq.agent = "ops";
  rq.partition = 1;
  rq.topics = inputs;
  rq.committed = std::move(committed);
  rq.state_version = version;
  rq.min_state_version = min_version;
  return rq;
}

journal_entry entry(std::uint64_t seq, int topic, std::int64_t first, int count) {
  journal_entry e;
  e.agent = "ops";
  e.partition = 1;
  e.seq = seq;
  e.segments.push_back({topic, first, count});
  return e;
}

bool has_note(const recovery_plan& p, const std::string& text) {
  return std::any_of(p.notes.begin(), p.notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

BOOST_AUTO_TEST_SUITE(recovery_suite)

BOOST_AUTO_TEST_CASE(nothing_committed_starts_empty_from_the_beginning) {
  fake_sources src;
  src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {5, 5}, 3));
  auto plan = plan_recovery(request({-1, -1}), src);
  BOOST_TEST((plan.source == recovery_source::empty));
  BOOST_TEST(!plan.snapshot);
  BOOST_TEST(plan.position == (std::vector<std::int64_t>{-1, -1}),
             boost::test_tools::per_element());
  BOOST_TEST(src.asked.empty());
}

BOOST_AUTO_TEST_CASE(a_local_snapshot_at_the_committed_offsets_is_exact) {
  fake_sources src;
  src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 7));
  src.topic_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 7));
  auto plan = plan_recovery(request({10, 4}), src);
  BOOST_TEST((plan.source == recovery_source::snapshot));
  BOOST_TEST(plan.replay.empty());
  BOOST_TEST(plan.journal_seq == 7u);
  BOOST_TEST(plan.position == (std::vector<std::int64_t>{10, 4}), boost::test_tools::per_element());
  BOOST_TEST(src.asked == (std::vector<std::string>{"local"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_snapshot_past_the_committed_offsets_is_never_used) {
  fake_sources src;
  src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 2));
  src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {12, 4}, 3, 3)); // not committed
  auto plan = plan_recovery(request({10, 4}), src);
  BOOST_TEST_REQUIRE(plan.snapshot.has_value());
  BOOST_TEST(plan.snapshot->journal_seq == 2u);
}

// A kind with tables restores only the snapshot its stored table rows belong to; without one
// it rebuilds from the log (journal replay from the start).
BOOST_AUTO_TEST_CASE(a_table_kind_takes_only_the_snapshot_its_rows_are_at) {
  {
    fake_sources src;
    src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {8, 4}, 3, 2));
    src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 3));
    auto rq = request({10, 4});
    rq.uses_tables = true;
    rq.tables_at = 2; // the rows were stored with the older one
    auto plan = plan_recovery(rq, src);
    BOOST_TEST_REQUIRE(plan.snapshot.has_value());
    BOOST_TEST(plan.snapshot->journal_seq == 2u);
    BOOST_TEST(has_note(plan, "table rows"));
  }
  {
    fake_sources src;
    src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 3));
    src.topic_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 3));
    src.journal_entries[0] = entry(0, 0, 0, 10);
    auto rq = request({10, 4});
    rq.uses_tables = true; // no rows stored: no snapshot fits
    auto plan = plan_recovery(rq, src);
    BOOST_TEST(!plan.snapshot.has_value());
    BOOST_TEST((plan.source == recovery_source::replay));
    BOOST_TEST(plan.replay.size() == 10u);
    BOOST_TEST(has_note(plan, "the changelog cannot restore"));
    BOOST_TEST(has_note(plan, "rebuilding the partition from the log"));
  }
  {
    // The rows come from the changelog: the topic's snapshot is taken.
    fake_sources src;
    src.topic_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 3));
    src.changelog_has_rows = true;
    auto rq = request({10, 4});
    rq.uses_tables = true;
    auto plan = plan_recovery(rq, src);
    BOOST_TEST_REQUIRE(plan.snapshot.has_value());
    BOOST_TEST((plan.source == recovery_source::changelog));
    BOOST_TEST(plan.replay.empty());
    BOOST_TEST(has_note(plan, "restored 5 table rows from the changelog"));
    BOOST_TEST(src.asked == (std::vector<std::string>{"local", "topic", "changelog"}),
               boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(without_a_local_snapshot_the_snapshot_topic_is_read) {
  fake_sources src;
  src.corrupt_local = 2;
  src.topic_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 3, 7));
  auto plan = plan_recovery(request({10, 4}), src);
  BOOST_TEST((plan.source == recovery_source::snapshot_topic));
  BOOST_TEST(has_note(plan, "skipped 2 corrupt"));
  BOOST_TEST(src.asked == (std::vector<std::string>{"local", "topic"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_older_snapshot_replays_the_journal_with_emission_suppressed) {
  fake_sources src;
  src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {4, 0}, 3, 2));
  src.journal_entries[1] = entry(1, 0, 0, 4); // already in the snapshot
  src.journal_entries[2] = entry(2, 0, 4, 3);
  src.journal_entries[3] = entry(3, 1, 0, 2);
  auto plan = plan_recovery(request({7, 2}), src);
  BOOST_TEST((plan.source == recovery_source::replay));
  BOOST_TEST_REQUIRE(plan.snapshot.has_value());
  BOOST_TEST_REQUIRE(plan.replay.size() == 5u);
  BOOST_TEST(plan.replay[0]->rec.offset == 4);
  BOOST_TEST(plan.replay[3]->rec.topic == "in.b");
  BOOST_TEST(plan.journal_seq == 4u);
  BOOST_TEST(plan.position == (std::vector<std::int64_t>{7, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_older_readable_state_version_is_upgraded_not_skipped) {
  fake_sources src;
  src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 2, 7)); // min 2, current 3
  auto plan = plan_recovery(request({10, 4}, 3, 2), src);
  BOOST_TEST((plan.source == recovery_source::snapshot));
  BOOST_TEST_REQUIRE(plan.snapshot.has_value());
  BOOST_TEST(plan.snapshot->state_version == 2u); // the agent's restore upgrades it
  BOOST_TEST(plan.notes.empty());
}

BOOST_AUTO_TEST_CASE(an_unreadable_state_version_is_refused_and_the_log_rebuilds_the_state) {
  fake_sources src;
  src.local_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 1, 7)); // too old
  src.topic_snaps.push_back(make_snapshot("ops", 1, inputs, {10, 4}, 9, 7)); // too new
  for (std::uint64_t s = 0; s < 7; ++s)
    src.journal_entries[s] = entry(s, 0, static_cast<std::int64_t>(s), 1);
  src.journal_entries[7] = entry(7, 0, 7, 3);
  src.journal_entries[8] = entry(8, 1, 0, 4);
  auto plan = plan_recovery(request({10, 4}, 3, 2), src);
  BOOST_TEST(!plan.snapshot.has_value());
  BOOST_TEST((plan.source == recovery_source::replay));
  BOOST_TEST(plan.replay.size() == 14u); // every journaled input from seq 0
  BOOST_TEST(has_note(plan, "refused a snapshot of state version 1"));
  BOOST_TEST(has_note(plan, "refused a snapshot of state version 9"));
  BOOST_TEST(has_note(plan, "rebuilding the partition from the log"));
}

BOOST_AUTO_TEST_CASE(an_unreadable_journal_is_noted_and_consumption_resumes_at_the_commit) {
  fake_sources src;
  src.journal_fails = true;
  auto plan = plan_recovery(request({10, 4}), src);
  BOOST_TEST((plan.source == recovery_source::empty));
  BOOST_TEST(has_note(plan, "journal unreadable: journal topic gone"));
  BOOST_TEST(plan.position == (std::vector<std::int64_t>{10, 4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
} // namespace aetherial::runtime
