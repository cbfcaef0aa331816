// The Development agent's conformance inputs: a log touching every part of the agent.
#include "tests/actors/conformance/inputs.hpp"
#include "tests/actors/development/development_fixture.hpp"

namespace aetherial::actors::conformance {

std::vector<bytes> development_events() {
  using namespace development::test;
  events ev;
  std::vector<bytes> log;
  for (int i = 0; i < 6; ++i)
    log.push_back(ev.error_rate(at_s(i), 0.004 + 0.0005 * i));
  log.push_back(ev.review(at_s(7), "ch1", "dana", {"src/db/pool.cpp"}));
  log.push_back(ev.review(at_s(8), "ch2", "erin", {"src/db/pool.cpp", "src/ui/a.tsx"}));
  log.push_back(ev.approval(at_s(9), "frank", "", "ch2"));
  log.push_back(ev.task(at_s(10), "t1", "development.deploy",
                        {{"service", "web"}, {"commit", "c1"}, {"text", "Deploy to production"}}));
  log.push_back(ev.task(at_s(11), "t2", "development.feature_request",
                        {{"service", "web"}, {"text", "Add dark mode"}}));
  for (int i = 0; i < 4; ++i)
    log.push_back(ev.test_result(at_s(12 + i), "t" + std::to_string(i), "c1", i % 2 == 0,
                                 "Timeout after " + std::to_string(100 * i) + " ms"));
  log.push_back(ev.test_result(at_s(16), "t0", "c1", false, "boom at 0x1234"));
  log.push_back(ev.build(at_s(20), "c1", true));
  log.push_back(ev.approval(at_s(21), "bob", "deploy-t1"));
  log.push_back(ev.effect_result(at_s(22), "codegen-t2", "code_generation", true, "Dark mode"));
  log.push_back(ev.deploy_finished(at_s(30), "deploy-t1"));
  log.push_back(ev.error_rate(at_s(40), 0.02));
  log.push_back(ev.error_rate(at_s(50), 0.022));
  log.push_back(ev.error_rate(at_s(60), 0.3));
  log.push_back(ev.task(at_s(70), "t3", "development.deploy", {{"service", "api"}}));
  log.push_back(ev.build(at_s(80), "c9", false, "api"));
  return log;
}

} // namespace aetherial::actors::conformance
