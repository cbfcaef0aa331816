#define BOOST_TEST_MODULE crossagent
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "tests/actors/crossagent/bus.hpp"

// The seed dialogues through all seven agents at once: a command goes to the Orchestrator,
// its task to the agent that does it, that agent's reply and outcome back, and the
// Orchestrator's final answer. What one agent sends, the other must understand: each check
// is on the exact text a person reads.

using namespace aetherial::actors;
using namespace aetherial::actors::crossagent;

namespace {

constexpr std::int64_t t0 = 1'796'040'000'000; // 2026-11-30 12:00:00 UTC
constexpr std::int64_t minute = 60'000;
constexpr std::int64_t day = 86'400'000;

using aetherial::actors::test::str;

/// A reply as a person sees it.
struct seen_reply {
  std::string agent;
  std::string status;
  std::string text;
};

struct platform {
  bus b{{{"analytics.salt", "crossagent-test-salt-0-0123456789"}}};
  int commands = 0;

  void article(const std::string& id, const std::string& title, const std::string& body) {
    flatbuffers::FlatBufferBuilder fb;
    auto a = fbs::CreateKnowledgeArticleDirect(fb, id.c_str(), title.c_str(), body.c_str());
    b.publish("platform.support", id, fb, fbs::Payload::KnowledgeArticle, a.Union(), t0 - day);
  }
  void activity(const std::string& user, const std::string& kind, const std::string& feature,
                std::int64_t t) {
    flatbuffers::FlatBufferBuilder fb;
    auto a = fbs::CreateUserActivityDirect(fb, user.c_str(), kind.c_str(), feature.c_str(),
                                           ("s-" + user).c_str());
    b.publish("platform.activity", "main", fb, fbs::Payload::UserActivity, a.Union(), t);
  }
  void load(const std::string& service, int replicas, double cpu, double p95, std::int64_t t) {
    flatbuffers::FlatBufferBuilder fb;
    auto l = fbs::CreateServiceLoadDirect(fb, service.c_str(), replicas, 800, cpu, p95, 0.01);
    b.publish("platform.metrics", service, fb, fbs::Payload::ServiceLoad, l.Union(), t);
  }

