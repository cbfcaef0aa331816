#define BOOST_TEST_MODULE disk_fault
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/runtime/recovery_scenario.hpp"

// A full data directory must neither crash the node nor let it run on without its local
// store: consumption pauses with a clear error, and resumes by itself when space returns.
// The node's data directory is a 64 MiB tmpfs of its own (a private mount namespace, so the
// test needs root, as CI has); the test fills it through /proc/<pid>/root and empties it again.
namespace {

using namespace std::chrono;
using namespace aetherial;

bool contains(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.find(text) != std::string::npos;
}

template <class Pred> bool wait_for(Pred p, seconds limit) {
  const auto until = steady_clock::now() + limit;
  while (steady_clock::now() < until) {
    if (p()) return true;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return p();
}

/// Writes zeros to `path` until the filesystem refuses (ENOSPC); returns the bytes written.
std::size_t fill(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  BOOST_TEST_REQUIRE(fd >= 0, "cannot create " << path << ": " << std::strerror(errno));
  std::vector<char> block(1 << 16, 0);
  std::size_t total = 0;
  for (;;) {
    const auto n = ::write(fd, block.data(), block.size());
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
  }
  const int err = errno;
  ::close(fd);
  BOOST_TEST(err == ENOSPC, "filling stopped with " << std::strerror(err));
  return total;
}

/// A loopback port that was free a moment ago.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_TEST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_full_disk_pauses_consumption_and_it_resumes_when_space_returns) {
  const auto [ns_code, ns_out] =
      test::run_command({"/usr/bin/unshare", "--mount", "--propagation", "private", "true"});
  BOOST_TEST_REQUIRE(ns_code == 0, "this test needs root (a private mount namespace for a tmpfs "
                                   "data directory): unshare --mount failed: "
                                       << ns_out);
  test::child_process broker({AETHERIAL_BIN, "broker", "--partitions", "1"});
  std::string bootstrap;
  BOOST_TEST_REQUIRE(broker.read_line(bootstrap));
  test::temp_dir dir;
  const std::string data = dir.path() + "/data";
  std::filesystem::create_directories(data);
  const std::string log = dir.path() + "/run.log";
  const topics::catalog cat("", 1);
  topics::kafka_config kc;
  kc.brokers = bootstrap;
  auto producer = topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  auto& prod = *producer.value();
  const std::int64_t t0 = 1'700'000'000'000;
  std::uint64_t id = 1;
  int step = 0;
  auto send_overload = [&](const std::string& service) {
    for (int i = 0; i < 8; ++i, ++step) {
      auto v = test::service_load({0xd15c, id++}, t0 + step * 30000, service, 2, 0.96, 400);
      BOOST_TEST_REQUIRE(static_cast<bool>(
          prod.send(cat.name(topics::catalog::metrics), 0, service, v.data(), v.size())));
    }
    BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{10000})));
  };
  auto decided = [&](const std::string& service) {
    for (const auto& r : test::read_all(kc, cat.name(topics::catalog::decisions)))
      if (auto* e = test::envelope_of(r); e && e->key() && e->key()->str() == service) return true;
    return false;
  };

  const int port = free_port();
  auto ready = [&] { return test::http_get(port, "/readyz"); };
  // unshare execs sh, which mounts the tmpfs and execs the node: one pid throughout.
  test::child_process run({"/usr/bin/unshare",
                           "--mount",
                           "--propagation",
                           "private",
                           "sh",
                           "-c",
                           "mount -t tmpfs -o size=64m aetherial-disk \"$0\" && exec \"$@\"",
                           data,
                           AETHERIAL_BIN,
                           "run",
                           "--brokers",
                           bootstrap,
                           "--agents",
                           "operations",
                           "--partitions",
                           "1",
                           "--data-dir",
                           data,
                           "--metrics-port",
                           std::to_string(port),
                           "--metrics-bind",
                           "127.0.0.1",
                           "--checkpoint-interval-ms",
                           "300"},
                          log);
  send_overload("web");
  BOOST_TEST_REQUIRE(wait_for([&] { return decided("web"); }, seconds(60)), test::tail_of(log));

  const std::string filler = "/proc/" + std::to_string(run.pid()) + "/root" + data + "/fill";
  const auto filled = fill(filler);
  BOOST_TEST_MESSAGE("filled the data directory with " << filled << " bytes");
  send_overload("api");
  BOOST_TEST_REQUIRE(
      wait_for([&] { return contains(log, "the local store cannot write"); }, seconds(60)),
      test::tail_of(log));
  BOOST_TEST(contains(log, "No space left on device"), test::tail_of(log));
  // Readiness says why; liveness holds (the node is working on it).
  const auto paused = ready();
  BOOST_TEST(paused.find(" 503 ") != std::string::npos, paused);
  BOOST_TEST(paused.find("storage fault") != std::string::npos, paused);
  BOOST_TEST(test::http_get(port, "/healthz").find(" 200 ") != std::string::npos);
  BOOST_TEST(
      test::http_get(port, "/metrics").find("aetherial_storage_fault{agent=\"operations\"} 1") !=
      std::string::npos);
  BOOST_TEST(run.poll_exit() < 0, "the node exited on a full disk:\n" << test::tail_of(log));

  // Paused: what arrives now waits.
  send_overload("db");
  std::this_thread::sleep_for(seconds(5));
  BOOST_TEST(!decided("db"), "consumed while the store could not write");
  BOOST_TEST(run.poll_exit() < 0, test::tail_of(log));

  std::filesystem::remove(filler);
  BOOST_TEST_REQUIRE(wait_for([&] { return decided("db"); }, seconds(60)),
                     "no resume after space returned:\n"
                         << test::tail_of(log));
  BOOST_TEST(contains(log, "the local store writes again"), test::tail_of(log));
  BOOST_TEST(wait_for([&] { return ready().find(" 200 ") != std::string::npos; }, seconds(30)),
             ready());
  BOOST_TEST(decided("api"));

  run.signal(SIGTERM);
  BOOST_TEST(run.wait() == 0, test::tail_of(log));
  BOOST_TEST(test::read_all(kc, cat.name(topics::catalog::dlq)).empty());
  auto [code, out] = test::run_command(
      {AETHERIAL_BIN, "audit", "--brokers", bootstrap, "--agents", "operations"}, log);
  BOOST_TEST(code == 0, out);
  BOOST_TEST(out.find(" 0 divergences") != std::string::npos, out);
  broker.signal(SIGTERM);
  BOOST_TEST(broker.wait() == 0);
}
