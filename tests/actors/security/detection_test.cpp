// Detection scenarios: rate anomalies, DDoS by total rate and by source surge, brute force
// in a sliding window, signatures in requests.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "tests/actors/security/security_fixture.hpp"

using namespace aetherial::actors::security::test;

namespace {

std::string ip_n(int i) {
  return "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
}

// `minutes` minutes of steady traffic: `ips` IPs, `per_ip` requests each per minute.
void background(harness& h, events& ev, int from_minute, int minutes, int ips, int per_ip) {
  for (int m = from_minute; m < from_minute + minutes; ++m)
    for (int k = 0; k < per_ip; ++k)
      for (int i = 0; i < ips; ++i)
        (void)h.feed(ev.request(at_s(60.0 * m + (k * ips + i) * 50.0 / (per_ip * ips)), ip_n(i),
                                "u-" + std::to_string(i)));
}

security_config ddos_config() {
  security_config cfg;
  cfg.ddos_min_site_requests = 500;
  cfg.ddos_min_site_sources = 100;
  return cfg;
}

} // namespace

BOOST_AUTO_TEST_SUITE(detection)

BOOST_AUTO_TEST_CASE(steady_traffic_raises_nothing) {
  harness h(ddos_config());
  events ev;
  background(h, ev, 0, 30, 20, 5);
  BOOST_TEST(h.all.empty());
  BOOST_TEST(h.tables.size(ips_table) == 20u);
  BOOST_TEST(h.agent.state().ip_rows == 20u);
  BOOST_TEST(h.agent.state().site.requests.baseline.warm(h.agent.config().site_baseline));
}

