#define BOOST_TEST_MODULE schemas
#include <boost/test/unit_test.hpp>

#include "schemas/envelope.hpp"
#include "schemas/json.hpp"

using namespace aetherial::schemas;

namespace {
std::vector<std::uint8_t> sample_load() {
  flatbuffers::FlatBufferBuilder b;
  auto load = fbs::CreateServiceLoadDirect(b, "web", 2, 950.0, 0.91, 120.0, 0.01);
  envelope_header h;
  h.id = {1, 2};
  h.key = "web";
  h.event_time_ms = 1700000000000;
  h.principal = "svc:metrics";
  return finish_envelope(b, h, fbs::Payload::ServiceLoad, load.Union());
}
} // namespace

BOOST_AUTO_TEST_CASE(round_trip_and_verify) {
  auto bytes = sample_load();
  std::string why;
  const auto* env = verify_envelope(bytes.data(), bytes.size(), default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  BOOST_TEST(env->key()->str() == "web");
  BOOST_TEST(env->payload_as_ServiceLoad()->replicas() == 2);
  BOOST_TEST(event_id::from(env->id()).lo == 2u);
}

BOOST_AUTO_TEST_CASE(rejects_truncated_garbage_and_oversized) {
  auto bytes = sample_load();
  std::string why;
  for (std::size_t cut : {std::size_t{1}, std::size_t{7}, bytes.size() / 2, bytes.size() - 1}) {
    BOOST_TEST(verify_envelope(bytes.data(), cut, default_max_event_bytes, &why) == nullptr);
    BOOST_TEST(!why.empty());
  }
  std::vector<std::uint8_t> garbage(256);
  std::uint64_t x = 42;
  for (auto& g : garbage)
    g = static_cast<std::uint8_t>((x = mix64(x)) & 0xff);
  BOOST_TEST(verify_envelope(garbage.data(), garbage.size(), default_max_event_bytes, &why) ==
             nullptr);
  // Right identifier, corrupt body.
  garbage[4] = 'A', garbage[5] = 'E', garbage[6] = 'T', garbage[7] = 'H';
  BOOST_TEST(verify_envelope(garbage.data(), garbage.size(), default_max_event_bytes, &why) ==
             nullptr);
  BOOST_TEST(verify_envelope(bytes.data(), bytes.size(), 16, &why) == nullptr);
  BOOST_TEST(why.find("exceeds the limit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_round_trip) {
  json_defaults d;
  d.id = {7, 9};
  d.event_time_ms = 123;
  std::string why;
  auto bytes = envelope_from_json(
      R"({"key":"web","type":"ServiceLoad","payload":{"service":"web","replicas":2,"cpu_utilization":0.9}})",
      d, &why);
  BOOST_TEST_REQUIRE(bytes.has_value(), why);
  const auto* env = verify_envelope(bytes->data(), bytes->size(), default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr);
  BOOST_TEST(env->event_time_ms() == 123);
  BOOST_TEST(env->payload_as_ServiceLoad()->cpu_utilization() == 0.9);
  auto text = envelope_to_json(bytes->data(), bytes->size());
  BOOST_TEST(text.find("\"service\":\"web\"") != std::string::npos, text);
  BOOST_TEST(text.find("00000000000000070000000000000009") != std::string::npos, text);

  BOOST_TEST(!envelope_from_json("{not json", d, &why).has_value());
  BOOST_TEST(!envelope_from_json(R"({"type":"NoSuchEvent","payload":{}})", d, &why).has_value());
  BOOST_TEST(
      !envelope_from_json(R"({"type":"ServiceLoad","payload":{"bogus":1}})", d, &why).has_value());
  BOOST_TEST(!envelope_from_json(R"({"key":"x"})", d, &why).has_value());
}

BOOST_AUTO_TEST_CASE(json_of_typed_task_params_and_reply_status) {
  json_defaults d;
  std::string why;
  // A task with typed parameters: the union's type may come before or after its value.
  auto task = envelope_from_json(
      R"({"key":"web","type":"Task","payload":{"task_id":"t1","type":"development.deploy",)"
      R"("target_agent":"development","text":"Deploy web to production",)"
      R"("token":"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZGEifQ.sig-bytes",)"
      R"("params":{"service":"web","environment":"production","commit":"4f2a9c1"},)"
      R"("params_type":"DeployParams"}})",
      d, &why);
  BOOST_TEST_REQUIRE(task.has_value(), why);
  const auto* env = verify_envelope(task->data(), task->size(), default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr);
  const auto* p = env->payload_as_Task()->params_as_DeployParams();
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->service()->str() == "web");
  BOOST_TEST(p->commit()->str() == "4f2a9c1");
  auto text = envelope_to_json(task->data(), task->size());
  BOOST_TEST(text.find("\"params_type\":\"DeployParams\"") != std::string::npos, text);
  BOOST_TEST(text.find("sig-bytes") == std::string::npos, text);
  BOOST_TEST(
      text.find("\"token\":\"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZGEifQ.[signature withheld]\"") !=
          std::string::npos,
      text);
  BOOST_TEST(text.find("\"environment\":\"production\"") != std::string::npos, text);

  // A reply's status is the enum, spelled as the strings it replaced.
  auto reply = envelope_from_json(
      R"({"key":"c1","type":"Reply","payload":{"conversation_id":"c1","agent":"support",)"
      R"("text":"Hello","status":"needs_confirmation"}})",
      d, &why);
  BOOST_TEST_REQUIRE(reply.has_value(), why);
  env = verify_envelope(reply->data(), reply->size(), default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr);
  BOOST_TEST((env->payload_as_Reply()->status() == fbs::ReplyStatus::needs_confirmation));
  text = envelope_to_json(reply->data(), reply->size());
  BOOST_TEST(text.find("\"status\":\"needs_confirmation\"") != std::string::npos, text);
  BOOST_TEST(
      !envelope_from_json(R"({"type":"Reply","payload":{"status":"maybe"}})", d, &why).has_value());
}

BOOST_AUTO_TEST_CASE(derived_ids_are_stable_and_distinct) {
  event_id cause{11, 22};
  BOOST_TEST((derive_event_id(cause, "operations", 0) == derive_event_id(cause, "operations", 0)));
  BOOST_TEST((derive_event_id(cause, "operations", 0) != derive_event_id(cause, "operations", 1)));
  BOOST_TEST((derive_event_id(cause, "operations", 0) != derive_event_id(cause, "security", 0)));
  auto parsed = event_id::parse(cause.to_string());
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST((*parsed == cause));
}
