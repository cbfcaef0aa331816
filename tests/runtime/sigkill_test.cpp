#define BOOST_TEST_MODULE sigkill
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <fstream>

#include "storage/cipher.hpp"
#include "storage/snapshot.hpp"
#include "tests/runtime/recovery_scenario.hpp"

// The embedded broker runs as its own process (`aetherial broker`), so killing the runtime
// process loses nothing but the runtime's memory. The runtime seals its snapshots with a key
// file: the restart opens them, and no snapshot on the topic shows its state in clear.
BOOST_AUTO_TEST_CASE(sigkill_and_restart_resume_from_snapshot_and_committed_offsets) {
  aetherial::test::child_process broker({AETHERIAL_BIN, "broker", "--partitions", "2"});
  std::string bootstrap;
  BOOST_TEST_REQUIRE(broker.read_line(bootstrap));
  BOOST_TEST_REQUIRE(!bootstrap.empty());
  aetherial::test::temp_dir keys;
  const std::string key_file = keys.path() + "/snapshot.keys";
  std::ofstream(key_file) << "k1 " << std::string(64, 'a') << "\n";
  ::chmod(key_file.c_str(), 0600);
  auto r = aetherial::test::run_recovery_scenario(AETHERIAL_BIN, bootstrap, "", 2,
                                                  {"--snapshot-key-file", key_file});
  BOOST_TEST(r.decisions >= 3u);

  auto cipher = aetherial::storage::state_cipher::load(key_file);
  BOOST_TEST_REQUIRE(cipher.has_value());
  aetherial::topics::kafka_config kc;
  kc.brokers = bootstrap;
  const aetherial::topics::catalog cat("", 2);
  std::size_t sealed = 0;
  for (const auto& rec :
       aetherial::test::read_all(kc, cat.name(aetherial::topics::catalog::snapshots))) {
    auto clear = aetherial::storage::decode_snapshot(rec.value.data(), rec.value.size());
    BOOST_TEST(!clear.has_value(), "a snapshot on the topic decodes without the key");
    auto opened = aetherial::storage::decode_snapshot(rec.value.data(), rec.value.size(),
                                                      cipher.value().get());
    BOOST_TEST_REQUIRE(opened.has_value());
    BOOST_TEST(opened.value().sealed_with == "k1");
    ++sealed;
  }
  BOOST_TEST(sealed >= 1u);
  broker.signal(SIGTERM);
  BOOST_TEST(broker.wait() == 0);
}
