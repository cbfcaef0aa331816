#define BOOST_TEST_MODULE golden_log
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include "actors/registry.hpp"
#include "actors/table.hpp"
#include "app/platform_simulator.hpp"

// Logs recorded with an earlier schema version must keep verifying and replaying to the
// same decisions: schema evolution is additive only. The golden log holds the simulated
// platform's inputs and the Operations agent's decisions as recorded when it was written.
// AETHERIAL_REGENERATE_GOLDEN=1 rewrites it (only when a behaviour change is intended).

using namespace aetherial;

namespace {

struct logged {
  std::string topic;
  std::vector<std::uint8_t> value;
};

void write_record(std::ofstream& out, const logged& r) {
  const auto tlen = static_cast<std::uint8_t>(r.topic.size());
  const auto vlen = static_cast<std::uint32_t>(r.value.size());
  out.put(static_cast<char>(tlen));
  out.write(r.topic.data(), tlen);
  for (int i = 0; i < 4; ++i)
    out.put(static_cast<char>((vlen >> (8 * i)) & 0xff));
  out.write(reinterpret_cast<const char*>(r.value.data()), vlen);
}

std::vector<logged> read_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<logged> out;
  while (true) {
    const int tlen = in.get();
    if (tlen == EOF) break;
    logged r;
    r.topic.resize(static_cast<std::size_t>(tlen));
    in.read(r.topic.data(), tlen);
    std::uint32_t vlen = 0;
    for (int i = 0; i < 4; ++i)
      vlen |= static_cast<std::uint32_t>(in.get() & 0xff) << (8 * i);
    r.value.resize(vlen);
    in.read(reinterpret_cast<char*>(r.value.data()), vlen);
    if (!in) break;
    out.push_back(std::move(r));
  }
  return out;
}

/// Runs the simulator closed-loop with the agent; returns inputs and decisions interleaved
/// in the order they happened.
std::vector<logged> record_run() {
  const auto* kind = actors::find_agent_kind("operations");
  auto agent = kind->make({});
  actors::memory_table_store tables;
  app::platform_simulator sim;
  std::vector<logged> log;
  for (auto now = sim.start_ms(); !sim.finished(); now += 15'000) {
    for (auto& ev : sim.advance(now)) {
      std::string why;
      const auto* env = schemas::verify_envelope(ev.value.data(), ev.value.size(),
                                                 schemas::default_max_event_bytes, &why);
      BOOST_TEST_REQUIRE(env != nullptr, why);
      actors::context ctx("operations", *env);
      ctx.set_tables(&tables);
      agent->on_event(*env, ctx);
      log.push_back({ev.topic, ev.value});
      for (auto& out : ctx.take_outputs()) {
        sim.observe(out.value.data(), out.value.size());
        if (out.to == actors::output::decisions) log.push_back({"decision", std::move(out.value)});
      }
    }
  }
  return log;
}

} // namespace

BOOST_AUTO_TEST_CASE(golden_log_replays_to_the_recorded_decisions) {
  const std::string path = std::string(AETHERIAL_GOLDEN_DIR) + "/operations-v1.log";
  if (const char* regen = std::getenv("AETHERIAL_REGENERATE_GOLDEN"); regen && *regen == '1') {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (const auto& r : record_run())
      write_record(out, r);
  }
  const auto golden = read_log(path);
  BOOST_TEST_REQUIRE(golden.size() > 100u, "golden log missing or short: " + path);

  const auto* kind = actors::find_agent_kind("operations");
  auto agent = kind->make({});
  actors::memory_table_store tables;
  std::vector<std::vector<std::uint8_t>> expected, replayed;
  std::size_t inputs = 0;
  for (const auto& r : golden) {
    if (r.topic == "decision") {
      expected.push_back(r.value);
      continue;
    }
    std::string why;
    const auto* env = schemas::verify_envelope(r.value.data(), r.value.size(),
                                               schemas::default_max_event_bytes, &why);
    BOOST_TEST_REQUIRE(env != nullptr, "an old record no longer verifies: " + why);
    actors::context ctx("operations", *env);
    ctx.set_tables(&tables);
    agent->on_event(*env, ctx);
    // The log holds decisions; later versions may ask for effects besides (the runtime scale
    // decision's effect request), which an older log cannot hold.
    for (auto& out : ctx.take_outputs())
      if (out.to == actors::output::decisions) replayed.push_back(std::move(out.value));
    ++inputs;
  }
  BOOST_TEST(inputs > 100u);
  BOOST_TEST_REQUIRE(expected.size() == replayed.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    BOOST_TEST((expected[i] == replayed[i]), "decision " << i << " differs from the recorded one");
}
