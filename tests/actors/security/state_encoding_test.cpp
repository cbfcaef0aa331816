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
  s.site.requests.bucket_start_ms = 60'000;
  s.site.requests.count = 12;
  s.site.requests.baseline = rate_baseline(5, 3.5, 1.25);
  s.site.sources.count = 1;
  s.site.ddos_active = true;
  s.site.ddos_incident = "sec-ddos-60000";
  s.watermark_ms = 62'000;
  s.events = 3;
  s.ip_rows = 1;
  s.user_rows = 1;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(security_state_encoding)

BOOST_AUTO_TEST_CASE(a_snapshot_round_trips_byte_for_byte) {
  const auto agent = restored<security_agent>(
      encode_state(sample_state()), "ASE3", &aetherial::state::security::VerifySecurityStateBuffer);
  BOOST_TEST(agent->state().site.requests.baseline.variance() == 1.25);
  BOOST_TEST(agent->state().site.ddos_incident == "sec-ddos-60000");
  BOOST_TEST(agent->state().ip_rows == 1u);
}

BOOST_AUTO_TEST_CASE(rows_round_trip_and_impossible_rows_are_refused) {
  requester_record ip;
  ip.rate.bucket_start_ms = 60'000;
  ip.rate.count = 12;
  ip.rate.baseline = rate_baseline(5, 3.5, 1.25);
  ip.failed_logins = {61'000, 62'000};
  ip.last_seen_ms = 62'000;
  const auto ip_row = encode_requester(ip);
  BOOST_TEST(encode_requester(decode_requester(ip_row)) == ip_row);
  ip.failed_logins = {62'000, 61'000}; // out of order
  BOOST_CHECK_THROW((void)decode_requester(encode_requester(ip)), std::runtime_error);

  subject_record subject;
  subject.offenses = {61'500};
  subject.offense_kinds = {"sqli"};
  subject.blocked_until_ms = 180'000;
  subject.incident_id = "inc-1";
  subject.ban = ban_status::proposed;
  subject.ban_deadline_ms = 900'000;
  const auto subject_bytes = encode_subject(subject);
  BOOST_TEST(encode_subject(decode_subject(subject_bytes)) == subject_bytes);
  BOOST_TEST(decode_subject(subject_bytes).offense_kinds.at(0) == "sqli");
  subject.ban_deadline_ms = 0; // a proposal without a deadline
  BOOST_CHECK_THROW((void)decode_subject(encode_subject(subject)), std::runtime_error);
  BOOST_CHECK_THROW((void)decode_subject(ip_row.empty() ? bytes{1} : bytes{1, 2, 3}),
                    std::runtime_error);
}

BOOST_AUTO_TEST_CASE(verifying_but_impossible_content_is_refused) {
  security_agent agent;
  security_state s;
  s.site.requests.baseline = rate_baseline(5, 3.5, -1.0); // a negative variance
  check_refused(agent, encode_state(s));
}

BOOST_AUTO_TEST_CASE(the_registry_makes_an_agent_with_its_settings) {
  const auto made = made_by_registry<security_agent>("security", {{"security.partitions", "2"}});
  BOOST_TEST(made->config().partitions == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
