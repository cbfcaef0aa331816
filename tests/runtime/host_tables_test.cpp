// The host's tables: stored rows under the changes since they were stored; scans merge both in
// key order; a handover carries every unconfirmed change; the store's confirmation drops them.
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/host_tables.hpp"
#include "tests/runtime/runtime_fixture.hpp"

using namespace aetherial;

namespace {

actors::bytes b(const std::string& s) {
  return actors::bytes(s.begin(), s.end());
}

std::string scan_all(const actors::table_store& t, std::string_view table,
                     std::string_view from = {}, std::string_view to = {}, int limit = 100) {
  std::string out;
  int n = 0;
  t.scan(table, from, to, [&](std::string_view k, const actors::bytes& v) {
    out += std::string(k) + "=" + std::string(v.begin(), v.end()) + ";";
    return ++n < limit;
  });
  return out;
}

storage::snapshot snap(std::uint64_t seq) {
  storage::snapshot s;
  s.agent = "keyed";
  s.partition = 0;
  s.journal_seq = seq;
  s.state = {1};
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(host_tables_suite)

BOOST_AUTO_TEST_CASE(changes_overlay_the_stored_rows_in_key_order) {
  test::temp_dir dir;
  auto store = storage::snapshot_store::open(dir.path() + "/db");
  BOOST_TEST_REQUIRE(store.has_value());
  auto& s = *store.value();
  BOOST_TEST_REQUIRE(
      s.put(snap(1),
            {{"t", "b", b("1")}, {"t", "d", b("2")}, {"t", "f", b("3")}, {"u", "a", b("x")}})
          .has_value());

  runtime::host_tables t(&s, "keyed", 0);
  BOOST_TEST(scan_all(t, "t") == "b=1;d=2;f=3;");
  t.put("t", "a", b("0"));  // before every stored key
  t.put("t", "d", b("20")); // over a stored key
  t.erase("t", "f");        // hides a stored key
  t.put("t", "e", b("5"));  // between stored keys
  t.put("t", "g", b("6"));  // after every stored key
  t.erase("t", "zz");       // erasing nothing
  BOOST_TEST(scan_all(t, "t") == "a=0;b=1;d=20;e=5;g=6;");
  BOOST_TEST(scan_all(t, "t", "c", "f") == "d=20;e=5;");
  BOOST_TEST(scan_all(t, "t", {}, {}, 2) == "a=0;b=1;");
  BOOST_TEST(scan_all(t, "u") == "a=x;");
  BOOST_TEST(t.get("t", "d").value() == b("20"));
  BOOST_TEST(!t.get("t", "f").has_value());
  BOOST_TEST(t.get("t", "b").value() == b("1"));

  // A handover carries every change; later changes stay apart until the next one.
  std::uint64_t first = 0;
  auto changes = t.hand_over(first);
  BOOST_TEST(changes.size() == 6u);
  t.put("t", "h", b("7"));
  BOOST_TEST(scan_all(t, "t") == "a=0;b=1;d=20;e=5;g=6;h=7;"); // handed changes still read
  BOOST_TEST_REQUIRE(s.put(snap(2), changes).has_value());
  t.stored(first);
  BOOST_TEST(t.unstored() == 1u);
  BOOST_TEST(scan_all(t, "t") == "a=0;b=1;d=20;e=5;g=6;h=7;"); // now from the store
  // An unconfirmed handover is carried again by the next one.
  std::uint64_t second = 0;
  BOOST_TEST(t.hand_over(second).size() == 1u);
  t.put("t", "i", b("8"));
  std::uint64_t third = 0;
  BOOST_TEST(t.hand_over(third).size() == 2u);
  t.stored(second); // late: the third is not stored yet, nothing is dropped
  BOOST_TEST(t.unstored() == 2u);
  t.stored(third);
  BOOST_TEST(t.unstored() == 0u);

  // Names and keys every store refuses, before anything is changed.
  BOOST_CHECK_THROW(t.put(std::string("a\0b", 3), "k", b("v")), std::invalid_argument);
  BOOST_CHECK_THROW(t.put("", "k", b("v")), std::invalid_argument);
  BOOST_CHECK_THROW(t.put("t", std::string(70000, 'k'), b("v")), std::invalid_argument);
  BOOST_CHECK_THROW((void)t.get(std::string(300, 't'), "k"), std::invalid_argument);
  BOOST_TEST(t.unstored() == 0u);
  // A reset drops changes but keeps counting handovers.
  t.put("t", "j", b("9"));
  t.reset();
  BOOST_TEST(!t.get("t", "j").has_value());
  std::uint64_t fourth = 0;
  (void)t.hand_over(fourth);
  BOOST_TEST(fourth == 4u);

  // Without a store: tables start empty.
  runtime::host_tables none(nullptr, "keyed", 0);
  BOOST_TEST(scan_all(none, "t").empty());
  none.put("t", "k", b("v"));
  BOOST_TEST(scan_all(none, "t") == "k=v;");
}

BOOST_AUTO_TEST_SUITE_END()
