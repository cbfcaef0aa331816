// The status board's decisions behind /healthz and /readyz, over an injected clock.
#include <boost/test/unit_test.hpp>

#include "runtime/health.hpp"

namespace aetherial::runtime {
namespace {

using namespace std::chrono_literals;

/// A board over a clock the test moves by hand: tick window 30 s, stall window 60 s.
struct board_fixture {
  steady_clock::time_point now{steady_clock::duration(1'000'000'000)};
  health_board board{health_options{30s, 60s}, [this] { return now; }};

  bool has(const health_verdict& v, const std::string& text) const {
    return v.body.find(text) != std::string::npos;
  }

  /// One agent "operations" consuming partitions 0 and 1, caught up, node running.
  void running_node() {
    board.node_starting();
    board.agent_starting("operations");
    board.agent_running("operations");
    board.partition_recovering("operations", 0);
    board.partition_recovering("operations", 1);
    board.partition_consuming("operations", 0);
    board.partition_consuming("operations", 1);
    board.lag("operations", {{"in", 0, 0}, {"in", 1, 0}});
    board.node_running();
  }
};

BOOST_FIXTURE_TEST_SUITE(health_board_suite, board_fixture)

BOOST_AUTO_TEST_CASE(consuming_when_every_partition_is_caught_up) {
  running_node();
  const auto r = board.readiness();
  BOOST_TEST(r.ok, r.body);
  BOOST_TEST(has(r, "{\"status\":\"consuming\""), r.body);
  BOOST_TEST(has(r, "\"operations\":{\"state\":\"consuming\",\"lag\":0"), r.body);
  BOOST_TEST(board.liveness().ok);
  BOOST_TEST(has(board.liveness(), "\"status\":\"alive\""));
}

BOOST_AUTO_TEST_CASE(not_ready_while_starting_unassigned_or_recovering) {
  board.node_starting();
  BOOST_TEST(!board.readiness().ok);
  BOOST_TEST(has(board.readiness(), "\"status\":\"starting\""));
  BOOST_TEST(board.liveness().ok);
  board.agent_starting("operations");
  board.node_running();
  BOOST_TEST(!board.readiness().ok);
  BOOST_TEST(has(board.readiness(), "not subscribed yet"));
  board.agent_running("operations");
  BOOST_TEST(!board.readiness().ok);
  BOOST_TEST(has(board.readiness(), "\"state\":\"unassigned\""), board.readiness().body);
  board.partition_recovering("operations", 3);
  BOOST_TEST(!board.readiness().ok);
  BOOST_TEST(has(board.readiness(), "partition 3: recovering"), board.readiness().body);
  board.partition_consuming("operations", 3);
  BOOST_TEST(board.readiness().ok, board.readiness().body);
  board.partition_revoked("operations", 3);
  BOOST_TEST(!board.readiness().ok);
}

BOOST_AUTO_TEST_CASE(a_partition_with_lag_and_no_progress_stalls_after_the_window) {
  running_node();
  board.lag("operations", {{"in", 0, 0}, {"in", 1, 120}});
  now += 59s;
  BOOST_TEST(board.readiness().ok, board.readiness().body);
  now += 2s;
  auto r = board.readiness();
  BOOST_TEST(!r.ok);
  BOOST_TEST(has(r, "\"status\":\"stalled\""), r.body);
  BOOST_TEST(has(r, "partition 1: no progress for 61.0 s while lag is 120"), r.body);
  BOOST_TEST(has(r, "\"lag\":120"), r.body);
  // Applied input is progress; so is catching up.
  board.progress("operations", 1);
  BOOST_TEST(board.readiness().ok, board.readiness().body);
  now += 61s;
  BOOST_TEST(!board.readiness().ok);
  board.lag("operations", {{"in", 0, 0}, {"in", 1, 0}});
  BOOST_TEST(board.readiness().ok);
  // A caught-up partition never stalls, however long it idles.
  now += 600s;
  BOOST_TEST(board.readiness().ok);
}

BOOST_AUTO_TEST_CASE(unknown_lag_without_progress_stalls) {
  running_node();
  board.lag("operations", {{"in", 0, 0}}); // partition 1: no watermark
  now += 61s;
  auto r = board.readiness();
  BOOST_TEST(!r.ok);
  BOOST_TEST(has(r, "while lag is unknown"), r.body);
  BOOST_TEST(has(r, "\"lag\":null"), r.body);
}

BOOST_AUTO_TEST_CASE(paused_with_a_reason_is_not_ready_until_resumed) {
  running_node();
  board.lag("operations", {{"in", 0, 5}, {"in", 1, 0}});
  board.pause_agent("operations", "snapshot store unavailable");
  auto r = board.readiness();
  BOOST_TEST(!r.ok);
  BOOST_TEST(has(r, "\"state\":\"paused\""), r.body);
  BOOST_TEST(has(r, "paused (snapshot store unavailable)"), r.body);
  now += 120s;
  board.tick("operations");
  BOOST_TEST(board.liveness().ok); // paused is alive
  board.resume_agent("operations");
  // Paused time does not count as stalled time.
  BOOST_TEST(board.readiness().ok, board.readiness().body);
}

BOOST_AUTO_TEST_CASE(a_quarantined_partition_stays_paused_across_host_restarts) {
  running_node();
  board.partition_paused("operations", 1, "quarantined: 5 failures in 60 s");
  BOOST_TEST(has(board.readiness(), "partition 1: paused (quarantined: 5 failures in 60 s)"));
  board.partition_recovering("operations", 1);
  board.partition_consuming("operations", 1);
  BOOST_TEST(!board.readiness().ok);
  board.partition_revoked("operations", 1);
  BOOST_TEST(board.readiness().ok, board.readiness().body);
}

BOOST_AUTO_TEST_CASE(liveness_names_the_agent_whose_loop_stopped_ticking) {
  running_node();
  board.agent_starting("payments");
  board.agent_running("payments");
  board.partition_recovering("payments", 0);
  board.partition_consuming("payments", 0);
  board.lag("payments", {{"p", 0, 0}});
  now += 20s;
  board.tick("operations");
  now += 15s; // payments: 35 s without a tick
  board.tick("operations");
  auto l = board.liveness();
  BOOST_TEST(!l.ok);
  BOOST_TEST(has(l, "\"status\":\"stuck\""), l.body);
  BOOST_TEST(has(l, "agent payments: coordinator loop has not ticked for 35.0 s (window 30.0 s)"),
             l.body);
  BOOST_TEST(!has(l, "agent operations:"), l.body);
  board.tick("payments");
  BOOST_TEST(board.liveness().ok, board.liveness().body);
}

BOOST_AUTO_TEST_CASE(a_failed_node_is_alive_only_while_it_is_restarted) {
  running_node();
  board.agent_failed("operations", "the consumer failed for good");
  auto r = board.readiness();
  BOOST_TEST(!r.ok);
  BOOST_TEST(has(r, "failed: the consumer failed for good"), r.body);
  BOOST_TEST(board.liveness().ok); // the failure has just happened
  // Not restarted: after the tick window, liveness fails too.
  now += 31s;
  BOOST_TEST(!board.liveness().ok);
  BOOST_TEST(has(board.liveness(), "was not restarted"), board.liveness().body);
  // Restarted in-process: alive, not ready, however long the backoff.
  board.node_stopping();
  board.node_restarting("node failed; starting it again");
  now += 300s;
  BOOST_TEST(board.liveness().ok, board.liveness().body);
  BOOST_TEST(has(board.liveness(), "\"status\":\"restarting\""));
  BOOST_TEST(!board.readiness().ok);
  BOOST_TEST(has(board.readiness(), "\"status\":\"restarting\""));
  // The new incarnation starts from a clean board.
  running_node();
  BOOST_TEST(board.readiness().ok, board.readiness().body);
  BOOST_TEST(board.liveness().ok);
  // Giving up: both fail.
  board.node_failed("3 node failures within 10 minutes");
  BOOST_TEST(!board.liveness().ok);
  BOOST_TEST(has(board.liveness(), "will not be restarted"));
  BOOST_TEST(!board.readiness().ok);
}

BOOST_AUTO_TEST_CASE(stopping_is_alive_and_not_ready) {
  running_node();
  board.node_stopping();
  now += 120s;
  BOOST_TEST(board.liveness().ok);
  BOOST_TEST(!board.readiness().ok);
  BOOST_TEST(has(board.readiness(), "\"status\":\"stopping\""));
}

BOOST_AUTO_TEST_CASE(reasons_are_escaped_as_json) {
  running_node();
  board.pause_agent("operations", "disk \"/data\" full\n");
  BOOST_TEST(has(board.readiness(), "paused (disk \\\"/data\\\" full\\n)"), board.readiness().body);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
} // namespace aetherial::runtime