  /// The knowledge base of the seed.
  void seed_articles() {
    article("kb-course-create", "Creating a course",
            "To create a course, open the Studio and choose New course. Give the course a "
            "title and a short description. Add modules and lessons, then press Publish when "
            "it is ready.");
    article("kb-ai-intro", "Introduction to AI",
            "AI systems learn patterns from data instead of following fixed rules. Machine "
            "learning is the branch of AI that fits models to examples.");
    article("kb-neural", "Neural networks",
            "Neural networks are the models behind modern AI. Layers of weights transform "
            "inputs into outputs. Training adjusts the weights with gradient descent.");
    article("kb-ethics", "Responsible AI",
            "Responsible AI starts with fair data. Models can repeat the bias of their "
            "training data. Audits and human review keep AI decisions accountable.");
  }
  /// 40 users yesterday; 46 today, a third of them taking a quiz. The counts are HyperLogLog
  /// estimates; with this salt no two of these users share a register, so they are exact.
  void seed_activity() {
    for (int u = 0; u < 40; ++u)
      activity("u" + std::to_string(u), "login", "", t0 - day);
    for (int u = 0; u < 46; ++u) {
      activity("u" + std::to_string(u), "login", "", t0 - 60 * minute);
      activity("u" + std::to_string(u), "feature_use", u % 3 ? "editor" : "quiz", t0 - 50 * minute);
    }
  }
  /// `web` under load for the last two minutes.
  void seed_load() {
    for (int i = 0; i < 6; ++i)
      load("web", 2, 0.93, 450, t0 - 2 * minute + i * 15'000);
  }

  /// Sends a command and returns the replies it caused, in order.
  std::vector<seen_reply> ask(const std::string& text, const std::string& role,
                              const std::string& conversation) {
    const std::size_t from = b.log().size();
    ++commands;
    flatbuffers::FlatBufferBuilder fb;
    auto c = fbs::CreateCommandDirect(fb, role.c_str(), text.c_str(), conversation.c_str());
    b.publish("aetherial.commands", conversation, fb, fbs::Payload::Command, c.Union(),
              t0 + commands * 1000, role + ":tester", "q-" + std::to_string(commands));
    std::vector<seen_reply> out;
    for (std::size_t i = from; i < b.log().size(); ++i) {
      const auto& r = b.log()[i];
      if (r.topic != "aetherial.replies") continue;
      const auto* reply = r.envelope().payload_as_Reply();
      BOOST_REQUIRE(reply != nullptr);
      out.push_back({str(reply->agent()), test::status_text(reply->status()), str(reply->text())});
      BOOST_TEST_MESSAGE("[" << out.back().agent << "] " << out.back().text << "  ["
                             << out.back().status << "]");
    }
    return out;
  }

  /// The effect requests emitted so far, by kind.
  std::vector<std::string> effects() const {
    std::vector<std::string> kinds;
    for (const auto& r : b.log())
      if (r.topic == "aetherial.effects")
        kinds.push_back(str(r.envelope().payload_as_EffectRequest()->kind()));
    return kinds;
  }
};

/// The replies of `agent`, in order.
std::vector<seen_reply> from(const std::vector<seen_reply>& rs, const std::string& agent) {
  std::vector<seen_reply> out;
  for (const auto& r : rs)
    if (r.agent == agent) out.push_back(r);
  return out;
}

/// The one reply of `agent` among `rs` (the test stops if there is not exactly one).
seen_reply only(const std::vector<seen_reply>& rs, const std::string& agent) {
  const auto r = from(rs, agent);
  BOOST_TEST_REQUIRE(r.size() == 1u, agent << " replied " << r.size() << " times");
  return r.front();
}

/// The one reply among `rs` (the test stops if there is not exactly one).
seen_reply sole(const std::vector<seen_reply>& rs) {
  BOOST_TEST_REQUIRE(rs.size() == 1u);
  return rs.front();
}

/// Checks what a person reads of a reply: its status and its text.
void expect(const seen_reply& r, const std::string& status, const std::string& text) {
  BOOST_TEST(r.status == status, r.agent);
  BOOST_TEST(r.text == text, r.agent);
}

/// The Orchestrator's last reply: the final answer once the agents are done.
seen_reply final_answer(const std::vector<seen_reply>& rs) {
  const auto o = from(rs, "orchestrator");
  BOOST_REQUIRE(!o.empty());
  return o.back();
}

} // namespace

BOOST_AUTO_TEST_SUITE(crossagent)

BOOST_AUTO_TEST_CASE(how_to_is_answered_from_the_knowledge_base) {
  platform p;
  p.seed_articles();
  const auto rs = p.ask("How do I create a course?", "user", "c-howto");
  expect(only(rs, "support"), "answered",
         "From \"Creating a course\": To create a course, open the Studio and choose New "
         "course. Give the course a title and a short description.");
  expect(final_answer(rs), "answered", "Support agent: answered from article kb-course-create");
}

BOOST_AUTO_TEST_CASE(a_payment_complaint_goes_to_a_person) {
  platform p;
  p.seed_articles();
  const auto rs = p.ask("My payment didn't go through", "user", "c-pay");
  expect(only(rs, "support"), "escalated",
         "This is a payment matter (\"payment\"): a person from the support team will take "
         "this conversation over. No knowledge-base article matches this question.");
  expect(final_answer(rs), "escalated", "Support agent: escalated to a person (money)");
}

BOOST_AUTO_TEST_CASE(the_course_dialogue_ends_with_a_final_course) {
  platform p;
  p.seed_articles();
  const auto first = p.ask("Create a course about AI", "user", "c-course");
  expect(sole(first), "answered",
         "I can have the Content agent outline a course about AI from the knowledge base. "
         "Which topics should it cover? Name them (for example \"cover X, Y and Z\"), or say "
         "yes to let it choose; add \"with quizzes\" for a quiz per module.");
  const auto second = p.ask("Yes, and add quizzes", "user", "c-course");
  const auto content = only(second, "content");
  // The "yes" was the confirmation: the Content agent does not ask for another.
  expect(
      content, "answered",
      "Course \"AI\" is ready with 3 modules from the knowledge base: 1. Introduction to AI (2 "
      "lessons, quiz); 2. Responsible AI (3 lessons, quiz); 3. Neural networks (3 lessons, quiz).");
  expect(final_answer(second), "answered", "Content agent: final outline of 3 modules for \"AI\"");
}

BOOST_AUTO_TEST_CASE(a_plain_yes_finalizes_the_course_too) {
  platform p;
  p.seed_articles();
  (void)p.ask("Create a course about AI", "user", "c-yes");
  const auto rs = p.ask("Yes", "user", "c-yes");
  expect(only(rs, "content"), "answered",
         "Course \"AI\" is ready with 3 modules from the knowledge base: 1. Introduction to AI "
         "(2 lessons); 2. Responsible AI (3 lessons); 3. Neural networks (3 lessons).");
}

BOOST_AUTO_TEST_CASE(active_users_are_counted_for_the_period_asked) {
  platform p;
  p.seed_activity();
  const auto refused = p.ask("Show me today's active users", "user", "c-au-user");
  expect(
      sole(refused), "refused",
      "Refused: role 'user' may not issue analytics.active_users. Roles that may: admin, analyst.");

  const auto rs = p.ask("Show me today's active users", "admin", "c-au");
  const auto analytics = only(rs, "analytics");
  expect(
      analytics, "answered",
      "46 active users today, up 15% from yesterday; peak 46 concurrent at 11:00. 46 in the last 7 "
      "days, 46 in the last 30 days (HyperLogLog estimates, about 1.6% standard error).");
  BOOST_TEST(final_answer(rs).text == "Analytics agent: " + analytics.text);

  const auto yesterday =
      only(p.ask("How many users were active yesterday?", "admin", "c-au-y"), "analytics");
  BOOST_TEST(yesterday.text ==
             "40 active users yesterday (2026-11-29), no activity recorded the day before; peak 40 "
             "concurrent at 12:00 (HyperLogLog estimates, about 1.6% standard error).");
  const auto week = only(p.ask("Show me this week's active users", "admin", "c-au-w"), "analytics");
  BOOST_TEST(week.text ==
             "46 active users in the last 7 days (2026-11-24 to 2026-11-30), no activity recorded "
             "the 7 days before (HyperLogLog estimates, about 1.6% standard error).");
}

BOOST_AUTO_TEST_CASE(a_deploy_names_its_service_or_is_asked_for_it) {
  platform p;
  // A deploy is risky: nothing reaches Development until the requester confirms.
  const auto asked = p.ask("Deploy the new feature to production", "admin", "c-deploy");
  expect(sole(asked), "needs_confirmation",
         "Please confirm: this will deploy new feature to production. On your confirmation it "
         "goes to the Development agent (development.deploy) as a task. Nothing has been done "
         "yet. Say \"yes\" or \"confirm\" within 5 min to go ahead, or \"no\" or \"cancel\" to "
         "drop it.");
  BOOST_TEST(from(asked, "development").empty());
  const auto seed = p.ask("yes", "admin", "c-deploy");
  expect(only(seed, "development"), "refused",
         "To deploy new feature to production I need the service it belongs to: "
         "which one? Name it, and the commit if it is not the next build (for "
         "example \"Deploy web commit 4f2a9c1 to production\").");
  expect(final_answer(seed), "refused",
         "The Development agent could not complete development.deploy: To deploy new feature to "
         "production I need the service it belongs to: which one? Name it, and the commit if it is "
         "not the next build (for example \"Deploy web commit 4f2a9c1 to production\").");
  BOOST_TEST(p.effects().empty()); // no service named "platform" was tested or deployed

  (void)p.ask("Deploy web commit 4f2a9c1 to production", "admin", "c-deploy-2");
  BOOST_TEST(p.effects().empty());
  const auto named = p.ask("confirm", "admin", "c-deploy-2");
  // The tests run in CI, an effect with no worker here: the agent says it is waiting.
  expect(only(named, "development"), "pending",
         "Running tests for web at commit 4f2a9c1 before deploying to production...");
  BOOST_TEST(final_answer(named).status == "pending");
  BOOST_TEST(p.effects() == std::vector<std::string>{"ci_pipeline"});
}

BOOST_AUTO_TEST_CASE(negations_and_questions_about_a_deploy_start_nothing) {
  platform p;
  const auto no = p.ask("Do not deploy to production", "admin", "c-no-deploy");
  expect(sole(no), "answered",
         "Understood as an instruction not to deploy the latest build to production. Nothing was "
         "done and nothing was sent to any agent.");
  for (const std::string text :
       {"What is the status of the deployment?", "Show me the deployment status",
        "Did yesterday's deploy break anything?"}) {
    const auto rs = p.ask(text, "admin", "c-deploy-status");
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(sole(rs).status == "no_data");
      BOOST_TEST(sole(rs).text.rfind("I have no deploy record", 0) == 0u);
    }
  }
  BOOST_TEST(p.effects().empty());
}

