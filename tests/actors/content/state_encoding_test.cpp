// The state encoding of the Content agent: a FlatBuffer of schemas/state/content.fbs. Snapshots
// of the former hand-written codec (version 1) are refused, so the runtime rebuilds the
// partition from the log; a snapshot round-trips byte for byte; truncated or corrupted buffers
// are refused and leave the state unchanged.
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/content/content_agent.hpp"
#include "actors/content/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/state/content_generated.h"

using namespace aetherial::actors;
using namespace aetherial::actors::content;

namespace {

// A version-1 snapshot as the former codec wrote it: "ACNT", u32 version, u64 length,
// body, u64 FNV-1a of the body.
const std::vector<std::uint8_t> legacy_snapshot{
    0x41, 0x43, 0x4e, 0x54, 0x01, 0x00, 0x00, 0x00, 0x86, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0x6b, 0x62, 0x2d, 0x31, 0x07, 0x00, 0x00, 0x00, 0x43, 0x6f, 0x75, 0x72, 0x73, 0x65, 0x73, 0x10,
    0x00, 0x00, 0x00, 0x43, 0x72, 0x65, 0x61, 0x74, 0x65, 0x20, 0x61, 0x20, 0x63, 0x6f, 0x75, 0x72,
    0x73, 0x65, 0x2e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x63, 0x2d, 0x31, 0x04, 0x00,
    0x00, 0x00, 0x70, 0x6f, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x0a, 0xa5, 0x42, 0xcd, 0xa8, 0x92, 0xad,
};

content_state sample_state() {
  content_state s;
  (void)s.kb.apply("kb-1", "Linear algebra", "Vectors and matrices.", {"math"}, true);
  s.df.add({{"vector", 2}, {"matrix", 1}});
  s.classifier.learn("spam", {{"cheap", 2}, {"followers", 1}});
  s.items["c-1"] = item_record{"post", {{"cheap", 2}}, "spam", 4};
  pending_effect p;
  p.kind = "translate";
  p.content_id = "c-1";
  p.source_language = "es";
  p.language_confidence = 0.75;
  p.requested_ms = 2'000;
  p.seq = 4;
  s.pending["eff-1"] = p;
  course_plan c;
  c.course_id = "course-1";
  c.topic = "linear algebra";
  c.modules.push_back(module_plan{"Vectors", {"What is a vector", "Adding vectors"}, "kb-1"});
  c.final = true;
  c.seq = 4;
  s.courses["conv-1"] = c;
  s.events = 4;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(content_state_encoding)

BOOST_AUTO_TEST_CASE(the_registry_declares_version_two_only) {
  const auto* kind = find_agent_kind("content");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(kind->state_version == 2u);
  BOOST_TEST(kind->min_state_version == 2u);
  BOOST_TEST(state_encoding_version == min_state_encoding_version);
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_the_former_codec_is_refused) {
  content_agent agent;
  const auto before = agent.snapshot();
  BOOST_TEST(!agent.restore(legacy_snapshot.data(), legacy_snapshot.size()));
  BOOST_TEST(agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto bytes = encode_state(sample_state());
  BOOST_TEST(flatbuffers::BufferHasIdentifier(bytes.data(), "ACNT"));
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  BOOST_TEST(aetherial::state::content::VerifyContentStateBuffer(verifier));
  content_agent agent;
  BOOST_TEST_REQUIRE(agent.restore(bytes.data(), bytes.size()));
  BOOST_TEST(agent.state().kb.size() == 1u);
  BOOST_TEST(agent.state().pending.at("eff-1").language_confidence == 0.75);
  BOOST_TEST(agent.state().courses.at("conv-1").modules.at(0).lessons.size() == 2u);
  const auto again = agent.snapshot();
  BOOST_TEST(again == bytes);
}

BOOST_AUTO_TEST_CASE(the_registry_makes_an_agent_with_its_settings) {
  const auto* kind = find_agent_kind("content");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST((kind->input_topics ==
              std::vector<std::string>{"platform.content", "platform.feedback", "aetherial.tasks",
                                       "aetherial.effect-results", "platform.support"}));
  const auto made = kind->make({{"content.translate_to", "de"}});
  BOOST_TEST_REQUIRE(static_cast<bool>(made));
  BOOST_TEST(dynamic_cast<const content_agent&>(*made).config().translate_to == "de");
}

BOOST_AUTO_TEST_SUITE_END()
