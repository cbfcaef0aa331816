#define BOOST_TEST_MODULE sigkill
#include <boost/test/unit_test.hpp>

#include "tests/runtime/recovery_scenario.hpp"

// The embedded broker runs as its own process (`aetherial broker`), so killing the runtime
// process loses nothing but the runtime's memory.
BOOST_AUTO_TEST_CASE(sigkill_and_restart_resume_from_snapshot_and_committed_offsets) {
  aetherial::test::child_process broker({AETHERIAL_BIN, "broker", "--partitions", "2"});
  std::string bootstrap;
  BOOST_TEST_REQUIRE(broker.read_line(bootstrap));
  BOOST_TEST_REQUIRE(!bootstrap.empty());
  auto r = aetherial::test::run_recovery_scenario(AETHERIAL_BIN, bootstrap, "", 2);
  BOOST_TEST(r.decisions >= 3u);
  broker.signal(SIGTERM);
  BOOST_TEST(broker.wait() == 0);
}
