// Determinism and recovery of the Content agent: the same inputs give the same bytes;
// snapshot + restore + tail equals a full replay; garbage snapshots are refused.
#include <boost/test/unit_test.hpp>

#include "actors/content/state_codec.hpp"
#include "actors/registry.hpp"
#include "actors/support/state_codec.hpp"
#include "tests/actors/content/content_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::content;
using namespace aetherial::actors::content::test;

namespace {

// A log touching every part of the agent. Effect results name the ids the agent derives,
// which depend only on the inputs, so a first pass finds them.
std::vector<bytes> mixed_log() {
  events ev;
  std::vector<bytes> log = ai_knowledge_base(ev);
  const char* texts[] = {
      "Buy cheap followers now, best discount, limited offer!",
      "The lecture on linear algebra was clear and well paced.",
      "Este curso de álgebra es muy interesante y los profesores explican cada tema.",
      "Limited offer: cheap likes and followers, buy today",
      "Week three covers matrices, vectors and eigenvalues.",
      "Der Lehrer hat die Lektion gestern sehr gut erklärt.",
  };
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 6; ++i) {
      const std::string id = "c-" + std::to_string(round) + "-" + std::to_string(i);
      log.push_back(ev.item(id, "post", "", texts[i]));
      if (i == 0 || i == 3) log.push_back(ev.feedback(id, "moderator_label", "spam"));
      if (i == 1 || i == 4) log.push_back(ev.feedback(id, "moderator_label", "ok"));
    }
  log.push_back(ev.item("img-1", "image", "Holiday", "", {{"alt", "two people on a beach"}}));
  log.push_back(ev.task("task-1", "content.create_course", "content", "conv-ai",
                        {{"text", "Create a course about AI"}}));
  log.push_back(ev.task("task-2", "content.create_course", "content", "conv-ai",
                        {{"confirmed", "true"}, {"quizzes", "true"}}));
  log.push_back(
      ev.task("task-3", "content.create_course", "content", "conv-x", {{"topic", "Photography"}}));
  return log;
}

/// The log plus a result for every effect the agent requested on it, each arriving two inputs
/// after its request, interleaved with later inputs as it would be.
std::vector<bytes> log_with_results() {
  const auto log = mixed_log();
  content_harness probe;
  for (const auto& e : log)
    (void)probe.feed(e);
  events ev(0xe44ec7);
  std::vector<std::vector<bytes>> after(log.size() + 2);
  std::size_t n = 0;
  for (std::size_t i = 0; i < log.size(); ++i)
    for (const auto* r : payloads<fbs::EffectRequest>(probe.history[i])) {
      const std::string kind = str(r->kind());
      const std::string output = kind == "translate"        ? "This algebra course is interesting."
                                 : kind == "image_analysis" ? "A beach with two people."
                                                            : "Cameras\nLight\nComposition";
      after[i + 2].push_back(ev.effect_result(str(r->effect_id()), kind, true, output));
      ++n;
    }
  BOOST_TEST(n >= 5u);
  std::vector<bytes> out;
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (i < log.size()) out.push_back(log[i]);
    for (auto& r : after[i])
      out.push_back(std::move(r));
  }
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(content_determinism)

BOOST_AUTO_TEST_CASE(same_inputs_give_identical_bytes) {
  const auto log = log_with_results();
  content_harness a;
  content_harness b;
  for (const auto& e : log)
    (void)a.feed(e);
  for (const auto& e : log)
    (void)b.feed(e);
  BOOST_TEST((values(a.all) == values(b.all)));
  BOOST_TEST(a.agent.snapshot() == b.agent.snapshot());
  BOOST_TEST(!payloads<fbs::ModerationVerdict>(a.all).empty());
  BOOST_TEST(!payloads<fbs::EffectRequest>(a.all).empty());
  BOOST_TEST(payloads<fbs::CourseOutline>(a.all).size() >= 3u);
  BOOST_TEST(a.agent.state().pending.empty());
}

BOOST_AUTO_TEST_CASE(snapshot_plus_tail_equals_full_replay) {
  const auto log = log_with_results();
  content_harness full;
  for (const auto& e : log)
    (void)full.feed(e);
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, log.size() / 2, log.size() - 3}) {
    content_harness head;
    for (std::size_t i = 0; i < cut; ++i)
      (void)head.feed(log[i]);
    const auto snap = head.agent.snapshot();
    content_harness resumed;
    BOOST_TEST_REQUIRE(resumed.agent.restore(snap.data(), snap.size()));
    BOOST_TEST(resumed.agent.snapshot() == snap);
    for (std::size_t i = cut; i < log.size(); ++i)
      (void)resumed.feed(log[i]);
    std::vector<emitted> tail;
    for (std::size_t i = cut; i < log.size(); ++i)
      tail.insert(tail.end(), full.history[i].begin(), full.history[i].end());
    BOOST_TEST((values(resumed.all) == values(tail)), "cut at " << cut);
    BOOST_TEST(resumed.agent.snapshot() == full.agent.snapshot());
  }
}

BOOST_AUTO_TEST_CASE(garbage_snapshots_are_refused_and_change_nothing) {
  content_harness h;
  for (const auto& e : mixed_log())
    (void)h.feed(e);
  const auto snap = h.agent.snapshot();
  content_harness other;
  const auto empty = other.agent.snapshot();
  BOOST_TEST(!other.agent.restore(nullptr, 0));
  for (std::size_t n = 0; n < snap.size(); n += 13)
    BOOST_TEST(!other.agent.restore(snap.data(), n));
  // A flipped byte is refused, or it only changed a value and the state restored is exactly
  // the one the bytes describe (bit rot is caught by the snapshot record's CRC-32C).
  for (std::size_t i = 0; i < snap.size(); i += 17) {
    auto bad = snap;
    bad[i] ^= 0x21;
    if (!other.agent.restore(bad.data(), bad.size())) {
      BOOST_TEST((other.agent.snapshot() == empty));
      continue;
    }
    BOOST_TEST((other.agent.snapshot() == bad), "flip at " << i);
    BOOST_TEST_REQUIRE(other.agent.restore(empty.data(), empty.size()));
  }
  BOOST_TEST(other.agent.snapshot() == empty);
  // A support snapshot is not a content snapshot.
  const auto foreign =
      aetherial::actors::support::encode_state(aetherial::actors::support::support_state());
  BOOST_TEST(!other.agent.restore(foreign.data(), foreign.size()));
  BOOST_TEST(other.agent.restore(snap.data(), snap.size()));
  BOOST_TEST(other.agent.snapshot() == snap);
}

BOOST_AUTO_TEST_CASE(the_registry_describes_the_agent) {
  const auto* kind = find_agent_kind("content");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST((kind->input_topics ==
              std::vector<std::string>{"platform.content", "platform.feedback", "aetherial.tasks",
                                       "aetherial.effect-results", "platform.support"}));
  BOOST_TEST(kind->state_version == state_encoding_version);
  const auto made = kind->make({{"content.translate_to", "de"}});
  BOOST_TEST_REQUIRE(static_cast<bool>(made));
  BOOST_TEST(dynamic_cast<const content_agent&>(*made).config().translate_to == "de");
}

BOOST_AUTO_TEST_SUITE_END()
