// explain: reading the id, and an id the log does not hold (no broker: a stand-in reader).
#include <boost/test/unit_test.hpp>

#include <string>

#include "app/explain.hpp"

using namespace aetherial;

namespace {

const std::string known = "00000000000000010000000000000002";

result<std::string> read_chain(const schemas::event_id& id) {
  if (id == schemas::event_id{1, 2})
    return std::string(known + " (aetherial.decisions/0@5): {}\n  caused by " +
                       "00000000000000000000000000000003: not in the log\n");
  return std::string(id.to_string() + ": not in the log\n");
}

} // namespace

BOOST_AUTO_TEST_CASE(a_known_id_prints_its_chain) {
  const auto r = app::explain_event(known, read_chain);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.rfind(known + " (aetherial.decisions/0@5)", 0) == 0, r.out);
  BOOST_TEST(r.err.empty());
}

BOOST_AUTO_TEST_CASE(an_unknown_id_says_so_and_exits_1) {
  const auto r = app::explain_event("0000000000000000000000000000000a", read_chain);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err == "no event with id 0000000000000000000000000000000a in the log\n");
}

BOOST_AUTO_TEST_CASE(a_malformed_id_exits_2_without_reading) {
  bool read = false;
  const auto r = app::explain_event("not-an-id", [&](const schemas::event_id&) {
    read = true;
    return result<std::string>(std::string());
  });
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(!read);
  BOOST_TEST(r.err.find("'not-an-id' is not an event id") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(an_unreadable_log_exits_2) {
  const auto r = app::explain_event(known, [](const schemas::event_id&) {
    return result<std::string>(error{"topics", 1, "broker down"});
  });
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("broker down") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(explain_needs_brokers) {
  const auto r = app::explain_event("", {}, "", known);
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("--brokers") != std::string::npos);
}