BOOST_AUTO_TEST_CASE(why_is_the_server_slow_is_answered_by_operations) {
  platform p;
  // Before any metrics: an honest "no data yet", which is no failure of Operations...
  const auto early = p.ask("Why is the server slow?", "admin", "c-slow-0");
  expect(only(early, "operations"), "no_data",
         "The Operations agent has no load data for any service yet: no "
         "metrics have arrived, so it cannot say what is slow.");
  BOOST_TEST(final_answer(early).status == "no_data");

  // ... so the next question still goes to Operations, which now has the load.
  p.seed_load();
  const auto rs = p.ask("Why is the server slow?", "admin", "c-slow");
  BOOST_TEST(from(rs, "development").empty());
  const auto ops = only(rs, "operations");
  expect(ops, "answered",
         "web is slow: p95 latency 450 ms, CPU 93% of its 60% target on 2 replicas, 1.0% "
         "errors, 800 rps; scaling to 4 replicas was decided at 11:58:00 UTC. Of the 1 service "
         "watched, 1 needs attention.");
  expect(final_answer(rs), "answered", "Operations agent: " + ops.text);
}

BOOST_AUTO_TEST_CASE(work_outside_waits_for_its_effect_worker) {
  platform p;
  const auto code = p.ask("Add a dark mode toggle", "admin", "c-code");
  expect(only(code, "development"), "pending",
         "Working on it: generating code for the request (feature_request). No code exists "
         "yet; it follows here once a code generator records its result.");
  const auto llm = p.ask("What is the meaning of life?", "user", "c-llm");
  expect(sole(llm), "pending",
         "No rule of mine understands this, so I have asked a language model "
         "(effect llm-000000000000c8050000000000000002). There is no answer "
         "yet; it will follow here once an effect worker records one.");
  BOOST_TEST(p.effects() == (std::vector<std::string>{"code_generation", "llm"}));
}

