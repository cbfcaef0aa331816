// Input limits beyond FlatBuffers verification: schema version, event time window, UTF-8
// and string lengths (declared in the schema or the default), nested anywhere; and JSON
// conversion's refusal of deep nesting and malformed text.
#include <boost/test/unit_test.hpp>

#include "schemas/envelope.hpp"
#include "schemas/json.hpp"
#include "schemas/validate.hpp"

using namespace aetherial::schemas;

namespace {

envelope_header header(std::string key = "web") {
  envelope_header h;
  h.id = {1, 2};
  h.key = std::move(key);
  h.event_time_ms = 1700000000000;
  h.principal = "svc:metrics";
  return h;
}

std::vector<std::uint8_t> load(const std::string& service, const envelope_header& h = header()) {
  flatbuffers::FlatBufferBuilder b;
  auto p = fbs::CreateServiceLoadDirect(b, service.c_str(), 2, 950.0, 0.91, 120.0, 0.01);
  return finish_envelope(b, h, fbs::Payload::ServiceLoad, p.Union());
}

/// Verifies and checks; returns the reason ("" when accepted).
std::string refusal(const std::vector<std::uint8_t>& bytes, const input_limits& limits = {}) {
  std::string why;
  const auto* env = verify_envelope(bytes.data(), bytes.size(), limits.max_event_bytes, &why);
  if (env == nullptr) return "unverified: " + why;
  if (check_envelope(*env, limits, &why)) return {};
  return why.empty() ? "refused without a reason" : why;
}

} // namespace

BOOST_AUTO_TEST_SUITE(input_limits_suite)

BOOST_AUTO_TEST_CASE(a_valid_envelope_passes) {
  BOOST_TEST(refusal(load("web")) == "");
  BOOST_TEST(refusal(load("caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80")) == ""); // é € 😀
}

BOOST_AUTO_TEST_CASE(utf8_validation_refuses_every_malformed_form) {
  BOOST_TEST(valid_utf8(""));
  BOOST_TEST(valid_utf8("plain ascii"));
  BOOST_TEST(valid_utf8("\xf4\x8f\xbf\xbf")); // U+10FFFF
  for (const char* bad : {"\xff", "\x80", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "a\xe2\x82"}) {
    BOOST_TEST(!valid_utf8(bad), "accepted " << bad);
  }
}

BOOST_AUTO_TEST_CASE(strings_must_be_utf8_in_the_header_and_the_payload) {
  const auto in_payload = refusal(load("w\xffweb"));
  BOOST_TEST(in_payload.find("ServiceLoad.service: not valid UTF-8") != std::string::npos,
             in_payload);
  const auto in_key = refusal(load("web", header("k\xc0\xafy")));
  BOOST_TEST(in_key.find("Envelope.key: not valid UTF-8") != std::string::npos, in_key);
}

BOOST_AUTO_TEST_CASE(declared_max_len_and_the_default_bound_strings) {
  BOOST_TEST(refusal(load(std::string(256, 's'))) == "");
  const auto name = refusal(load(std::string(257, 's')));
  BOOST_TEST(name == "ServiceLoad.service: 257 bytes exceed the limit of 256", name);
  const auto key = refusal(load("web", header(std::string(900 * 1024, 'k'))));
  BOOST_TEST(key.find("Envelope.key: 921600 bytes exceed the limit of 256") != std::string::npos,
             key);

  // A free-text field (no max_len) is bounded by the configured default.
  flatbuffers::FlatBufferBuilder b;
  const std::string text(100, 't');
  auto cmd = fbs::CreateCommandDirect(b, "user", text.c_str());
  const auto bytes = finish_envelope(b, header(), fbs::Payload::Command, cmd.Union());
  input_limits tight;
  tight.max_string_bytes = 99;
  BOOST_TEST(refusal(bytes) == "");
  const auto why = refusal(bytes, tight);
  BOOST_TEST(why == "Command.text: 100 bytes exceed the limit of 99", why);
}

BOOST_AUTO_TEST_CASE(strings_nested_in_vectors_of_tables_are_checked) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fbs::KeyValue>> kvs{fbs::CreateKeyValueDirect(b, "ok", "fine"),
                                                      fbs::CreateKeyValueDirect(b, "bad", "x\xfe")};
  auto item = fbs::CreateContentItemDirect(b, "c1", "image", "u1", "t", "text", &kvs);
  const auto why = refusal(finish_envelope(b, header(), fbs::Payload::ContentItem, item.Union()));
  BOOST_TEST(why == "KeyValue.value: not valid UTF-8", why);
}

