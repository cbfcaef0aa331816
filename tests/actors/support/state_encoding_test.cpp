// The state encoding of the User Support agent: a FlatBuffer of schemas/state/support.fbs that
// round-trips byte for byte, and its table rows; impossible content is refused; the registry's
// agent reads its settings. (Snapshots of the former codec, damaged ones and the registry's topics
// and versions are the conformance suite's: tests/actors/conformance.)
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/registry.hpp"
#include "actors/support/state_codec.hpp"
#include "actors/support/support_agent.hpp"
#include "schemas/state/support_generated.h"
#include "tests/actors/kit/state_checks.hpp"
#include "tests/actors/support/support_fixture.hpp"

using namespace aetherial::actors::support::test;

namespace {

support_state sample_state() {
  support_state s;
  (void)s.kb.apply("kb-1", "Refunds", "Refunds take five days.", {"billing"}, true);
  (void)s.kb.apply("kb-2", "Courses", "Create a course in the studio.", {}, true);
  s.votes["kb-1"] = article_votes{2, 1};
  s.events = 3;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(support_state_encoding)

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto agent = restored<support_agent>(encode_state(sample_state()), "ASU3",
                                             &aetherial::state::support::VerifySupportStateBuffer);
  BOOST_TEST(agent->state().kb.size() == 2u);
  BOOST_TEST(agent->state().kb.search(aetherial::actors::text::make_query("refund"), 1).at(0).id ==
             "kb-1");
  BOOST_TEST(agent->state().votes.at("kb-1").up == 2u);
}

BOOST_AUTO_TEST_CASE(table_rows_round_trip_and_impossible_rows_are_refused) {
  conversation c;
  c.turns.push_back(turn{1'000, "how do refunds work?", "kb-1", -0.25});
  c.last_ms = 1'000;
  c.handoff_reasons = {"money", "negative_sentiment"};
  const auto row = encode_conversation(c);
  BOOST_TEST(encode_conversation(decode_conversation(row)) == row);
  BOOST_TEST(decode_conversation(row).turns.at(0).sentiment == -0.25);
  const reply_record r{"kb-1", "conv-1", 3'000};
  const auto reply = encode_reply(r);
  BOOST_TEST(encode_reply(decode_reply(reply)) == reply);
  BOOST_TEST(decode_reply(reply).sent_ms == 3'000);
  conversation impossible;
  impossible.turns.push_back(turn{1, "hi", "", 3.0}); // sentiment beyond 1
  BOOST_CHECK_THROW((void)decode_conversation(encode_conversation(impossible)), std::runtime_error);
  BOOST_CHECK_THROW((void)decode_reply(bytes{1, 2, 3}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(the_registry_makes_an_agent_with_its_settings) {
  const auto made = made_by_registry<support_agent>("support", {{"support.low_confidence", "0.7"}});
  BOOST_TEST(made->config().low_confidence == 0.7);
  BOOST_TEST(made->snapshot() == support_agent().snapshot());
}

BOOST_AUTO_TEST_SUITE_END()