BOOST_AUTO_TEST_CASE(rate_anomaly_of_one_ip_against_its_baseline) {
  harness h;
  events ev;
  // 10 requests a minute for 10 minutes, then a burst.
  for (int m = 0; m < 10; ++m)
    for (int k = 0; k < 10; ++k)
      (void)h.feed(ev.request(at_s(60.0 * m + 5.0 * k), "198.51.100.7"));
  BOOST_TEST(h.all.empty());
  std::size_t fired_at = 0;
  for (int k = 0; k < 100 && fired_at == 0; ++k)
    if (!h.feed(ev.request(at_s(600.0 + 0.5 * k), "198.51.100.7")).empty())
      fired_at = static_cast<std::size_t>(k + 1);
  // Baseline 10 ± 2 (the deviation floor): z ≥ 4 at 18, but an anomaly needs 30 requests.
  BOOST_TEST(fired_at == 30u);
  const auto anomalies = payloads<fbs::AnomalyDecision>(h.all);
  BOOST_TEST_REQUIRE(anomalies.size() == 1u);
  BOOST_TEST(str(anomalies[0]->series()) == "ip:198.51.100.7/requests");
  BOOST_TEST(anomalies[0]->value() == 30.0);
  BOOST_TEST(anomalies[0]->score() > 0.5);
  BOOST_TEST(anomalies[0]->threshold() == 0.5);
  const auto inc = incidents(h.all, "rate_anomaly");
  BOOST_TEST_REQUIRE(inc.size() == 1u);
  BOOST_TEST(str(inc[0]->subject()) == "ip:198.51.100.7");
  BOOST_TEST(str(inc[0]->evidence()).find("vs baseline 10.0") != std::string::npos);
  const auto b = blocks(h.all, "ip:198.51.100.7", "block");
  BOOST_TEST_REQUIRE(b.size() == 1u);
  BOOST_TEST(b[0]->ttl_ms() == 15 * 60'000);
  BOOST_TEST(b[0]->until_ms() == at_s(600.0 + 0.5 * 29) + 15 * 60'000);
  BOOST_TEST(str(b[0]->incident_id()) == str(inc[0]->incident_id()));
  // Correlated by the incident.
  for (const auto& e : h.all)
    BOOST_TEST(str(envelope_of(e).correlation_id()) == str(inc[0]->incident_id()));
  // The rest of the burst is from a blocked subject: nothing more.
  const auto before = h.all.size();
  for (int k = 0; k < 50; ++k)
    (void)h.feed(ev.request(at_s(620.0 + 0.1 * k), "198.51.100.7"));
  BOOST_TEST(h.all.size() == before);
}

BOOST_AUTO_TEST_CASE(hard_limit_catches_a_new_ip_and_users_have_baselines_too) {
  security_config cfg;
  cfg.subject_hard_limit = 100;
  harness h(cfg);
  events ev;
  for (int k = 0; k < 100; ++k)
    (void)h.feed(ev.request(at_s(0.3 * k), "203.0.113.50"));
  BOOST_TEST(incidents(h.all, "rate_anomaly").size() == 1u);
  BOOST_TEST(str(incidents(h.all, "rate_anomaly")[0]->evidence()).find("hard limit") !=
             std::string::npos);
  // A user spreading a burst over many IPs is caught by the user baseline.
  harness u;
  for (int m = 0; m < 8; ++m)
    for (int k = 0; k < 5; ++k)
      (void)u.feed(ev.request(at_s(60.0 * m + 10.0 * k), ip_n(k), "u-77"));
  for (int k = 0; k < 40; ++k)
    (void)u.feed(ev.request(at_s(480.0 + k), ip_n(k), "u-77"));
  const auto inc = incidents(u.all, "rate_anomaly");
  BOOST_TEST_REQUIRE(inc.size() == 1u);
  BOOST_TEST(str(inc[0]->subject()) == "user:u-77");
  BOOST_TEST(blocks(u.all, "user:u-77", "block").size() == 1u);
}

BOOST_AUTO_TEST_CASE(ddos_by_total_rate_blocks_the_heavy_hitters) {
  harness h(ddos_config());
  events ev;
  background(h, ev, 0, 15, 20, 5); // 100 requests a minute
  BOOST_TEST(h.all.empty());
  // Minute 15: background plus five attackers at 300 requests each.
  for (int k = 0; k < 300; ++k)
    for (int a = 0; a < 5; ++a)
      (void)h.feed(
          ev.request(at_s(900.0 + k * 0.15 + a * 0.01), "192.0.2." + std::to_string(a + 1)));
  const auto ddos = incidents(h.all, "ddos");
  BOOST_TEST_REQUIRE(ddos.size() == 1u); // one incident for the whole attack
  BOOST_TEST((ddos[0]->severity() == fbs::Severity::critical));
  BOOST_TEST(str(ddos[0]->subject()) == "site");
  BOOST_TEST(str(ddos[0]->incident_id()) == "sec-ddos-" + std::to_string(at_s(900)));
  BOOST_TEST(str(ddos[0]->evidence()).find("total rate") == 0u);
  const auto series = payloads<fbs::AnomalyDecision>(h.all);
  BOOST_TEST_REQUIRE(!series.empty());
  BOOST_TEST(str(series[0]->series()) == "site/requests");
  BOOST_TEST(series[0]->value() == 500.0); // the floor of the test config
  for (int a = 0; a < 5; ++a) {
    const auto b = blocks(h.all, "ip:192.0.2." + std::to_string(a + 1), "block");
    BOOST_TEST_REQUIRE(b.size() == 1u);
    BOOST_TEST(str(b[0]->incident_id()) == str(ddos[0]->incident_id()));
  }
  // The background IPs are not blocked.
  BOOST_TEST(payloads<fbs::BlockDecision>(h.all).size() == 5u);
}

BOOST_AUTO_TEST_CASE(ddos_by_distinct_source_surge) {
  harness h(ddos_config());
  events ev;
  background(h, ev, 0, 15, 20, 5);
  // Minute 15: 300 new sources, one request each (a botnet below any per-IP threshold).
  for (int i = 0; i < 300; ++i)
    (void)h.feed(ev.request(at_s(900.0 + i * 0.15), ip_n(1000 + i)));
  const auto ddos = incidents(h.all, "ddos");
  BOOST_TEST_REQUIRE(ddos.size() == 1u);
  BOOST_TEST(str(ddos[0]->evidence()).find("distinct-source surge") == 0u);
  const auto series = payloads<fbs::AnomalyDecision>(h.all);
  BOOST_TEST_REQUIRE(series.size() == 1u);
  BOOST_TEST(str(series[0]->series()) == "site/sources");
  BOOST_TEST(series[0]->value() == 100.0);
  BOOST_TEST(payloads<fbs::BlockDecision>(h.all).empty()); // no heavy hitter to block
  // The surge goes on in the next minute: still the same incident.
  for (int i = 0; i < 300; ++i)
    (void)h.feed(ev.request(at_s(960.0 + i * 0.15), ip_n(2000 + i)));
  BOOST_TEST(incidents(h.all, "ddos").size() == 1u);
  // Back to normal for a minute, then a new surge is a new incident.
  background(h, ev, 17, 1, 20, 5);
  for (int i = 0; i < 300; ++i)
    (void)h.feed(ev.request(at_s(1080.0 + i * 0.15), ip_n(3000 + i)));
  BOOST_TEST(incidents(h.all, "ddos").size() == 2u);
}

BOOST_AUTO_TEST_CASE(ddos_floor_is_divided_among_partitions) {
  auto agent = make_security_agent({{"security.partitions", "4"}});
  const auto& sec = dynamic_cast<const security_agent&>(*agent);
  BOOST_TEST(sec.config().partitions == 4u);
  BOOST_TEST(
      dynamic_cast<const security_agent&>(*make_security_agent({{"security.partitions", "x"}}))
          .config()
          .partitions == 1u);
  security_config cfg = ddos_config();
  cfg.partitions = 4; // floors 125 requests, 25 sources in this partition
  harness h(cfg);
  events ev;
  background(h, ev, 0, 15, 20, 1);
  for (int i = 0; i < 60; ++i)
    (void)h.feed(ev.request(at_s(900.0 + i * 0.5), ip_n(1000 + i)));
  BOOST_TEST_REQUIRE(incidents(h.all, "ddos").size() == 1u);
  BOOST_TEST(str(incidents(h.all, "ddos")[0]->evidence()).find("1/4") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(brute_force_in_a_sliding_window) {
  harness h;
  events ev;
  // 10 failures spread over 6 minutes: never 10 within 5 minutes.
  for (int k = 0; k < 10; ++k)
    (void)h.feed(ev.login(at_s(40.0 * k), "198.51.100.20", "", false));
  BOOST_TEST(incidents(h.all, "brute_force").empty());
  // 10 failures within a minute from one IP (successes do not reset the count).
  harness g;
  for (int k = 0; k < 9; ++k) {
    (void)g.feed(ev.login(at_s(5.0 * k), "198.51.100.21", "", false));
    (void)g.feed(ev.login(at_s(5.0 * k + 1), "198.51.100.21", "", true));
  }
  BOOST_TEST(g.all.empty());
  (void)g.feed(ev.login(at_s(50), "198.51.100.21", "", false));
  const auto inc = incidents(g.all, "brute_force");
  BOOST_TEST_REQUIRE(inc.size() == 1u);
  BOOST_TEST(str(inc[0]->subject()) == "ip:198.51.100.21");
  BOOST_TEST(str(inc[0]->evidence()).find("10 failed logins within 50 s") == 0u);
  BOOST_TEST(blocks(g.all, "ip:198.51.100.21", "block").size() == 1u);
}

BOOST_AUTO_TEST_CASE(late_failures_keep_the_window_in_order) {
  harness h;
  events ev;
  for (int k = 0; k < 5; ++k)
    (void)h.feed(ev.login(at_s(100.0 + 10 * k), "198.51.100.30", "", false));
  (void)h.feed(ev.login(at_s(50), "198.51.100.30", "", false)); // arrives late
  const auto f = decode_requester(*h.tables.get(ips_table, "198.51.100.30")).failed_logins;
  BOOST_TEST(f.size() == 6u);
  BOOST_TEST(std::is_sorted(f.begin(), f.end()));
}

BOOST_AUTO_TEST_CASE(brute_force_against_one_user_from_many_ips) {
  harness h;
  events ev;
  for (int k = 0; k < 4; ++k)
    (void)h.feed(ev.login(at_s(10.0 * k), ip_n(k), "alice", false));
  BOOST_TEST(h.all.empty());
  (void)h.feed(ev.login(at_s(45), ip_n(4), "alice", false));
  const auto inc = incidents(h.all, "brute_force");
  BOOST_TEST_REQUIRE(inc.size() == 1u);
  BOOST_TEST(str(inc[0]->subject()) == "user:alice");
  BOOST_TEST(blocks(h.all, "user:alice", "block").size() == 1u);
}

BOOST_AUTO_TEST_CASE(signatures_in_requests_raise_incidents_and_blocks) {
  harness h;
  events ev;
  (void)h.feed(ev.request(at_s(1), "203.0.113.1", "", {{"q", "shoes"}, {"id", "1' OR '1'='1"}}));
  (void)h.feed(ev.request(at_s(2), "203.0.113.2", "", {{"comment", "<script>alert(1)</script>"}}));
  (void)h.feed(ev.request(at_s(3), "203.0.113.3", "",
                          {{"name", "O'Brien"}, {"q", "Tom's or Jerry's"}, {"note", "1=1"}}));
  const auto sqli = incidents(h.all, "sql_injection");
  BOOST_TEST_REQUIRE(sqli.size() == 1u);
  BOOST_TEST(str(sqli[0]->subject()) == "ip:203.0.113.1");
  BOOST_TEST((sqli[0]->severity() == fbs::Severity::critical));
  BOOST_TEST(str(sqli[0]->evidence()).find("parameter 'id' of GET /home matched tautology") == 0u);
  const auto xss = incidents(h.all, "xss");
  BOOST_TEST_REQUIRE(xss.size() == 1u);
  BOOST_TEST(str(xss[0]->subject()) == "ip:203.0.113.2");
  BOOST_TEST((xss[0]->severity() == fbs::Severity::warning));
  BOOST_TEST(blocks(h.all, "ip:203.0.113.1", "block").size() == 1u);
  BOOST_TEST(blocks(h.all, "ip:203.0.113.2", "block").size() == 1u);
  BOOST_TEST(payloads<fbs::SecurityIncident>(h.all).size() == 2u); // the benign one: nothing
}

BOOST_AUTO_TEST_SUITE_END()
