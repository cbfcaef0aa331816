// The Orchestrator's conformance inputs: every seed command, refusals, the course dialogue,
// outcomes (success, failure, escalation), language-model effects and timeouts, negations and
// questions, and risky commands confirmed, refused, cancelled, expired and left waiting.
#include "tests/actors/conformance/inputs.hpp"
#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

namespace aetherial::actors::conformance {

namespace {

std::string task_id_of(const std::string& command_id) {
  return "task-" + command_id;
}

} // namespace

std::vector<bytes> orchestrator_events() {
  using namespace orchestrator::test;
  events ev;
  std::vector<bytes> log;
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"admin", "Show me today's active users"},
      {"developer", "Why is the server slow?"},
      {"developer", "Deploy the new feature to production"},
      {"user", "How do I create a course?"},
      {"user", "My payment didn't go through"},
      {"developer", "Add a dark mode toggle"},
      {"developer", "Fix the login bug"},
      {"developer", "Write unit tests for auth module"},
      {"user", "Deploy the new feature to production"},
      {"user", "What is the meaning of life?"},
      {"guest", "Show me today's active users"},
  };
  std::int64_t t = at_s(0);
  int n = 0;
  for (const auto& [role, text] : commands) {
    const std::string conv = "m" + std::to_string(n % 4);
    std::string id = ev.next_id();
    log.push_back(
        ev.command(t, conv, role, text, "user:p" + std::to_string(n), "k" + std::to_string(n)));
    t += 1000;
    if (n == 2) {
      // The deploy waits for a confirmation: another principal's is refused, its requester's
      // issues the task.
      log.push_back(ev.command(t, conv, role, "yes", "user:intruder", "k2-other"));
      t += 1000;
      id = ev.next_id();
      log.push_back(ev.command(t, conv, role, "yes", "user:p2", "k2-yes"));
      t += 1000;
    }
    // Every other routed task gets an outcome; the rest time out.
    if (n % 2 == 0 && n < 8) {
      log.push_back(ev.outcome(t, task_id_of(id), "", "", n % 4 == 0, "result " + std::to_string(n),
                               conv, {{"n", std::to_string(n)}}));
      t += 1000;
    }
    if (n == 9) log.push_back(ev.effect_result(t, "llm-" + id, true, "an answer", "", conv));
    ++n;
  }
  log.push_back(ev.command(t += 1000, "course", "user", "Create a course about AI"));
  log.push_back(ev.command(t += 1000, "course", "user", "Cover history and ethics"));
  const std::string confirm = ev.next_id();
  log.push_back(ev.command(t += 1000, "course", "user", "Yes, and add quizzes"));
  log.push_back(ev.outcome(t += 1000, task_id_of(confirm), "content.create_course", "content", true,
                           "outline ready", "course"));
  for (int i = 0; i < 6; ++i) {
    const std::string id = ev.next_id();
    log.push_back(
        ev.command(t += 60'000, "slow" + std::to_string(i), "admin", "Why is the server slow?"));
    log.push_back(
        ev.outcome(t += 1000, task_id_of(id), "", "", i % 3 == 0, "", "slow" + std::to_string(i)));
  }
  // Negations and questions run nothing; risky commands cancelled, expired, and left waiting.
  log.push_back(ev.command(t += 1000, "risky", "admin", "Do not deploy to production", "user:r"));
  log.push_back(
      ev.command(t += 1000, "risky", "admin", "Did yesterday's deploy break anything?", "user:r"));
  log.push_back(ev.command(t += 1000, "risky", "admin", "ban ip 1.2.3.4", "user:r"));
  log.push_back(ev.command(t += 1000, "risky", "admin", "cancel", "user:r"));
  log.push_back(
      ev.command(t += 1000, "risky", "admin", "roll back the last deploy of checkout", "user:r"));
  log.push_back(ev.command(t += 600'000, "risky", "admin", "yes", "user:r"));
  log.push_back(ev.command(t += 1000, "waiting", "admin", "delete tenant acme's data", "user:r"));
  log.push_back(ev.command(t += 3'600'000, "late", "user", "Tell me a joke"));
  log.push_back(ev.command(t += 600'000, "late", "user", "How do I pay?"));
  return log;
}

} // namespace aetherial::actors::conformance
