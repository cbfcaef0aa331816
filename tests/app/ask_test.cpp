// ask: which replies answer a question, what is printed, which exit code ends the wait.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "app/ask.hpp"

using namespace aetherial;
namespace fbs = schemas::fbs;

namespace {

const app::question_ids ids{"q-1", "c-1"};

/// A Reply envelope; an empty correlation writes none.
std::vector<std::uint8_t> reply(const std::string& correlation, const std::string& conversation,
                                const std::string& agent, fbs::ReplyStatus status,
                                const std::string& text = "hello",
                                std::vector<std::string> citations = {}, double confidence = 0) {
  flatbuffers::FlatBufferBuilder b;
  auto conv = b.CreateString(conversation);
  auto ag = b.CreateString(agent);
  auto tx = b.CreateString(text);
  auto cites = b.CreateVectorOfStrings(citations);
  fbs::ReplyBuilder rb(b);
  rb.add_conversation_id(conv);
  rb.add_agent(ag);
  rb.add_text(tx);
  rb.add_citations(cites);
  rb.add_confidence(confidence);
  rb.add_status(status);
  auto r = rb.Finish();
  schemas::envelope_header h;
  h.id = {1, 2};
  h.key = conversation;
  h.event_time_ms = 1000;
  h.principal = agent;
  h.correlation = correlation;
  return schemas::finish_envelope(b, h, fbs::Payload::Reply, r.Union());
}

app::reply_verdict classify(const std::vector<std::uint8_t>& bytes) {
  return app::classify_reply(bytes.data(), bytes.size(), ids);
}

} // namespace

BOOST_AUTO_TEST_CASE(exit_codes_of_final_statuses) {
  BOOST_TEST(app::exit_code_of(fbs::ReplyStatus::answered) == app::ask_exit::answered);
  BOOST_TEST(app::exit_code_of(fbs::ReplyStatus::no_data) == 0);
  BOOST_TEST(app::exit_code_of(fbs::ReplyStatus::escalated) == 0);
  BOOST_TEST(app::exit_code_of(fbs::ReplyStatus::needs_confirmation) == 0);
  BOOST_TEST(app::exit_code_of(fbs::ReplyStatus::refused) == app::ask_exit::refused);
  BOOST_TEST(app::exit_code_of(fbs::ReplyStatus::failed) == app::ask_exit::failed);
}

BOOST_AUTO_TEST_CASE(a_final_answer_to_the_command_ends_the_wait) {
  const auto v = classify(reply("q-1", "c-1", "orchestrator", fbs::ReplyStatus::answered,
                                "42 active users", {"kb-1", "kb-2"}, 0.75));
  BOOST_TEST(v.mine);
  BOOST_TEST(v.final);
  BOOST_TEST_REQUIRE(v.exit_code.has_value());
  BOOST_TEST(*v.exit_code == 0);
  BOOST_TEST(v.line ==
             "[orchestrator] 42 active users (sources: kb-1 kb-2)  [answered, confidence 0.75]");
}

BOOST_AUTO_TEST_CASE(refused_and_failed_give_their_exit_codes) {
  auto v = classify(reply("q-1", "c-1", "orchestrator", fbs::ReplyStatus::refused, "no"));
  BOOST_TEST_REQUIRE(v.exit_code.has_value());
  BOOST_TEST(*v.exit_code == app::ask_exit::refused);
  BOOST_TEST(v.line == "[orchestrator] no  [refused]");
  v = classify(reply("q-1", "c-1", "support", fbs::ReplyStatus::failed));
  BOOST_TEST_REQUIRE(v.exit_code.has_value());
  BOOST_TEST(*v.exit_code == app::ask_exit::failed);
}

BOOST_AUTO_TEST_CASE(pending_is_printed_but_does_not_end_the_wait) {
  const auto v = classify(reply("q-1", "c-1", "orchestrator", fbs::ReplyStatus::pending, "wait"));
  BOOST_TEST(v.mine);
  BOOST_TEST(!v.final);
  BOOST_TEST(!v.exit_code.has_value());
  BOOST_TEST(v.line == "[orchestrator] wait  [pending]");
}

BOOST_AUTO_TEST_CASE(replies_of_other_questions_are_ignored) {
  const auto v = classify(reply("q-2", "c-2", "orchestrator", fbs::ReplyStatus::answered));
  BOOST_TEST(!v.mine);
  BOOST_TEST(!v.exit_code.has_value());
  BOOST_TEST(v.line.empty());
}

BOOST_AUTO_TEST_CASE(an_agent_answering_a_routed_task_in_the_conversation) {
  // Same conversation, the task's own correlation: printed, but only the orchestrator's or
  // the command's own final reply ends the wait.
  auto v = classify(reply("t-9", "c-1", "analytics", fbs::ReplyStatus::answered, "12"));
  BOOST_TEST(v.mine);
  BOOST_TEST(v.final);
  BOOST_TEST(!v.exit_code.has_value());
  // Without a correlation id it does.
  v = classify(reply("", "c-1", "analytics", fbs::ReplyStatus::answered, "12"));
  BOOST_TEST_REQUIRE(v.exit_code.has_value());
  BOOST_TEST(*v.exit_code == 0);
  // The orchestrator's final reply in the conversation does, whatever its correlation.
  v = classify(reply("t-9", "c-1", "orchestrator", fbs::ReplyStatus::refused));
  BOOST_TEST_REQUIRE(v.exit_code.has_value());
  BOOST_TEST(*v.exit_code == app::ask_exit::refused);
}

BOOST_AUTO_TEST_CASE(garbage_and_other_payloads_are_ignored) {
  const std::vector<std::uint8_t> garbage{1, 2, 3, 4, 5, 6, 7, 8, 9};
  BOOST_TEST(!classify(garbage).mine);
  const auto cmd = app::command_envelope("hi", "user:x", "user", ids, {3, 4}, 5);
  BOOST_TEST(!classify(cmd).mine);
}

BOOST_AUTO_TEST_CASE(the_command_envelope) {
  const auto bytes =
      app::command_envelope("Show me today's active users", "user:x", "admin", ids, {3, 4}, 5000);
  std::string why;
  const auto* env = schemas::verify_envelope(bytes.data(), bytes.size(), ~std::size_t{0}, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  BOOST_TEST(env->key()->str() == "c-1");
  BOOST_TEST(env->correlation_id()->str() == "q-1");
  BOOST_TEST(env->principal()->str() == "user:x");
  BOOST_TEST(env->event_time_ms() == 5000);
  const auto* cmd = env->payload_as_Command();
  BOOST_TEST_REQUIRE(cmd != nullptr);
  BOOST_TEST(cmd->text()->str() == "Show me today's active users");
  BOOST_TEST(cmd->conversation_id()->str() == "c-1");
}

BOOST_AUTO_TEST_CASE(ask_without_brokers_is_an_error) {
  app::ask_options o;
  o.text = "hi";
  std::string error;
  o.print_error = [&](const std::string& e) { error = e; };
  BOOST_TEST(app::ask(o) == app::ask_exit::error);
  BOOST_TEST(error.find("--brokers") != std::string::npos);
}
