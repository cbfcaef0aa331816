// The state encoding of the Analytics agent: a FlatBuffer of schemas/state/analytics.fbs. Snapshots
// of the former hand-written codec (version 1) are refused, so the runtime rebuilds the
// partition from the log; a snapshot round-trips byte for byte; truncated or corrupted buffers
// are refused and leave the state unchanged.
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/analytics/analytics_agent.hpp"
#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/registry.hpp"
#include "schemas/state/analytics_generated.h"
#include "tests/actors/analytics/analytics_fixture.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::analytics;

namespace {

// A version-1 snapshot as the former codec wrote it, under the test salt's key fingerprint:
// "AANL", u32 version, u64 length, body, u64 FNV-1a of the body.
const std::vector<std::uint8_t> legacy_snapshot{
    0x41, 0x41, 0x4e, 0x4c, 0x01, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x72, 0x33, 0x49, 0x8c, 0xc0, 0xba, 0x8a, 0xdf, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0x6d, 0x61, 0x69, 0x6e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0xc2, 0x91, 0xba, 0x01, 0x91, 0x7a, 0x0c, 0x75,
};

analytics_state sample_state() {
  analytics_state s;
  auto& t = s.tenants["main"];
  t.days[20'000].users.add(0x1234'5678'9abc'def0ULL);
  t.days[20'000].events = 4;
  t.days[20'000].features["search"] = feature_counter{3, 1};
  t.cohorts[20'000].active[0] = 1;
  t.cohorts[20'000].features[0] = feature_retention{1, 0};
  t.users[0xfeed'beefULL] = user_record{20'000, 20'000, 1, 1};
  t.cohort_features = {"search"};
  t.sessions[0xabcdULL] = 1'728'000'000'000;
  t.session_order.emplace(1'728'000'000'000, 0xabcdULL);
  t.experiments["e"].variants.push_back(variant_stats{"a", 1, 0});
  t.experiments["e"].members[0xfeed'beefULL] = 0;
  t.watermark_ms = 1'728'000'000'000;
  t.events = 4;
  s.events = 4;
  return s;
}

std::uint64_t fingerprint() {
  return key_fingerprint(derive_key(test::test_salt));
}

} // namespace

BOOST_AUTO_TEST_SUITE(analytics_state_encoding)

BOOST_AUTO_TEST_CASE(the_registry_declares_version_two_only) {
  const auto* kind = find_agent_kind("analytics");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(kind->state_version == 2u);
  BOOST_TEST(kind->min_state_version == 2u);
  BOOST_TEST(state_encoding_version == min_state_encoding_version);
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_the_former_codec_is_refused) {
  analytics_agent agent(test::salted());
  const auto before = agent.snapshot();
  BOOST_TEST(!agent.restore(legacy_snapshot.data(), legacy_snapshot.size()));
  BOOST_TEST(agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto bytes = encode_state(sample_state(), fingerprint());
  BOOST_TEST(flatbuffers::BufferHasIdentifier(bytes.data(), "AANL"));
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  BOOST_TEST(aetherial::state::analytics::VerifyAnalyticsStateBuffer(verifier));
  analytics_agent agent(test::salted());
  BOOST_TEST_REQUIRE(agent.restore(bytes.data(), bytes.size()));
  BOOST_TEST(agent.state().tenants.at("main").experiments.at("e").variants.at(0).name == "a");
  BOOST_TEST(agent.state().tenants.at("main").session_order.size() == 1u);
  const auto again = agent.snapshot();
  BOOST_TEST(again == bytes);
}

BOOST_AUTO_TEST_CASE(truncated_or_corrupted_buffers_are_refused) {
  const auto good = encode_state(sample_state(), fingerprint());
  analytics_agent agent(test::salted());
  const auto before = agent.snapshot();
  auto refused = [&](const std::vector<std::uint8_t>& b) {
    return !agent.restore(b.data(), b.size()) && agent.snapshot() == before;
  };
  BOOST_TEST(!agent.restore(nullptr, 0));
  for (std::size_t n = 0; n < good.size(); ++n)
    BOOST_TEST_REQUIRE(refused(std::vector<std::uint8_t>(good.begin(), good.begin() + n)));
  auto longer = good;
  longer.push_back(0);
  BOOST_TEST(refused(longer));
  auto identifier = good;
  identifier[5] ^= 0x01;
  BOOST_TEST(refused(identifier));
  auto root = good;
  root[3] = 0x7f; // the root table past the end of the buffer
  BOOST_TEST(refused(root));
  auto misplaced = good;
  misplaced[0] = static_cast<std::uint8_t>(misplaced[0] + 2); // a misaligned root table
  BOOST_TEST(refused(misplaced));
  // Any flipped byte is refused, or it only changed a value and the state restored is
  // exactly the one the bytes describe (bit rot is caught by the snapshot record's CRC-32C).
  // The root offset and the identifier are never value bytes.
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto flipped = good;
    flipped[i] ^= 0x20;
    if (refused(flipped)) continue;
    BOOST_TEST_REQUIRE(i >= 8u);
    BOOST_TEST_REQUIRE((agent.snapshot() == flipped), "flip at " << i);
    BOOST_TEST_REQUIRE(agent.restore(before.data(), before.size()));
  }
}

BOOST_AUTO_TEST_SUITE_END()
