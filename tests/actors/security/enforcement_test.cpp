// Blocks with a TTL and automatic unblock, growing TTLs, ban proposals that wait for a human,
// approval, rejection and timeout.
#include <boost/test/unit_test.hpp>

#include "tests/actors/security/security_fixture.hpp"

using namespace aetherial::actors::security::test;

namespace {

constexpr std::int64_t minute = 60'000;
const std::string attacker = "203.0.113.66";
const std::string subject = "ip:" + attacker;

bytes attack(events& ev, std::int64_t t) {
  return ev.request(t, attacker, "", {{"q", "1 UNION SELECT password FROM users"}});
}

// Any other traffic: it moves event time forward.
bytes tick(events& ev, std::int64_t t) {
  return ev.request(t, "198.51.100.1", "", {{"q", "shoes"}});
}

// Three offenses 0, 20 and 90 minutes after t0: the third proposes a ban.
void three_offenses(harness& h, events& ev) {
  (void)h.feed(attack(ev, t0));
  (void)h.feed(tick(ev, t0 + 15 * minute));
  (void)h.feed(attack(ev, t0 + 20 * minute));
  (void)h.feed(tick(ev, t0 + 80 * minute));
  (void)h.feed(attack(ev, t0 + 90 * minute));
}

} // namespace

BOOST_AUTO_TEST_SUITE(enforcement)

BOOST_AUTO_TEST_CASE(block_has_a_ttl_and_is_lifted_by_a_later_event) {
  harness h;
  events ev;
  (void)h.feed(attack(ev, t0));
  const auto b = blocks(h.all, subject, "block");
  BOOST_TEST_REQUIRE(b.size() == 1u);
  BOOST_TEST(b[0]->ttl_ms() == 15 * minute);
  BOOST_TEST(b[0]->until_ms() == t0 + 15 * minute);
  // Still blocked just before the end: no unblock, and the attacker's requests raise nothing.
  (void)h.feed(attack(ev, t0 + 5 * minute));
  BOOST_TEST(h.history.back().empty());
  BOOST_TEST(h.feed(tick(ev, t0 + 15 * minute - 1)).empty());
  // The first event at or after the end lifts it, whoever it comes from.
  const auto& out = h.feed(tick(ev, t0 + 15 * minute));
  const auto u = blocks(out, subject, "unblock");
  BOOST_TEST_REQUIRE(u.size() == 1u);
  BOOST_TEST(u[0]->until_ms() == t0 + 15 * minute);
  BOOST_TEST(str(u[0]->incident_id()) == str(b[0]->incident_id()));
  BOOST_TEST(subject_row(h, subject).blocked_until_ms == 0);
  // A second offense within the window blocks four times longer.
  (void)h.feed(attack(ev, t0 + 20 * minute));
  const auto again = blocks(h.all, subject, "block");
  BOOST_TEST_REQUIRE(again.size() == 2u);
  BOOST_TEST(again[1]->ttl_ms() == 60 * minute);
  BOOST_TEST(str(again[1]->reason()).find("offense 2") != std::string::npos);
  BOOST_TEST((incidents(h.all, "sql_injection").back()->severity() == fbs::Severity::critical));
}

BOOST_AUTO_TEST_CASE(expiry_follows_event_time_not_arrival) {
  harness h;
  events ev;
  (void)h.feed(attack(ev, t0));
  // A late event (earlier event time) does not lift the block.
  BOOST_TEST(blocks(h.feed(tick(ev, t0 + 16 * minute)), subject, "unblock").size() == 1u);
  harness g;
  (void)g.feed(attack(ev, t0));
  BOOST_TEST(blocks(g.feed(tick(ev, t0 - minute)), subject, "unblock").empty());
}

BOOST_AUTO_TEST_CASE(repeat_offender_ban_waits_for_approval_then_bans) {
  harness h;
  events ev;
  three_offenses(h, ev);
  const auto proposed = blocks(h.all, subject, "ban_proposed");
  BOOST_TEST_REQUIRE(proposed.size() == 1u);
  BOOST_TEST(proposed[0]->until_ms() == t0 + 90 * minute + 72 * 60 * minute);
  BOOST_TEST(str(proposed[0]->reason()).find("3 offenses within 24 h") == 0u);
  BOOST_TEST(blocks(h.all, subject, "block").back()->until_ms() == proposed[0]->until_ms());
  BOOST_TEST(blocks(h.all, subject, "ban").empty());
  // Hours later, no approval yet: still held, no unblock, no ban.
  (void)h.feed(tick(ev, t0 + 10 * 60 * minute));
  (void)h.feed(attack(ev, t0 + 11 * 60 * minute));
  BOOST_TEST(blocks(h.all, subject, "unblock").size() == 2u); // the two earlier blocks only
  BOOST_TEST(blocks(h.all, subject, "ban").empty());
  // An answer about someone else changes nothing.
  BOOST_TEST(h.feed(ev.approval(t0 + 12 * 60 * minute, "ip:192.0.2.200", true)).empty());
  // The approval bans.
  const auto& out = h.feed(ev.approval(t0 + 12 * 60 * minute, subject, true));
  const auto ban = blocks(out, subject, "ban");
  BOOST_TEST_REQUIRE(ban.size() == 1u);
  BOOST_TEST(ban[0]->ttl_ms() == 0);
  BOOST_TEST(ban[0]->until_ms() == 0);
  BOOST_TEST(str(ban[0]->reason()).find("approved by user:admin-1") != std::string::npos);
  BOOST_TEST(str(ban[0]->incident_id()) == str(proposed[0]->incident_id()));
  // Banned: never unblocked, further attacks raise nothing, a second answer changes nothing.
  const auto n = h.all.size();
  (void)h.feed(attack(ev, t0 + 100 * 60 * minute));
  (void)h.feed(ev.approval(t0 + 101 * 60 * minute, subject, false));
  BOOST_TEST(h.all.size() == n);
}

