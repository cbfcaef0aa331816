// The state encoding of the Security agent: a FlatBuffer of schemas/state/security.fbs that
// round-trips byte for byte; impossible content is refused; the registry's agent reads its
// settings. (Snapshots of the former codec, damaged ones and the registry's topics and versions
// are the conformance suite's: tests/actors/conformance.)
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <flatbuffers/flatbuffers.h>

#include "actors/registry.hpp"
#include "actors/security/security_agent.hpp"
#include "actors/security/state_codec.hpp"
#include "schemas/state/security_generated.h"
#include "tests/actors/kit/state_checks.hpp"
#include "tests/actors/security/security_fixture.hpp"

using namespace aetherial::actors::security::test;

namespace {

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

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto agent = restored<security_agent>(
      encode_state(sample_state()), "ASEC", &aetherial::state::security::VerifySecurityStateBuffer);
  BOOST_TEST(agent->state().subjects.at("ip:203.0.113.9").offense_kinds.at(0) == "sqli");
  BOOST_TEST(agent->state().ips.at("203.0.113.9").rate.baseline.variance() == 1.25);
}

BOOST_AUTO_TEST_CASE(verifying_but_impossible_content_is_refused) {
  security_agent agent;
  security_state s;
  s.subjects["ip:x"].ban = ban_status::proposed; // a proposal without a deadline
  check_refused(agent, encode_state(s));
  security_state t;
  t.site.sources.count = 3; // sources that are not in the bucket's set
  check_refused(agent, encode_state(t));
}

BOOST_AUTO_TEST_CASE(the_registry_makes_an_agent_with_its_settings) {
  const auto made = made_by_registry<security_agent>("security", {{"security.partitions", "2"}});
  BOOST_TEST(made->config().partitions == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
