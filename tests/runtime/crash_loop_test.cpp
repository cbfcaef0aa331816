#define BOOST_TEST_MODULE crash_loop
#include <boost/test/unit_test.hpp>

#include <thread>

#include "tests/runtime/recovery_scenario.hpp"

// A record that kills the process (here by test-only fault injection: the runtime aborts
// when an agent applies a record with a given key) must not crash-loop the partition: the
// process is restarted (this test plays the supervisor), applies carefully, identifies the
// record, and after --retry-limit deaths on it dead-letters it and goes on.
BOOST_AUTO_TEST_CASE(a_record_that_kills_the_process_is_dead_lettered_after_the_retry_limit) {
  using namespace std::chrono;
  using namespace aetherial;
  test::child_process broker({AETHERIAL_BIN, "broker", "--partitions", "1"});
  std::string bootstrap;
  BOOST_TEST_REQUIRE(broker.read_line(bootstrap));
  test::temp_dir dir;
  const std::string log = dir.path() + "/run.log";
  const topics::catalog cat("", 1);
  topics::kafka_config kc;
  kc.brokers = bootstrap;
  auto producer = topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  auto& prod = *producer.value();
  const std::int64_t t0 = 1'700'000'000'000;
  std::uint64_t id = 1;
  auto send = [&](const std::string& service, int i, double cpu) {
    auto v = test::service_load({0xc4a5, id++}, t0 + i * 30000, service, 2, cpu, 400);
    BOOST_TEST_REQUIRE(static_cast<bool>(
        prod.send(cat.name(topics::catalog::metrics), 0, service, v.data(), v.size())));
  };
  for (int i = 0; i < 8; ++i)
    send("web", i, 0.95);
  send("kill-me", 8, 0.5);
  for (int i = 9; i < 17; ++i)
    send("api", i, 0.96);
  BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{10000})));

  const std::vector<std::string> argv = {AETHERIAL_BIN,
                                         "run",
                                         "--brokers",
                                         bootstrap,
                                         "--agents",
                                         "operations",
                                         "--partitions",
                                         "1",
                                         "--data-dir",
                                         dir.path(),
                                         "--metrics-port",
                                         "-1",
                                         "--retry-limit",
                                         "3",
                                         "--checkpoint-interval-ms",
                                         "500",
                                         "--fault-crash-on-key",
                                         "kill-me"};
  auto api_decided = [&] {
    for (const auto& r : test::read_all(kc, cat.name(topics::catalog::decisions)))
      if (auto* e = test::envelope_of(r); e && e->key() && e->key()->str() == "api") return true;
    return false;
  };
  int deaths = 0;
  bool done = false;
  while (!done && deaths <= 8) {
    test::child_process run(argv, log);
    const auto started = steady_clock::now();
    // The supervisor's loop: wait for the process to die or for the work to be done.
    while (steady_clock::now() - started < seconds(60)) {
      if (run.poll_exit() >= 0) break; // died
      if (api_decided()) {
        done = true;
        break;
      }
      std::this_thread::sleep_for(milliseconds(200));
    }
    if (done) {
      run.signal(SIGTERM);
      BOOST_TEST(run.wait() == 0, test::tail_of(log));
    } else {
      ++deaths;
      BOOST_TEST_MESSAGE("incarnation " << deaths << " died with " << run.wait());
    }
  }
  BOOST_TEST_REQUIRE(done, "api never decided after " << deaths << " deaths; log:\n"
                                                      << test::tail_of(log));
  // One unexplained death, then retry-limit (3) deaths on the noted record.
  BOOST_TEST(deaths >= 3);
  BOOST_TEST(deaths <= 4);
  const auto dlq = test::read_all(kc, cat.name(topics::catalog::dlq));
  BOOST_TEST_REQUIRE(dlq.size() == 1u);
  BOOST_TEST(dlq[0].key == "kill-me");
  const auto reason = test::header_value(dlq[0], topics::dlq_reason_header);
  BOOST_TEST(reason.find("the process died 3 times while agent operations applied it") !=
                 std::string::npos,
             reason);
  BOOST_TEST(test::header_value(dlq[0], topics::dlq_agent_header) == "operations");
  broker.signal(SIGTERM);
  BOOST_TEST(broker.wait() == 0);
}
