// Determinism and recovery of the User Support agent: the same inputs give the same bytes;
// snapshot + restore + tail equals a full replay; garbage snapshots are refused.
#include <boost/test/unit_test.hpp>

#include "actors/registry.hpp"
#include "actors/support/state_codec.hpp"
#include "tests/actors/support/support_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::support;
using namespace aetherial::actors::support::test;

namespace {

// A log touching every part of the agent.
std::vector<bytes> mixed_log() {
  events ev;
  std::vector<bytes> log = knowledge_base(ev);
  const char* questions[] = {
      "How do I create a course?",    "What are the limits?",
      "My payment didn't go through", "This is terrible, how do I reset my password?",
      "How do I get a certificate?",  "Is there a dark mode?",
      "Thanks, that was helpful!",    "Can I add a video to a lesson?",
  };
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 8; ++i) {
      const std::string conv = "conv-" + std::to_string((i + round) % 5);
      if (i % 3 == 0)
        log.push_back(ev.task("t-" + std::to_string(round * 10 + i), "support.how_to", "support",
                              conv, {{"text", questions[i]}}));
      else
        log.push_back(ev.message(conv, questions[i]));
      if (i == 4) log.push_back(ev.feedback("kb-certificates", "thumbs_up"));
      if (i == 6) log.push_back(ev.feedback("", "thumbs_down", "", conv));
    }
  log.push_back(ev.article("kb-password", "", "", {}, false));
  log.push_back(ev.message("conv-9", "How do I reset my password?"));
  return log;
}

} // namespace

BOOST_AUTO_TEST_SUITE(support_determinism)

BOOST_AUTO_TEST_CASE(same_inputs_give_identical_bytes) {
  const auto log = mixed_log();
  support_harness a;
  support_harness b;
  for (const auto& e : log)
    (void)a.feed(e);
  for (const auto& e : log)
    (void)b.feed(e);
  BOOST_TEST(a.all.size() > 30u);
  BOOST_TEST((values(a.all) == values(b.all)));
  BOOST_TEST(a.agent.snapshot() == b.agent.snapshot());
  BOOST_TEST(!payloads<fbs::Reply>(a.all).empty());
  BOOST_TEST(!payloads<fbs::HumanHandoff>(a.all).empty());
  BOOST_TEST(!payloads<fbs::TaskOutcome>(a.all).empty());
}

BOOST_AUTO_TEST_CASE(snapshot_plus_tail_equals_full_replay) {
  const auto log = mixed_log();
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, log.size() / 2, log.size() - 1}) {
    support_harness full;
    for (const auto& e : log)
      (void)full.feed(e);
    support_harness head;
    for (std::size_t i = 0; i < cut; ++i)
      (void)head.feed(log[i]);
    const auto snap = head.agent.snapshot();
    support_harness resumed;
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
  support_harness h;
  for (const auto& e : mixed_log())
    (void)h.feed(e);
  const auto snap = h.agent.snapshot();
  support_harness other;
  BOOST_TEST(!other.agent.restore(nullptr, 0));
  for (std::size_t n = 0; n < snap.size(); n += 7)
    BOOST_TEST(!other.agent.restore(snap.data(), n));
  // A flipped byte is refused, or it only changed a value and the state restored is exactly
  // the one the bytes describe (bit rot is caught by the snapshot record's CRC-32C).
  const auto empty = support_harness().agent.snapshot();
  for (std::size_t i = 0; i < snap.size(); i += 11) {
    auto bad = snap;
    bad[i] ^= 0x5a;
    if (!other.agent.restore(bad.data(), bad.size())) {
      BOOST_TEST((other.agent.snapshot() == empty));
      continue;
    }
    BOOST_TEST((other.agent.snapshot() == bad), "flip at " << i);
    BOOST_TEST_REQUIRE(other.agent.restore(empty.data(), empty.size()));
  }
  BOOST_TEST(other.agent.snapshot() == empty);
  // A buffer that verifies but holds impossible content is refused too.
  support_state impossible;
  impossible.conversations["c"].turns.push_back(turn{1, "hi", "", 3.0}); // sentiment beyond 1
  const auto impossible_bytes = encode_state(impossible);
  BOOST_TEST(!other.agent.restore(impossible_bytes.data(), impossible_bytes.size()));
  BOOST_TEST(other.agent.snapshot() == empty);
  BOOST_TEST(other.agent.restore(snap.data(), snap.size()));
  BOOST_TEST(other.agent.snapshot() == snap);
}

BOOST_AUTO_TEST_CASE(the_registry_describes_the_agent) {
  const auto* kind = find_agent_kind("support");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST((kind->input_topics == std::vector<std::string>{"platform.support", "aetherial.tasks",
                                                             "platform.feedback"}));
  BOOST_TEST(kind->state_version == state_encoding_version);
  const auto made = kind->make({{"support.low_confidence", "0.7"}});
  BOOST_TEST_REQUIRE(static_cast<bool>(made));
  BOOST_TEST(dynamic_cast<const support_agent&>(*made).config().low_confidence == 0.7);
  BOOST_TEST(made->snapshot() == support_agent().snapshot());
}

BOOST_AUTO_TEST_SUITE_END()
