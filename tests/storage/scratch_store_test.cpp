// The scratch store: a fresh directory per store, removed when it closes; reads see writes;
// prefix scans in byte order; more data than its memory budget stays readable (it spills to
// disk).
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "storage/scratch_store.hpp"
#include "tests/storage/test_support.hpp"

using namespace aetherial::storage;
using aetherial::storage::test::describe;
using aetherial::storage::test::temp_dir;

BOOST_AUTO_TEST_SUITE(scratch)

BOOST_AUTO_TEST_CASE(writes_are_read_back_and_the_directory_goes_away) {
  temp_dir dir;
  std::string path;
  {
    auto s = scratch_store::create(dir.path().string(), 4 << 20);
    BOOST_TEST_REQUIRE(s.has_value(), describe(s));
    auto& store = *s.value();
    path = store.path();
    BOOST_TEST(std::filesystem::exists(path));
    BOOST_TEST(path.rfind(dir.path().string(), 0) == 0u);
    BOOST_TEST_REQUIRE(store.put("ob", "2").has_value());
    BOOST_TEST_REQUIRE(store.put(std::string("oa\0\xff", 4), "1").has_value());
    BOOST_TEST_REQUIRE(store.put("p", "3").has_value());
    BOOST_TEST_REQUIRE(store.put("ob", "two").has_value());
    BOOST_TEST(*store.get("ob").value() == "two");
    BOOST_TEST(!store.get("missing").value().has_value());
    std::vector<std::string> seen;
    BOOST_TEST_REQUIRE(store
                           .scan("o",
                                 [&](std::string_view k, std::string_view v) {
                                   seen.push_back(std::string(k) + "=" + std::string(v));
                                   return true;
                                 })
                           .has_value());
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(seen[0] == std::string("oa\0\xff=1", 6));
    BOOST_TEST(seen[1] == "ob=two");
  }
  BOOST_TEST(!std::filesystem::exists(path));
}

BOOST_AUTO_TEST_CASE(more_than_its_memory_stays_readable) {
  temp_dir dir;
  auto s = scratch_store::create(dir.path().string(), 2 << 20);
  BOOST_TEST_REQUIRE(s.has_value(), describe(s));
  auto& store = *s.value();
  const std::string value(1000, 'v');
  for (int i = 0; i < 20'000; ++i) // 20 MB through a 2 MB budget
    BOOST_TEST_REQUIRE(store.put("k" + std::to_string(i), value + std::to_string(i)).has_value());
  BOOST_TEST(*store.get("k0").value() == value + "0");
  BOOST_TEST(*store.get("k19999").value() == value + "19999");
  std::size_t n = 0;
  BOOST_TEST_REQUIRE(
      store.scan("k", [&](std::string_view, std::string_view) { return ++n < 5; }).has_value());
  BOOST_TEST(n == 5u);
}

BOOST_AUTO_TEST_CASE(an_unusable_parent_is_a_clear_error) {
  const auto s = scratch_store::create("/proc/aetherial-cannot-be-here");
  BOOST_TEST_REQUIRE(!s.has_value());
  BOOST_TEST(s.error_value().message.find("/proc/aetherial-cannot-be-here") != std::string::npos,
             s.error_value().message);
}

BOOST_AUTO_TEST_SUITE_END()
