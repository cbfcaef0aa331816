#define BOOST_TEST_MODULE dialogue
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "tests/runtime/child_process.hpp"
#include "tests/runtime/runtime_fixture.hpp"
#include "topics/catalog.hpp"

// The seed's user and admin dialogues, end to end through `aetherial ask`: the embedded
// broker as its own process, a node running every agent, and the platform's knowledge
// base, activity and load produced beforehand. One partition, so every agent sees the
// whole platform.

using namespace aetherial;
namespace fbs = schemas::fbs;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// What `aetherial ask` printed and returned: its exit code, and the agents' replies (the
/// "[agent] text  [status]" lines), without the echoed question or the conversation line.
struct answer {
  int code = -1;
  std::string replies;
  std::string output; ///< everything printed, for messages
};

answer answer_of(const std::pair<int, std::string>& r) {
  answer a;
  a.code = r.first;
  a.output = r.second;
  std::size_t start = 0;
  while (start < r.second.size()) {
    auto end = r.second.find('\n', start);
    if (end == std::string::npos) end = r.second.size();
    const std::string line = r.second.substr(start, end - start);
    if (!line.empty() && line[0] == '[') a.replies += line + "\n";
    start = end + 1;
  }
  return a;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct platform {
  std::string brokers;
  topics::kafka_config kc;
  topics::catalog cat{"", 1};
  std::unique_ptr<topics::producer> producer;
  std::uint64_t next = 1;

  void send(std::string_view topic, const std::string& key, flatbuffers::FlatBufferBuilder& b,
            fbs::Payload type, flatbuffers::Offset<void> payload, std::int64_t t) {
    schemas::envelope_header h;
    h.id = {0xd1a1, next++};
    h.key = key;
    h.event_time_ms = t;
    h.principal = "svc:platform";
    auto bytes = schemas::finish_envelope(b, h, type, payload);
    BOOST_TEST_REQUIRE(
        static_cast<bool>(producer->send(cat.name(topic), -1, key, bytes.data(), bytes.size())));
  }
  void article(const std::string& id, const std::string& title, const std::string& body) {
    flatbuffers::FlatBufferBuilder b;
    auto a = fbs::CreateKnowledgeArticleDirect(b, id.c_str(), title.c_str(), body.c_str());
    send("platform.support", id, b, fbs::Payload::KnowledgeArticle, a.Union(),
         now_ms() - 86'400'000);
  }
  void activity(const std::string& user, const std::string& kind, const std::string& feature,
                std::int64_t t) {
    flatbuffers::FlatBufferBuilder b;
    auto a = fbs::CreateUserActivityDirect(b, user.c_str(), kind.c_str(), feature.c_str(),
                                           ("s-" + user).c_str());
    send("platform.activity", "main", b, fbs::Payload::UserActivity, a.Union(), t);
  }
  void load(const std::string& service, int replicas, double cpu, double p95, std::int64_t t) {
    flatbuffers::FlatBufferBuilder b;
    auto l = fbs::CreateServiceLoadDirect(b, service.c_str(), replicas, 800, cpu, p95, 0.01);
    send("platform.metrics", service, b, fbs::Payload::ServiceLoad, l.Union(), t);
  }
};

struct dialogue_fixture {
  test::temp_dir dir;
  std::unique_ptr<test::child_process> broker;
  std::unique_ptr<test::child_process> node;
  platform p;
  std::string log;

  dialogue_fixture() {
    log = dir.path() + "/run.log";
    broker = std::make_unique<test::child_process>(
        std::vector<std::string>{AETHERIAL_BIN, "broker", "--partitions", "1"}, log);
    BOOST_TEST_REQUIRE(broker->read_line(p.brokers));
    p.kc.brokers = p.brokers;
    ::setenv("AETHERIAL_ANALYTICS_SALT", "dialogue-test-salt-0123456789", 1);
    node = std::make_unique<test::child_process>(
        std::vector<std::string>{AETHERIAL_BIN, "run", "--brokers", p.brokers, "--partitions", "1",
                                 "--data-dir", dir.path() + "/data", "--metrics-port", "-1",
                                 "--checkpoint-interval-ms", "500", "--allow-unsigned"},
        log);
    auto prod = topics::producer::create(p.kc);
    BOOST_TEST_REQUIRE(prod.has_value());
    p.producer = std::move(prod.value());
    seed();
  }
  ~dialogue_fixture() {
    p.producer.reset();
    if (node) {
      node->signal(SIGTERM);
      node->wait();
    }
    if (broker) {
      broker->signal(SIGTERM);
      broker->wait();
    }
  }

  void seed() {
    p.article("kb-course-create", "Creating a course",
              "To create a course, open the Studio and choose New course. Give the course a "
              "title and a short description. Add modules and lessons, then press Publish when "
              "it is ready.");
    p.article("kb-ai-intro", "Introduction to AI",
              "AI systems learn patterns from data instead of following fixed rules. Machine "
              "learning is the branch of AI that fits models to examples.");
    p.article("kb-neural", "Neural networks",
              "Neural networks are the models behind modern AI. Layers of weights transform "
              "inputs into outputs. Training adjusts the weights with gradient descent.");
    p.article("kb-ethics", "Responsible AI",
              "Responsible AI starts with fair data. Models can repeat the bias of their "
              "training data. Audits and human review keep AI decisions accountable.");
    const std::int64_t now = now_ms();
    const std::int64_t day = 86'400'000;
    for (int u = 0; u < 40; ++u)
      p.activity("u" + std::to_string(u), "login", "", now - day);
    for (int u = 0; u < 46; ++u) {
      p.activity("u" + std::to_string(u), "login", "", now - 3'600'000);
      p.activity("u" + std::to_string(u), "feature_use", u % 3 ? "editor" : "quiz",
                 now - 3'000'000);
    }
    for (int i = 0; i < 6; ++i)
      p.load("web", 2, 0.93, 450, now - 600'000 + i * 15'000);
    (void)p.producer->flush(topics::ms{10000});
  }

  /// Runs `aetherial ask` and returns its exit code and the agents' replies.
  answer ask(const std::string& text, const std::string& role, const std::string& conversation = "",
             int timeout = 45) {
    std::vector<std::string> argv{AETHERIAL_BIN,
                                  "ask",
                                  "--brokers",
                                  p.brokers,
                                  text,
                                  "--role",
                                  role,
                                  "--principal",
                                  role + ":tester",
                                  "--timeout",
                                  std::to_string(timeout)};
    if (!conversation.empty()) {
      argv.push_back("--conversation");
      argv.push_back(conversation);
    }
    auto r = test::run_command(argv, log);
    BOOST_TEST_MESSAGE(r.second);
    return answer_of(r);
  }

  /// Runs `aetherial audit` over every agent and returns (exit code, output).
  std::pair<int, std::string> audit() {
    auto r = test::run_command(
        {AETHERIAL_BIN, "audit", "--brokers", p.brokers, "--agents", "all", "--allow-unsigned"},
        log);
    BOOST_TEST_MESSAGE(r.second);
    return r;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(dialogues, dialogue_fixture)

BOOST_AUTO_TEST_CASE(user_and_admin_dialogues) {
  // Every check looks at the agents' replies only: the question is echoed first ("> ...")
  // and would match words of its own.
  {
    const auto a = ask("How do I create a course?", "user");
    BOOST_TEST(a.code == 0, a.output);
    BOOST_TEST(contains(a.replies, "[support]"), a.output);
    BOOST_TEST(contains(a.replies, "kb-course-create"), a.output);
  }
  {
    const auto a = ask("My payment didn't go through", "user");
    BOOST_TEST(a.code == 0, a.output);
    BOOST_TEST(contains(a.replies, "[escalated"), a.output);
  }
  {
    const auto a = ask("Show me today's active users", "user");
    BOOST_TEST(a.code == 3, a.output); // refused: users may not query analytics
    BOOST_TEST(contains(a.replies, "[refused"), a.output);
  }
  {
    const auto a = ask("Show me today's active users", "admin");
    BOOST_TEST(a.code == 0, a.output);
    BOOST_TEST(contains(lower(a.replies), "active users today"), a.output);
  }
  {
    const auto a = ask("Why is the server slow?", "admin");
    BOOST_TEST(a.code == 0, a.output);
    BOOST_TEST(contains(a.replies, "web"), a.output);
  }
  {
    const std::string conversation = "course-dialogue-1";
    const auto first = ask("Create a course about AI", "user", conversation);
    BOOST_TEST(first.code == 0, first.output);
    BOOST_TEST(!first.replies.empty(), first.output);
    const auto second = ask("Yes, and add quizzes", "user", conversation);
    BOOST_TEST(second.code == 0, second.output);
    BOOST_TEST(contains(lower(second.replies), "quiz"), second.output);
  }
  {
    // Saying not to deploy, or asking about a deploy, deploys nothing.
    const auto no = ask("Do not deploy to production", "admin", "", 8);
    BOOST_TEST(no.code == 0, no.output);
    BOOST_TEST(contains(no.replies, "Nothing was done"), no.output);
    const auto status = ask("Did yesterday's deploy break anything?", "admin", "", 8);
    BOOST_TEST(status.code == 0, status.output);
    BOOST_TEST(contains(status.replies, "I have no deploy record"), status.output);
  }
  {
    // A deploy waits for its requester's confirmation; one that names no service is then
    // asked about, not deployed under another name.
    const std::string conversation = "deploy-dialogue-1";
    const auto asked = ask("Deploy the new feature to production", "admin", conversation, 8);
    BOOST_TEST(asked.code == 0, asked.output);
    BOOST_TEST(contains(asked.replies, "Please confirm"), asked.output);
    const auto a = ask("yes", "admin", conversation, 8);
    BOOST_TEST(a.code == 3, a.output);
    BOOST_TEST(contains(a.replies, "I need the service it belongs to"), a.output);
  }
  {
    // Deploying waits for CI: the first answers say what is happening, plainly.
    const std::string conversation = "deploy-dialogue-2";
    const auto asked = ask("Deploy web to production", "admin", conversation, 8);
    BOOST_TEST(asked.code == 0, asked.output);
    const auto a = ask("confirm", "admin", conversation, 8);
    BOOST_TEST(a.code == 4, a.output);
    BOOST_TEST(contains(lower(a.replies), "running tests for web"), a.output);
  }
  {
    // Code writing needs a code generator (an effect worker): the agent says it is waiting.
    const auto a = ask("Add a dark mode toggle", "admin", "", 8);
    BOOST_TEST(a.code == 4, a.output);
    BOOST_TEST(contains(a.replies, "[pending"), a.output);
  }
  {
    const auto a = ask("What is the meaning of life?", "user", "", 8);
    BOOST_TEST(a.code == 4, a.output);
    BOOST_TEST(contains(a.replies, "[pending"), a.output);
    BOOST_TEST(contains(lower(a.replies), "language model"), a.output);
  }
  // A replay of the log by every agent reproduces every recorded decision.
  const auto [code, out] = audit();
  BOOST_TEST(code == 0, out);
  BOOST_TEST(contains(out, " 0 divergences"), out);
}

BOOST_AUTO_TEST_SUITE_END()