BOOST_AUTO_TEST_CASE(approval_on_the_feedback_topic) {
  harness h;
  events ev;
  three_offenses(h, ev);
  const auto& out = h.feed(ev.feedback_approval(t0 + 2 * 60 * minute, subject, true));
  BOOST_TEST_REQUIRE(blocks(out, subject, "ban").size() == 1u);
  BOOST_TEST(str(blocks(out, subject, "ban")[0]->reason()).find("user:admin-2") !=
             std::string::npos);
}

// A permanent ban takes an approver the runtime verified holding an approving role: a forged
// approval (no token, or a user without the role) changes nothing and is audited.
BOOST_AUTO_TEST_CASE(only_a_verified_approver_bans) {
  harness h;
  events ev;
  three_offenses(h, ev);
  const auto access_refusals = [](const std::vector<emitted>& out) {
    std::size_t n = 0;
    for (const auto& e : out)
      if (const auto* a = envelope_of(e).payload_as_AccessAudit(); a != nullptr && !a->allowed())
        ++n;
    return n;
  };
  identity forged;
  forged.status = identity_status::refused;
  forged.reason = "no identity token";
  const auto& unsigned_out =
      h.feed(ev.feedback_approval(t0 + 2 * 60 * minute, subject, true), &forged);
  BOOST_TEST(blocks(unsigned_out, subject, "ban").empty());
  BOOST_TEST(access_refusals(unsigned_out) == 1u);

  identity nobody;
  nobody.status = identity_status::verified;
  nobody.principal = "user:nobody";
  nobody.roles = {"user"};
  const auto& user_out = h.feed(ev.feedback_approval(t0 + 3 * 60 * minute, subject, true), &nobody);
  BOOST_TEST(blocks(user_out, subject, "ban").empty());
  BOOST_TEST_REQUIRE(access_refusals(user_out) == 1u);
  const auto* audit = envelope_of(user_out[0]).payload_as_AccessAudit();
  BOOST_TEST(str(audit->principal()) == "user:nobody");
  BOOST_TEST(str(audit->action()) == "security.permanent_ban");

  identity admin;
  admin.status = identity_status::verified;
  admin.principal = "user:admin-2";
  admin.roles = {"admin"};
  const auto& ok = h.feed(ev.feedback_approval(t0 + 4 * 60 * minute, subject, true), &admin);
  BOOST_TEST(blocks(ok, subject, "ban").size() == 1u);
}

BOOST_AUTO_TEST_CASE(rejection_and_timeout_drop_the_ban) {
  {
    harness h;
    events ev;
    three_offenses(h, ev);
    // Rejected after the ordinary block would have ended: unblocked at once.
    const auto& out = h.feed(ev.approval(t0 + 3 * 60 * minute, subject, false));
    BOOST_TEST_REQUIRE(out.size() == 2u);
    BOOST_TEST_REQUIRE(blocks(out, subject, "ban_rejected").size() == 1u);
    BOOST_TEST(
        str(blocks(out, subject, "ban_rejected")[0]->reason()).find("permanent ban rejected by") ==
        0u);
    BOOST_TEST(blocks(out, subject, "unblock").size() == 1u);
    BOOST_TEST(blocks(h.all, subject, "ban").empty());
    BOOST_TEST(subject_row(h, subject).offenses.empty());
  }
  {
    harness h;
    events ev;
    three_offenses(h, ev);
    // Rejected within the ordinary block: it stays until its own end.
    const auto& out = h.feed(ev.feedback_approval(t0 + 95 * minute, subject, false));
    BOOST_TEST_REQUIRE(blocks(out, subject, "ban_rejected").size() == 1u);
    const auto b = blocks(out, subject, "block");
    BOOST_TEST_REQUIRE(b.size() == 1u);
    BOOST_TEST(b[0]->until_ms() == t0 + 105 * minute);
    BOOST_TEST(blocks(h.feed(tick(ev, t0 + 105 * minute)), subject, "unblock").size() == 1u);
  }
  {
    harness h;
    events ev;
    three_offenses(h, ev);
    BOOST_TEST(h.feed(tick(ev, t0 + 90 * minute + 72 * 60 * minute - 1)).empty());
    const auto& out = h.feed(tick(ev, t0 + 90 * minute + 72 * 60 * minute));
    BOOST_TEST_REQUIRE(blocks(out, subject, "ban_rejected").size() == 1u);
    BOOST_TEST(
        str(blocks(out, subject, "ban_rejected")[0]->reason()).find("no approval within 72 h") ==
        0u);
    BOOST_TEST(blocks(out, subject, "unblock").size() == 1u);
    // A late approval finds nothing pending.
    BOOST_TEST(h.feed(ev.approval(t0 + 100 * 60 * minute, subject, true)).empty());
  }
}

