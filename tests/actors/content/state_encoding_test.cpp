// The state encoding of the Content agent: a FlatBuffer of schemas/state/content.fbs that
// round-trips byte for byte; the registry's agent reads its settings. (Snapshots of the former
// codec, damaged ones and the registry's topics and versions are the conformance suite's:
// tests/actors/conformance.)
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/content/content_agent.hpp"
#include "actors/content/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/state/content_generated.h"
#include "tests/actors/content/content_fixture.hpp"
#include "tests/actors/kit/state_checks.hpp"

using namespace aetherial::actors::content::test;

namespace {

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

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto agent = restored<content_agent>(encode_state(sample_state()), "ACNT",
                                             &aetherial::state::content::VerifyContentStateBuffer);
  BOOST_TEST(agent->state().kb.size() == 1u);
  BOOST_TEST(agent->state().pending.at("eff-1").language_confidence == 0.75);
  BOOST_TEST(agent->state().courses.at("conv-1").modules.at(0).lessons.size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_registry_makes_an_agent_with_its_settings) {
  const auto made = made_by_registry<content_agent>("content", {{"content.translate_to", "de"}});
  BOOST_TEST(made->config().translate_to == "de");
}

BOOST_AUTO_TEST_SUITE_END()
