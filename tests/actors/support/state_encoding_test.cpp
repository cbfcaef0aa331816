// The state encoding of the User Support agent: a FlatBuffer of schemas/state/support.fbs.
// Snapshots of the former hand-written codec (version 1) are refused, so the runtime rebuilds the
// partition from the log; a snapshot round-trips byte for byte; truncated or corrupted buffers
// are refused and leave the state unchanged.
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/registry.hpp"
#include "actors/support/state_codec.hpp"
#include "actors/support/support_agent.hpp"
#include "schemas/state/support_generated.h"

using namespace aetherial::actors;
using namespace aetherial::actors::support;

namespace {

// A version-1 snapshot as the former codec wrote it: "ASUP", u32 version, u64 length,
// body, u64 FNV-1a of the body.
const std::vector<std::uint8_t> legacy_snapshot{
    0x41, 0x53, 0x55, 0x50, 0x01, 0x00, 0x00, 0x00, 0x75, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0x6b, 0x62, 0x2d, 0x31, 0x07, 0x00, 0x00, 0x00, 0x52, 0x65, 0x66, 0x75, 0x6e, 0x64, 0x73, 0x17,
    0x00, 0x00, 0x00, 0x52, 0x65, 0x66, 0x75, 0x6e, 0x64, 0x73, 0x20, 0x74, 0x61, 0x6b, 0x65, 0x20,
    0x66, 0x69, 0x76, 0x65, 0x20, 0x64, 0x61, 0x79, 0x73, 0x2e, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00,
    0x00, 0x00, 0x62, 0x69, 0x6c, 0x6c, 0x69, 0x6e, 0x67, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x6b, 0x62, 0x2d, 0x31, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x2a, 0x71, 0x4e, 0x7a, 0x2a, 0x89, 0xed,
};

support_state sample_state() {
  support_state s;
  (void)s.kb.apply("kb-1", "Refunds", "Refunds take five days.", {"billing"}, true);
  (void)s.kb.apply("kb-2", "Courses", "Create a course in the studio.", {}, true);
  s.votes["kb-1"] = article_votes{2, 1};
  auto& c = s.conversations["conv-1"];
  c.turns.push_back(turn{1'000, "how do refunds work?", "kb-1", -0.25});
  c.last_ms = 1'000;
  c.last_seq = 3;
  c.handoff_reasons = {"angry"};
  s.replies["r-1"] = reply_record{"kb-1", "conv-1", 3};
  s.events = 3;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(support_state_encoding)

BOOST_AUTO_TEST_CASE(the_registry_declares_version_two_only) {
  const auto* kind = find_agent_kind("support");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(kind->state_version == 2u);
  BOOST_TEST(kind->min_state_version == 2u);
  BOOST_TEST(state_encoding_version == min_state_encoding_version);
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_the_former_codec_is_refused) {
  support_agent agent;
  const auto before = agent.snapshot();
  BOOST_TEST(!agent.restore(legacy_snapshot.data(), legacy_snapshot.size()));
  BOOST_TEST(agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto bytes = encode_state(sample_state());
  BOOST_TEST(flatbuffers::BufferHasIdentifier(bytes.data(), "ASUP"));
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  BOOST_TEST(aetherial::state::support::VerifySupportStateBuffer(verifier));
  support_agent agent;
  BOOST_TEST_REQUIRE(agent.restore(bytes.data(), bytes.size()));
  BOOST_TEST(agent.state().kb.size() == 2u);
  BOOST_TEST(agent.state().kb.search(aetherial::actors::text::make_query("refund"), 1).at(0).id ==
             "kb-1");
  BOOST_TEST(agent.state().conversations.at("conv-1").turns.at(0).sentiment == -0.25);
  const auto again = agent.snapshot();
  BOOST_TEST(again == bytes);
}

BOOST_AUTO_TEST_CASE(verifying_but_impossible_content_is_refused) {
  support_agent agent;
  const auto before = agent.snapshot();
  support_state impossible;
  impossible.conversations["c"].turns.push_back(turn{1, "hi", "", 3.0}); // sentiment beyond 1
  const auto bytes = encode_state(impossible);
  BOOST_TEST(!agent.restore(bytes.data(), bytes.size()));
  BOOST_TEST(agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(the_registry_makes_an_agent_with_its_settings) {
  const auto* kind = find_agent_kind("support");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST((kind->input_topics == std::vector<std::string>{"platform.support", "aetherial.tasks",
                                                             "platform.feedback"}));
  const auto made = kind->make({{"support.low_confidence", "0.7"}});
  BOOST_TEST_REQUIRE(static_cast<bool>(made));
  BOOST_TEST(dynamic_cast<const support_agent&>(*made).config().low_confidence == 0.7);
  BOOST_TEST(made->snapshot() == support_agent().snapshot());
}

BOOST_AUTO_TEST_SUITE_END()