BOOST_AUTO_TEST_CASE(personal_data_in_a_message_is_masked_in_replies_and_effects) {
  platform p;
  p.seed_articles();
  const std::string email = "jane.doe@example.com";
  const std::string card = "4111 1111 1111 1111";
  const std::string phone = "+44 20 7946 0958";
  // Straight to support, as the platform forwards a user's message.
  {
    const std::string text = "My card " + card + " was charged twice for the course, write to " +
                             email + " or call " + phone;
    flatbuffers::FlatBufferBuilder fb;
    auto m = fbs::CreateSupportMessageDirect(fb, "c-pii-1", "u-7", text.c_str());
    p.b.publish("platform.support", "c-pii-1", fb, fbs::Payload::SupportMessage, m.Union(), t0);
  }
  // Through the orchestrator: a payment complaint, and in the same conversation a question no
  // rule understands (it goes to a language model as an effect, the earlier turn as context).
  const auto pay =
      p.ask("My payment with card " + card + " failed, mail me at " + email, "user", "c-pii-2");
  BOOST_TEST(only(pay, "support").status == "escalated");
  const auto llm =
      p.ask("What is the meaning of life? Ask " + email + " or " + phone + ", ref " + card, "user",
            "c-pii-2");
  BOOST_TEST(sole(llm).status == "pending");
  BOOST_TEST(p.effects() == (std::vector<std::string>{"llm"}));

  std::size_t replies = 0, effects = 0;
  for (const auto& r : p.b.log()) {
    if (r.from.empty() || (r.topic != "aetherial.replies" && r.topic != "aetherial.effects"))
      continue;
    const std::string bytes(r.value.begin(), r.value.end());
    for (const std::string& secret : {email, card, phone, std::string("4111111111111111")})
      BOOST_TEST(bytes.find(secret) == std::string::npos, r.from << " on " << r.topic);
    if (r.topic == "aetherial.replies") ++replies;
    if (r.topic != "aetherial.effects") continue;
    ++effects;
    const std::string input = str(r.envelope().payload_as_EffectRequest()->input());
    BOOST_TEST(input == "What is the meaning of life? Ask [email] or [phone], ref [card]");
    std::string context;
    for (const auto* kv : *r.envelope().payload_as_EffectRequest()->params())
      if (str(kv->key()).rfind("context.", 0) == 0) context += str(kv->value());
    BOOST_TEST(context.find("[card]") != std::string::npos, context);
    BOOST_TEST(context.find("[email]") != std::string::npos, context);
  }
  BOOST_TEST(replies >= 4u); // support twice, the orchestrator's answers
  BOOST_TEST(effects == 1u);
  // The hand-offs to a person quote the message, masked.
  std::size_t handoffs = 0;
  for (const auto& r : p.b.log()) {
    const auto* h = r.from.empty() ? nullptr : r.envelope().payload_as_HumanHandoff();
    if (h == nullptr) continue;
    ++handoffs;
    const std::string detail = str(h->detail());
    BOOST_TEST(detail.find("[card]") != std::string::npos, detail);
    for (const std::string& secret : {email, card, phone})
      BOOST_TEST(detail.find(secret) == std::string::npos, detail);
  }
  BOOST_TEST(handoffs == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
