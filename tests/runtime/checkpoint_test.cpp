// Checkpoints for both guarantees, over a recording checkpoint_io: the order of the writes,
// and every failure as a returned error (never a signal).
#include <boost/test/unit_test.hpp>

#include "runtime/checkpoint.hpp"
#include "tests/runtime/runtime_unit_fixture.hpp"

namespace aetherial::runtime {
namespace {

using test::make_record;
using test::recording_io;
const std::vector<std::string> inputs{"in.a", "in.b"};

/// A ledger of partition p with `n` records of in.a applied since a checkpoint at {0, 0}.
partition_ledger ledger_with(std::int32_t p, int n) {
  partition_ledger l(p, inputs);
  l.start_at({0, 0}, 5);
  std::shared_ptr<const input_record> in;
  for (int i = 0; i < n; ++i)
    (void)l.accept(make_record("in.a", p, i), in);
  return l;
}

host_state state_of(std::uint64_t applied) {
  return host_state{{9, 9, 9}, applied, 1234};
}

BOOST_AUTO_TEST_SUITE(checkpoint_suite)

BOOST_AUTO_TEST_CASE(prepare_builds_journal_and_snapshot_from_plain_values) {
  auto l = ledger_with(1, 3);
  auto c = prepare_checkpoint("ops", 4, l, state_of(3));
  BOOST_TEST(c.key == "ops/1");
  BOOST_TEST(c.snap.state_version == 4u);
  BOOST_TEST(c.snap.journal_seq == 6u); // the tail's journal record is seq 5
  BOOST_TEST(!c.journal.empty());
  auto je = decode_journal(c.journal.data(), c.journal.size());
  BOOST_TEST_REQUIRE(je.has_value());
  BOOST_TEST(je.value().seq == 5u);
  BOOST_TEST(je.value().segments.at(0).count == 3);
  auto snap = storage::decode_snapshot(c.encoded.data(), c.encoded.size());
  BOOST_TEST_REQUIRE(snap.has_value());
  BOOST_TEST(snap.value().events_applied == 3u);
  BOOST_TEST_REQUIRE(c.offsets.size() == 2u);
  BOOST_TEST(c.offsets[0].offset == 3);
  // Nothing applied since the last checkpoint: no journal record, the same seq.
  auto idle = ledger_with(1, 0);
  auto c2 = prepare_checkpoint("ops", 4, idle, state_of(0));
  BOOST_TEST(c2.journal.empty());
  BOOST_TEST(c2.snap.journal_seq == 5u);
}

BOOST_AUTO_TEST_CASE(at_least_once_writes_then_flushes_then_commits_then_stores) {
  recording_io io;
  auto l = ledger_with(0, 2);
  auto c = prepare_checkpoint("ops", 1, l, state_of(2));
  BOOST_TEST_REQUIRE(commit_at_least_once(io, c).has_value());
  const std::vector<std::string> expected{"journal:ops/0", "snapshot:ops/0", "flush", "commit",
                                          "store"};
  BOOST_TEST(io.calls == expected, boost::test_tools::per_element());
  BOOST_TEST(io.stored.size() == 1u);
}

BOOST_AUTO_TEST_CASE(at_least_once_commits_nothing_when_a_write_or_the_flush_fails) {
  for (const std::string step : {"snapshot", "flush"}) {
    recording_io io;
    io.fail = {step};
    auto l = ledger_with(0, 2);
    auto c = prepare_checkpoint("ops", 1, l, state_of(2));
    auto r = commit_at_least_once(io, c);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(is(r.error_value(), step == "flush" ? errc::flush_failed : errc::checkpoint_write));
    BOOST_TEST(io.committed.empty());
    BOOST_TEST(io.stored.empty());
  }
}

BOOST_AUTO_TEST_CASE(at_least_once_survives_a_refused_offset_commit_and_a_full_local_store) {
  // The checkpoint is in Kafka: a refused offset commit means a replay from the journal on
  // recovery, a local store failure a slower recovery; neither undoes the checkpoint.
  recording_io io;
  io.fail = {"commit", "store"};
  auto l = ledger_with(0, 1);
  auto c = prepare_checkpoint("ops", 1, l, state_of(1));
  BOOST_TEST(commit_at_least_once(io, c).has_value());
}

BOOST_AUTO_TEST_CASE(at_least_once_checkpoints_several_partitions_with_one_flush_and_commit) {
  recording_io io;
  auto l0 = ledger_with(0, 2), l1 = ledger_with(1, 1);
  std::vector<prepared_checkpoint> batch{prepare_checkpoint("ops", 1, l0, state_of(2)),
                                         prepare_checkpoint("ops", 1, l1, state_of(1))};
  BOOST_TEST_REQUIRE(commit_at_least_once(io, batch).has_value());
  const std::vector<std::string> expected{"journal:ops/0",  "snapshot:ops/0", "journal:ops/1",
                                          "snapshot:ops/1", "flush",          "commit",
                                          "store",          "store"};
  BOOST_TEST(io.calls == expected, boost::test_tools::per_element());
  BOOST_TEST(io.committed.size() == 4u); // two topics of two partitions, in one commit
  // All or nothing: the flush fails, so no offset is committed and nothing is stored.
  recording_io failing;
  failing.fail = {"flush"};
  BOOST_TEST(!commit_at_least_once(failing, batch).has_value());
  BOOST_TEST(failing.committed.empty());
  BOOST_TEST(failing.stored.empty());
}

BOOST_AUTO_TEST_CASE(exactly_once_commits_every_partition_in_one_transaction) {
  recording_io io;
  auto l0 = ledger_with(0, 2), l1 = ledger_with(1, 1);
  std::vector<prepared_checkpoint> batch{prepare_checkpoint("ops", 1, l0, state_of(2)),
                                         prepare_checkpoint("ops", 1, l1, state_of(1))};
  BOOST_TEST_REQUIRE(commit_transaction(io, batch).has_value());
  const std::vector<std::string> expected{"journal:ops/0",  "snapshot:ops/0", "journal:ops/1",
                                          "snapshot:ops/1", "offsets",        "commit_txn",
                                          "begin_txn",      "store",          "store"};
  BOOST_TEST(io.calls == expected, boost::test_tools::per_element());
  BOOST_TEST(io.committed.size() == 4u); // two topics of two partitions
}

BOOST_AUTO_TEST_CASE(exactly_once_aborts_a_failed_commit_and_begins_the_next) {
  recording_io io;
  io.fail = {"commit_txn"};
  auto l0 = ledger_with(0, 2);
  std::vector<prepared_checkpoint> batch{prepare_checkpoint("ops", 1, l0, state_of(2))};
  auto r = commit_transaction(io, batch);
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST(is(r.error_value(), errc::transaction_aborted));
  BOOST_TEST(io.calls.back() == "begin_txn");
  BOOST_TEST(io.calls[io.calls.size() - 2] == "abort_txn");
  BOOST_TEST(io.stored.empty());
}

BOOST_AUTO_TEST_CASE(exactly_once_reports_an_unusable_producer_as_fatal) {
  for (const std::string step : {"abort_txn", "begin_txn"}) {
    recording_io io;
    io.fail = {"offsets", step};
    auto l0 = ledger_with(0, 1);
    std::vector<prepared_checkpoint> batch{prepare_checkpoint("ops", 1, l0, state_of(1))};
    auto r = commit_transaction(io, batch);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(is(r.error_value(), errc::transaction_fatal), step);
    BOOST_TEST(r.error_value().message.find("offsets refused") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
} // namespace aetherial::runtime
