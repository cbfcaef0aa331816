// produce: one JSON line -> envelope bytes and key, or an error naming the line.
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>

#include "app/produce.hpp"

using namespace aetherial;

namespace {

schemas::json_defaults defaults() {
  schemas::json_defaults d;
  d.id = {7, 9};
  d.event_time_ms = 123;
  d.principal = "cli";
  return d;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_good_line_becomes_an_envelope_with_its_key) {
  const auto r = app::convert_line(
      R"({"key":"web","type":"ServiceLoad","payload":{"service":"web","replicas":2,"cpu_utilization":0.9}})",
      3, defaults());
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(r.key == "web");
  std::string why;
  const auto* env = schemas::verify_envelope(r.bytes.data(), r.bytes.size(), ~std::size_t{0}, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  BOOST_TEST(env->event_time_ms() == 123);
  BOOST_TEST(env->principal()->str() == "cli");
  BOOST_TEST(schemas::event_id::from(env->id()).to_string() ==
             (schemas::event_id{7, 9}).to_string());
  BOOST_TEST(env->payload_as_ServiceLoad()->replicas() == 2);
}

BOOST_AUTO_TEST_CASE(malformed_json_names_its_line) {
  const auto r = app::convert_line("{not json", 4, defaults());
  BOOST_TEST(!r.ok());
  BOOST_TEST(!r.blank);
  BOOST_TEST(r.error.rfind("line 4: ", 0) == 0, r.error);
  BOOST_TEST(r.bytes.empty());
}

BOOST_AUTO_TEST_CASE(an_unknown_type_names_its_line) {
  const auto r =
      app::convert_line(R"({"key":"x","type":"NoSuchEvent","payload":{}})", 12, defaults());
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.error.rfind("line 12: ", 0) == 0, r.error);
  BOOST_TEST(r.error.size() > std::string("line 12: ").size());
}

BOOST_AUTO_TEST_CASE(blank_lines_are_skipped) {
  const auto r = app::convert_line(" \t\r", 1, defaults());
  BOOST_TEST(r.blank);
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.error.empty());
}

BOOST_AUTO_TEST_CASE(produce_refuses_without_brokers_or_with_an_unknown_topic) {
  std::istringstream in("{}\n");
  std::string error;
  app::produce_options o;
  o.topic = "platform.metrics";
  o.print_error = [&](const std::string& e) { error = e; };
  BOOST_TEST(app::produce(o, in) == 2);
  BOOST_TEST(error.find("--brokers") != std::string::npos);
  o.brokers = "127.0.0.1:1";
  o.topic = "no.such.topic";
  BOOST_TEST(app::produce(o, in) == 2);
  BOOST_TEST(error.find("unknown topic 'no.such.topic'") != std::string::npos, error);
}
