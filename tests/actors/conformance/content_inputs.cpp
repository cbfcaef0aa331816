// The Content agent's conformance inputs: posts to moderate with labels, an image, course
// requests, and a result for every effect the agent requests on them.
#include "tests/actors/conformance/inputs.hpp"
#include "tests/actors/content/content_fixture.hpp"

namespace aetherial::actors::conformance {

namespace {

std::vector<bytes> content_log() {
  using namespace content::test;
  events ev;
  std::vector<bytes> log = ai_knowledge_base(ev);
  const char* texts[] = {
      "Buy cheap followers now, best discount, limited offer!",
      "The lecture on linear algebra was clear and well paced.",
      "Este curso de álgebra es muy interesante y los profesores explican cada tema.",
      "Limited offer: cheap likes and followers, buy today",
      "Week three covers matrices, vectors and eigenvalues.",
      "Der Lehrer hat die Lektion gestern sehr gut erklärt.",
  };
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 6; ++i) {
      const std::string id = "c-" + std::to_string(round) + "-" + std::to_string(i);
      log.push_back(ev.item(id, "post", "", texts[i]));
      if (i == 0 || i == 3) log.push_back(ev.feedback(id, "moderator_label", "spam"));
      if (i == 1 || i == 4) log.push_back(ev.feedback(id, "moderator_label", "ok"));
    }
  log.push_back(ev.item("img-1", "image", "Holiday", "", {{"alt", "two people on a beach"}}));
  log.push_back(ev.task("task-1", "content.create_course", "content", "conv-ai",
                        {{"text", "Create a course about AI"}}));
  log.push_back(ev.task("task-2", "content.create_course", "content", "conv-ai",
                        {{"confirmed", "true"}, {"quizzes", "true"}}));
  log.push_back(
      ev.task("task-3", "content.create_course", "content", "conv-x", {{"topic", "Photography"}}));
  return log;
}

} // namespace

// Effect results name the ids the agent derives, which depend only on the inputs, so a first
// pass finds them; each result arrives two inputs after its request.
std::vector<bytes> content_events() {
  using namespace content::test;
  const auto log = content_log();
  content_harness probe;
  for (const auto& e : log)
    (void)probe.feed(e);
  events ev(0xe44ec7);
  std::vector<std::vector<bytes>> after(log.size() + 2);
  for (std::size_t i = 0; i < log.size(); ++i)
    for (const auto* r : payloads<fbs::EffectRequest>(probe.history[i])) {
      const std::string kind = str(r->kind());
      const std::string output = kind == "translate"        ? "This algebra course is interesting."
                                 : kind == "image_analysis" ? "A beach with two people."
                                                            : "Cameras\nLight\nComposition";
      after[i + 2].push_back(ev.effect_result(str(r->effect_id()), kind, true, output));
    }
  std::vector<bytes> out;
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (i < log.size()) out.push_back(log[i]);
    for (auto& r : after[i])
      out.push_back(std::move(r));
  }
  return out;
}

} // namespace aetherial::actors::conformance