BOOST_AUTO_TEST_CASE(unknown_types_of_nested_unions_are_refused) {
  // A Task whose params union names a type this schema does not have: FlatBuffers' verifier
  // lets it through, the envelope could not be rendered as JSON.
  flatbuffers::FlatBufferBuilder b;
  auto params = fbs::CreateAnalyticsParamsDirect(b, "today");
  auto task_id = b.CreateString("t1");
  fbs::TaskBuilder tb(b);
  tb.add_task_id(task_id);
  tb.add_params_type(static_cast<fbs::TaskParams>(200));
  tb.add_params(params.Union());
  const auto bytes = finish_envelope(b, header(), fbs::Payload::Task, tb.Finish().Union());
  const auto why = refusal(bytes);
  BOOST_TEST(why == "Task.params: union type 200 is unknown to this schema version", why);
  BOOST_TEST(envelope_to_json(bytes.data(), bytes.size()) ==
             R"({"error":"cannot render envelope"})");

  // A params value whose type is NONE, which the verifier lets through too.
  flatbuffers::FlatBufferBuilder b2;
  auto params2 = fbs::CreateAnalyticsParamsDirect(b2, "today");
  fbs::TaskBuilder tb2(b2);
  tb2.add_params(params2.Union());
  const auto none = finish_envelope(b2, header(), fbs::Payload::Task, tb2.Finish().Union());
  BOOST_TEST(refusal(none) == "Task.params: union type 0 is unknown to this schema version");
}

BOOST_AUTO_TEST_CASE(deprecated_fields_are_not_read) {
  // Reply.status_text (field 3, vtable slot 10) is deprecated: FlatBuffers' verifier does not
  // look at it, so its offset may point anywhere; checking it read outside the buffer.
  flatbuffers::FlatBufferBuilder b;
  auto conversation = b.CreateString("c1");
  fbs::ReplyBuilder rb(b);
  rb.add_conversation_id(conversation);
  b.AddElement<flatbuffers::uoffset_t>(10, 0x40000000u, 0);
  const auto bytes = finish_envelope(b, header(), fbs::Payload::Reply, rb.Finish().Union());
  BOOST_TEST(refusal(bytes) == "");
  // Nor does the JSON rendering (FlatBuffers' text generator would print it).
  BOOST_TEST(
      envelope_to_json(bytes.data(), bytes.size()) ==
      R"({"causation_id":"00000000000000000000000000000000","event_time_ms":1700000000000,)"
      R"("id":"00000000000000010000000000000002","key":"web",)"
      R"("payload":{"conversation_id":"c1"},"payload_type":"Reply","principal":"svc:metrics"})");
}

BOOST_AUTO_TEST_CASE(unknown_schema_major_versions_are_refused) {
  const auto bytes = load("web");
  BOOST_TEST(fbs::GetEnvelope(bytes.data())->schema_version() == schema_major);
  flatbuffers::FlatBufferBuilder b;
  auto p = fbs::CreateServiceLoadDirect(b, "web", 2, 950.0, 0.91, 120.0, 0.01);
  const auto id = fbs::EventId{1, 2};
  auto e = fbs::CreateEnvelopeDirect(b, &id, 99, "web", 1700000000000, "svc", nullptr, nullptr,
                                     fbs::Payload::ServiceLoad, p.Union());
  fbs::FinishEnvelopeBuffer(b, e);
  std::vector<std::uint8_t> v99(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  const auto why = refusal(v99);
  BOOST_TEST(why == "schema version 99 is not supported (this reader knows major version 1)", why);
}

BOOST_AUTO_TEST_CASE(event_times_outside_the_window_are_refused) {
  auto h = header();
  h.event_time_ms = 253402300800000; // year 10000
  const auto why = refusal(load("web", h));
  BOOST_TEST(why.find("event time 253402300800000 ms is outside the accepted window") == 0u, why);
  h.event_time_ms = -1;
  BOOST_TEST(!refusal(load("web", h)).empty());
  input_limits wide;
  wide.max_event_time_ms = 300000000000000;
  h.event_time_ms = 253402300800000;
  BOOST_TEST(refusal(load("web", h), wide) == "");
}

BOOST_AUTO_TEST_CASE(json_nesting_is_bounded_without_recursion) {
  json_defaults d;
  std::string why;
  // A few hundred thousand levels: refused before any recursive step sees it.
  std::string deep = R"({"payload_type":"Command","payload":{"text":"hi","x":)";
  deep += std::string(300000, '[') + std::string(300000, ']') + "}}";
  BOOST_TEST(!envelope_from_json(deep, d, &why));
  BOOST_TEST(why == "JSON nests deeper than 64 levels", why);
  // Brackets inside strings do not count.
  const std::string quoted =
      R"({"payload_type":"Command","payload":{"text":")" + std::string(1000, '[') + R"("}})";
  BOOST_TEST(envelope_from_json(quoted, d, &why).has_value(), why);
}

BOOST_AUTO_TEST_CASE(json_errors_say_what_is_wrong) {
  json_defaults d;
  std::string why;
  BOOST_TEST(!envelope_from_json("{\"payload_type\":\"Command\",\"payload\":{\"text\":\"\xff\"}}",
                                 d, &why));
  BOOST_TEST(why.find("malformed JSON") == 0u, why);
  BOOST_TEST(why.find("UTF-8") != std::string::npos, why);
  BOOST_TEST(why.find('\xff') == std::string::npos); // the input is not echoed
  BOOST_TEST(!envelope_from_json("[1,2]", d, &why));
  BOOST_TEST(why == "not a JSON object but array", why);
  BOOST_TEST(!envelope_from_json("{\"a\":", d, &why));
  BOOST_TEST(why.find("malformed JSON") == 0u, why);
}

BOOST_AUTO_TEST_SUITE_END()