BOOST_AUTO_TEST_CASE(requesters_are_bounded_least_recently_seen_first) {
  security_config cfg;
  cfg.max_ips = 100;
  cfg.max_users = 50;
  harness h(cfg);
  events ev;
  for (int i = 0; i < 1000; ++i) {
    const std::string ip = "10.9." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    (void)h.feed(ev.request(at_s(i), ip, "u-" + std::to_string(i)));
    // An early IP keeps coming back: it is never the least recently seen.
    (void)h.feed(ev.request(at_s(i), "10.0.0.1"));
  }
  BOOST_TEST(h.tables.size(ips_table) == 100u);
  BOOST_TEST(h.tables.size(users_table) == 50u);
  BOOST_TEST(h.agent.state().ip_rows == 100u);
  BOOST_TEST(h.agent.state().user_rows == 50u);
  // The most recent survive, and the one seen all along.
  BOOST_TEST(h.tables.get(ips_table, "10.9.3.249").has_value());
  BOOST_TEST(h.tables.get(ips_table, "10.0.0.1").has_value());
  BOOST_TEST(!h.tables.get(ips_table, "10.9.3.149").has_value());
  BOOST_TEST(h.tables.get(ips_table, "10.9.3.151").has_value());
  BOOST_TEST(h.tables.get(users_table, "u-999").has_value());
  BOOST_TEST(!h.tables.get(users_table, "u-949").has_value());
  // One index entry per row.
  BOOST_TEST(h.tables.size(ips_expiry_index) == 100u);
  BOOST_TEST(h.tables.size(users_expiry_index) == 50u);
  // Idle records are forgotten after the idle time, with their entries.
  (void)h.feed(tick(ev, at_s(1000) + 7 * 60 * minute));
  BOOST_TEST(h.tables.size(ips_table) == 1u);
  BOOST_TEST(h.tables.size(users_table) == 0u);
  BOOST_TEST(h.tables.size(ips_expiry_index) == 1u);
  BOOST_TEST(h.tables.size(users_expiry_index) == 0u);
  BOOST_TEST(h.agent.state().ip_rows == 1u);
}

BOOST_AUTO_TEST_CASE(subjects_are_forgotten_when_quiet_and_bans_are_kept) {
  harness h;
  events ev;
  (void)h.feed(attack(ev, t0));               // blocked 15 min, offense kept 24 h
  (void)h.feed(attack(ev, t0 + 20 * minute)); // blocked 60 min
  (void)h.feed(ev.request(t0 + 1, "203.0.113.77", "", {{"q", "<script>alert(1)</script>"}}));
  BOOST_TEST(h.tables.size(subjects_table) == 2u);
  BOOST_TEST(h.tables.size(unblock_due_index) == 2u);
  // Past the idle time but within the offense window: remembered (the next offense is harsher).
  (void)h.feed(tick(ev, t0 + 7 * 60 * minute));
  BOOST_TEST(h.tables.size(unblock_due_index) == 0u);
  BOOST_TEST(h.tables.size(subjects_table) == 2u);
  // Past the offense window: forgotten, with every entry.
  (void)h.feed(tick(ev, t0 + 25 * 60 * minute));
  BOOST_TEST(h.tables.size(subjects_table) == 0u);
  BOOST_TEST(h.tables.size(subjects_expiry_index) == 0u);
  // A ban is kept however long it stays quiet.
  harness b;
  three_offenses(b, ev);
  (void)b.feed(ev.approval(t0 + 91 * minute, subject, true));
  BOOST_TEST((subject_row(b, subject).ban == ban_status::banned));
  (void)b.feed(tick(ev, t0 + 30 * 24 * 60 * minute));
  BOOST_TEST((subject_row(b, subject).ban == ban_status::banned));
  BOOST_TEST(b.tables.size(subjects_expiry_index) == 0u);
  BOOST_TEST(b.tables.size(ban_due_index) == 0u);
}

BOOST_AUTO_TEST_CASE(a_name_too_long_for_a_key_is_not_tracked) {
  harness h;
  events ev;
  const std::string huge(max_table_key_bytes, 'a');
  const auto& out =
      h.feed(ev.request(t0, huge, huge, {{"q", "1 UNION SELECT password FROM users"}}));
  BOOST_TEST(out.empty());
  BOOST_TEST(h.tables.size(ips_table) == 0u);
  BOOST_TEST(h.agent.state().site.requests.count == 1u);
  BOOST_TEST(h.feed(ev.approval(t0 + 1, "ip:" + huge, true)).empty());
}

BOOST_AUTO_TEST_SUITE_END()
