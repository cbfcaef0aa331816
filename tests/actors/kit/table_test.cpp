// Keyed state through the context: the in-memory table store (tests, the audit), byte order of
// keys in scans, and the refusal of an agent that keeps tables without a store.
#include <boost/test/unit_test.hpp>

#include <stdexcept> // std::logic_error, std::invalid_argument
#include <string>
#include <vector>

#include "actors/agent.hpp"
#include "tests/actors/kit/agent_harness.hpp"

using namespace aetherial::actors;

namespace {

bytes b(const std::string& s) {
  return bytes(s.begin(), s.end());
}

std::vector<std::string> keys(const table_store& t, std::string_view table,
                              std::string_view from = {}, std::string_view to = {}) {
  std::vector<std::string> out;
  t.scan(table, from, to, [&](std::string_view k, const bytes&) {
    out.emplace_back(k);
    return true;
  });
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tables)

BOOST_AUTO_TEST_CASE(memory_tables_keep_byte_order_and_separate_tables) {
  memory_table_store t;
  t.put("services", "web", b("2"));
  t.put("services", "api", b("3"));
  t.put("services", std::string("\xff", 1), b("x"));
  t.put("services", "Web", b("1"));
  t.put("readings", "web", b("r"));
  BOOST_TEST((keys(t, "services") ==
              std::vector<std::string>{"Web", "api", "web", std::string("\xff", 1)}));
  BOOST_TEST((keys(t, "services", "a", "w") == std::vector<std::string>{"api"}));
  BOOST_TEST(t.get("services", "web").value() == b("2"));
  t.put("services", "web", b("4"));
  BOOST_TEST(t.get("services", "web").value() == b("4"));
  t.erase("services", "web");
  t.erase("services", "nope");
  t.erase("nothing", "nope");
  BOOST_TEST(!t.get("services", "web").has_value());
  BOOST_TEST(t.size("services") == 3u);
  BOOST_TEST(t.size("readings") == 1u);
  BOOST_TEST(keys(t, "unknown").empty());
  // A scan stops when told.
  std::size_t seen = 0;
  t.scan("services", {}, {}, [&](std::string_view, const bytes&) { return ++seen < 2; });
  BOOST_TEST(seen == 2u);
  // The limits every store shares.
  BOOST_CHECK_THROW(t.put(std::string("a\0b", 3), "k", b("v")), std::invalid_argument);
  BOOST_CHECK_THROW(t.put("t", std::string(max_table_key_bytes + 1, 'k'), b("v")),
                    std::invalid_argument);
  BOOST_CHECK_NO_THROW(t.put("t", std::string(max_table_key_bytes, 'k'), b("v")));
}

BOOST_AUTO_TEST_CASE(the_context_gives_the_callers_tables_or_refuses) {
  test::envelope_builder ev(0x7ab1e);
  flatbuffers::FlatBufferBuilder fb;
  auto p = fbs::CreateServiceLoadDirect(fb, "web", 2, 10.0, 0.5, 10.0, 0.0);
  const auto value =
      ev.envelope(fb, 1'700'000'000'000, "web", fbs::Payload::ServiceLoad, p.Union());
  const auto& env = test::envelope_of(value);
  {
    context ctx("operations", env);
    BOOST_CHECK_THROW((void)ctx.tables(), std::logic_error);
  }
  memory_table_store store;
  context ctx("operations", env);
  ctx.set_tables(&store);
  ctx.tables().put("services", "web", b("v"));
  BOOST_TEST(store.get("services", "web").value() == b("v"));
}

BOOST_AUTO_TEST_SUITE_END()
