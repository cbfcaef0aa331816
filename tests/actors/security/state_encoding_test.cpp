// The state encoding of the Security agent: a FlatBuffer of schemas/state/security.fbs. Snapshots
// of the former hand-written codec (version 1) are refused, so the runtime rebuilds the
// partition from the log; a snapshot round-trips byte for byte; truncated or corrupted buffers
// are refused and leave the state unchanged.
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/registry.hpp"
#include "actors/security/security_agent.hpp"
#include "actors/security/state_codec.hpp"
#include "schemas/state/security_generated.h"

using namespace aetherial::actors;
using namespace aetherial::actors::security;

namespace {

// A version-1 snapshot as the former codec wrote it: "ASEC", u32 version, u64 length,
// body, u64 FNV-1a of the body.
const std::vector<std::uint8_t> legacy_snapshot{
    0x41, 0x53, 0x45, 0x43, 0x01, 0x00, 0x00, 0x00, 0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x32, 0x30, 0x33, 0x2e, 0x30, 0x2e, 0x31, 0x31,
    0x33, 0x2e, 0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8,
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe7, 0x82, 0x55, 0x0e, 0xf0, 0xff, 0xdd, 0x02,
};

security_state sample_state() {
  security_state s;
  auto& ip = s.ips["203.0.113.9"];
  ip.rate.bucket_start_ms = 60'000;
  ip.rate.count = 12;
  ip.rate.baseline = rate_baseline(5, 3.5, 1.25);
  ip.failed_logins = {61'000, 62'000};
  ip.last_seen_ms = 62'000;
  s.users["u-42"].last_seen_ms = 62'000;
  auto& subject = s.subjects["ip:203.0.113.9"];
  subject.offenses = {61'500};
  subject.offense_kinds = {"sqli"};
  subject.blocked_until_ms = 180'000;
  subject.incident_id = "inc-1";
  subject.ban = ban_status::proposed;
  subject.ban_deadline_ms = 900'000;
  s.site.sources.count = 1;
  s.site.bucket_ips = {"203.0.113.9"};
  s.watermark_ms = 62'000;
  s.events = 3;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(security_state_encoding)

BOOST_AUTO_TEST_CASE(the_registry_declares_version_two_only) {
  const auto* kind = find_agent_kind("security");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(kind->state_version == 2u);
  BOOST_TEST(kind->min_state_version == 2u);
  BOOST_TEST(state_encoding_version == min_state_encoding_version);
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_the_former_codec_is_refused) {
  security_agent agent;
  const auto before = agent.snapshot();
  BOOST_TEST(!agent.restore(legacy_snapshot.data(), legacy_snapshot.size()));
  BOOST_TEST(agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto bytes = encode_state(sample_state());
  BOOST_TEST(flatbuffers::BufferHasIdentifier(bytes.data(), "ASEC"));
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  BOOST_TEST(aetherial::state::security::VerifySecurityStateBuffer(verifier));
  security_agent agent;
  BOOST_TEST_REQUIRE(agent.restore(bytes.data(), bytes.size()));
  BOOST_TEST(agent.state().subjects.at("ip:203.0.113.9").offense_kinds.at(0) == "sqli");
  BOOST_TEST(agent.state().ips.at("203.0.113.9").rate.baseline.variance() == 1.25);
  const auto again = agent.snapshot();
  BOOST_TEST(again == bytes);
}

BOOST_AUTO_TEST_CASE(verifying_but_impossible_content_is_refused) {
  security_agent agent;
  const auto before = agent.snapshot();
  security_state s;
  s.subjects["ip:x"].ban = ban_status::proposed; // a proposal without a deadline
  const auto proposal = encode_state(s);
  BOOST_TEST(!agent.restore(proposal.data(), proposal.size()));
  security_state t;
  t.site.sources.count = 3; // sources that are not in the bucket's set
  const auto sources = encode_state(t);
  BOOST_TEST(!agent.restore(sources.data(), sources.size()));
  BOOST_TEST(agent.snapshot() == before);
}

BOOST_AUTO_TEST_CASE(the_registry_makes_an_agent_with_its_settings) {
  const auto* kind = find_agent_kind("security");
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(
      (kind->input_topics == std::vector<std::string>{"platform.requests", "platform.feedback"}));
  auto agent = kind->make({{"security.partitions", "2"}});
  BOOST_TEST_REQUIRE((agent != nullptr));
  BOOST_TEST(dynamic_cast<security_agent&>(*agent).config().partitions == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
