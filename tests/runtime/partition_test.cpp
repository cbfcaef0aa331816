// The per-partition ledger: positions, held records, acknowledgements, skips, journal.
#include <boost/test/unit_test.hpp>

#include "runtime/partition.hpp"
#include "tests/runtime/runtime_unit_fixture.hpp"

namespace aetherial::runtime {
namespace {

using test::make_record;
const std::vector<std::string> inputs{"in.a", "in.b"};

BOOST_AUTO_TEST_SUITE(partition_ledger_suite)

BOOST_AUTO_TEST_CASE(records_before_recovery_are_held_in_order) {
  partition_ledger l(3, inputs);
  std::shared_ptr<const input_record> in;
  BOOST_TEST((l.accept(make_record("in.a", 3, 5), in) == partition_ledger::accepted::held));
  BOOST_TEST((l.accept(make_record("in.b", 3, 1), in) == partition_ledger::accepted::held));
  BOOST_TEST((l.accept(make_record("other", 3, 1), in) == partition_ledger::accepted::foreign));
  BOOST_TEST(!l.recovered());
  l.start_at({5, -1}, 7);
  auto held = l.take_held();
  BOOST_TEST_REQUIRE(held.size() == 2u);
  BOOST_TEST(held[0].rec.topic == "in.a");
  BOOST_TEST(held[1].rec.topic == "in.b");
  BOOST_TEST(held[1].topic_index == 1);
  BOOST_TEST(l.take_held().empty());
  BOOST_TEST(l.journal_seq() == 7u);
}

BOOST_AUTO_TEST_CASE(records_covered_by_the_recovered_state_are_dropped) {
  partition_ledger l(0, inputs);
  l.start_at({10, 4}, 0);
  std::shared_ptr<const input_record> in;
  BOOST_TEST((l.accept(make_record("in.a", 0, 9), in) == partition_ledger::accepted::covered));
  BOOST_TEST((l.accept(make_record("in.a", 0, 10), in) == partition_ledger::accepted::appended));
  BOOST_TEST_REQUIRE(in != nullptr);
  BOOST_TEST(in->topic_index == 0);
  BOOST_TEST((l.accept(make_record("in.b", 0, 4), in) == partition_ledger::accepted::appended));
  BOOST_TEST(in->topic_index == 1);
  const auto pos = l.position();
  BOOST_TEST_REQUIRE(pos.size() == 2u);
  BOOST_TEST(pos[0].offset == 11);
  BOOST_TEST(pos[1].offset == 5);
  const auto cp = l.checkpointed();
  BOOST_TEST(cp[0].offset == 10);
  BOOST_TEST(cp[1].offset == 4);
}

BOOST_AUTO_TEST_CASE(acknowledgements_and_skips_shape_the_live_tail) {
  partition_ledger l(1, inputs);
  l.start_at({-1, -1}, 0);
  std::shared_ptr<const input_record> in;
  for (std::int64_t o = 0; o < 5; ++o)
    BOOST_TEST((l.accept(make_record("in.a", 1, o), in) == partition_ledger::accepted::appended));
  BOOST_TEST(l.inflight() == 5u);
  l.acknowledge(2);
  BOOST_TEST(l.inflight() == 3u);
  l.acknowledge(100); // never more than dispatched
  BOOST_TEST(l.inflight() == 0u);
  l.unacknowledge_all();
  BOOST_TEST(l.inflight() == 5u);
  BOOST_TEST(l.skip("in.a", 2));
  BOOST_TEST(!l.skip("in.a", 2)); // once
  BOOST_TEST(!l.skip("in.a", 99));
  const auto tail = l.live_tail();
  BOOST_TEST_REQUIRE(tail.size() == 4u);
  BOOST_TEST(tail[2]->rec.offset == 3);
  // The journal names what was applied, without the skipped record.
  auto je = l.journal("kind");
  BOOST_TEST_REQUIRE(je.has_value());
  BOOST_TEST_REQUIRE(je->segments.size() == 2u);
  BOOST_TEST(je->segments[0].first_offset == 0);
  BOOST_TEST(je->segments[0].count == 2);
  BOOST_TEST(je->segments[1].first_offset == 3);
  BOOST_TEST(je->segments[1].count == 2);
  BOOST_TEST(je->begin.empty()); // nothing checkpointed before
}

BOOST_AUTO_TEST_CASE(a_finished_checkpoint_moves_the_checkpointed_offsets) {
  partition_ledger l(2, inputs);
  l.start_at({0, 0}, 3);
  std::shared_ptr<const input_record> in;
  (void)l.accept(make_record("in.b", 2, 0), in);
  (void)l.accept(make_record("in.a", 2, 0), in);
  BOOST_TEST(l.journal("k")->seq == 3u);
  auto snap = test::make_snapshot("k", 2, inputs, {1, 1}, 1, 4);
  l.checkpoint_done(snap);
  BOOST_TEST(l.tail_empty());
  BOOST_TEST(l.inflight() == 0u);
  BOOST_TEST(!l.journal("k").has_value());
  BOOST_TEST(l.journal_seq() == 4u);
  BOOST_TEST(l.checkpointed()[0].offset == 1);
  BOOST_TEST_REQUIRE(l.last_snapshot().has_value());
  BOOST_TEST(l.last_snapshot()->journal_seq == 4u);
}

BOOST_AUTO_TEST_CASE(flow_control_pauses_at_the_limit_and_resumes_at_half) {
  BOOST_TEST((flow_control(99, 100, false, false) == flow::keep));
  BOOST_TEST((flow_control(100, 100, false, false) == flow::pause));
  BOOST_TEST((flow_control(100, 100, false, true) == flow::keep));
  BOOST_TEST((flow_control(51, 100, false, true) == flow::keep)); // no flapping
  BOOST_TEST((flow_control(50, 100, false, true) == flow::resume));
  BOOST_TEST((flow_control(0, 100, true, false) == flow::pause)); // quarantined
  BOOST_TEST((flow_control(0, 100, true, true) == flow::keep));
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
} // namespace aetherial::runtime
