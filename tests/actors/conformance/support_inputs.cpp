// The User Support agent's conformance inputs: a knowledge base, questions as messages and
// tasks, feedback, and an article withdrawn.
#include "tests/actors/conformance/inputs.hpp"
#include "tests/actors/support/support_fixture.hpp"

namespace aetherial::actors::conformance {

std::vector<bytes> support_events() {
  using namespace support::test;
  events ev;
  std::vector<bytes> log = knowledge_base(ev);
  const char* questions[] = {
      "How do I create a course?",    "What are the limits?",
      "My payment didn't go through", "This is terrible, how do I reset my password?",
      "How do I get a certificate?",  "Is there a dark mode?",
      "Thanks, that was helpful!",    "Can I add a video to a lesson?",
  };
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 8; ++i) {
      const std::string conv = "conv-" + std::to_string((i + round) % 5);
      if (i % 3 == 0)
        log.push_back(ev.task("t-" + std::to_string(round * 10 + i), "support.how_to", "support",
                              conv, {{"text", questions[i]}}));
      else
        log.push_back(ev.message(conv, questions[i]));
      if (i == 4) log.push_back(ev.feedback("kb-certificates", "thumbs_up"));
      if (i == 6) log.push_back(ev.feedback("", "thumbs_down", "", conv));
    }
  log.push_back(ev.article("kb-password", "", "", {}, false));
  log.push_back(ev.message("conv-9", "How do I reset my password?"));
  return log;
}

} // namespace aetherial::actors::conformance
