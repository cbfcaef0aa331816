// The building blocks: keyed hash, HyperLogLog, Space-Saving, z-test, formatting.
#include <cmath>

#include <boost/test/unit_test.hpp>

#include "actors/analytics/ab_test.hpp"
#include "actors/analytics/activity.hpp"
#include "actors/analytics/hyperloglog.hpp"
#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/text.hpp"
#include "tests/actors/analytics/analytics_fixture.hpp"

using namespace aetherial::actors::analytics::test;

BOOST_AUTO_TEST_SUITE(sketches)

BOOST_AUTO_TEST_CASE(siphash_matches_the_reference_vectors) {
  // Key 00..0f, messages 00..(n-1), from the SipHash paper's test vectors.
  const hash_key key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  BOOST_TEST(siphash24(key, "") == 0x726fdb47dd0e0e31ULL);
  std::string fifteen;
  for (int i = 0; i < 15; ++i)
    fifteen.push_back(static_cast<char>(i));
  BOOST_TEST(siphash24(key, fifteen) == 0xa129ca6149be45e5ULL);
  // Salts and domains separate hashes.
  const auto a = derive_key("salt-one-0123456789");
  const auto b = derive_key("salt-two-0123456789");
  BOOST_TEST(keyed_hash(a, "user", "u1") != keyed_hash(b, "user", "u1"));
  BOOST_TEST(keyed_hash(a, "user", "u1") != keyed_hash(a, "session", "u1"));
  BOOST_TEST(keyed_hash(a, "user", "u1") == keyed_hash(a, "user", "u1"));
  BOOST_TEST(key_fingerprint(a) != key_fingerprint(b));
}

BOOST_AUTO_TEST_CASE(hyperloglog_is_within_its_error) {
  const auto key = derive_key(test_salt);
  for (int n : {1, 10, 100, 1'000, 10'000, 100'000}) {
    hyperloglog h;
    for (int i = 0; i < n; ++i) {
      h.add(keyed_hash(key, "user", user(i)));
      h.add(keyed_hash(key, "user", user(i))); // duplicates do not count
    }
    // Three standard errors (1.6 % each), at least one user for tiny sets.
    const double tolerance = std::max(1.0, 0.05 * n);
    BOOST_TEST(std::fabs(h.estimate() - n) <= tolerance, "n = " << n << ": " << h.estimate());
  }
  hyperloglog a;
  hyperloglog b;
  for (int i = 0; i < 6'000; ++i)
    (i < 4'000 ? a : b).add(keyed_hash(key, "user", user(i % 5'000)));
  // a: 0..3999, b: 4000..4999 and 0..999: union 5000.
  a.merge(b);
  BOOST_TEST(std::fabs(a.estimate() - 5'000) <= 250.0);
  BOOST_TEST(hyperloglog::valid(a.registers()));
  auto bad = a.registers();
  bad[7] = 60;
  BOOST_TEST(!hyperloglog::valid(bad));
}

BOOST_AUTO_TEST_CASE(space_saving_keeps_the_heavy_hitters) {
  std::map<std::string, feature_counter> top;
  // Three heavy features among 200 rare ones, in a summary of 20 counters.
  for (int round = 0; round < 50; ++round) {
    count_feature(top, "search", 20);
    count_feature(top, "search", 20);
    count_feature(top, "export", 20);
    if (round % 2 == 0) count_feature(top, "share", 20);
    for (int r = 0; r < 4; ++r)
      count_feature(top, "rare-" + std::to_string(round * 4 + r), 20);
  }
  BOOST_TEST(top.size() == 20u);
  BOOST_TEST_REQUIRE(top.count("search") == 1u);
  BOOST_TEST_REQUIRE(top.count("export") == 1u);
  BOOST_TEST_REQUIRE(top.count("share") == 1u);
  // Counts over-estimate by at most their error.
  BOOST_TEST(top["search"].count - top["search"].error <= 100u);
  BOOST_TEST(top["search"].count >= 100u);
  BOOST_TEST(top["export"].count >= 50u);
  BOOST_TEST(top["share"].count >= 25u);
}

BOOST_AUTO_TEST_CASE(z_test_verdicts) {
  const auto s = two_proportion_z_test(1000, 100, 1000, 150, 0.05, 30);
  BOOST_TEST(std::fabs(s.z - 3.3806) < 1e-3);
  BOOST_TEST(std::fabs(s.p_value - 0.000723) < 2e-5);
  BOOST_TEST(s.winner == "b");
  const auto a = two_proportion_z_test(1000, 150, 1000, 100, 0.05, 30);
  BOOST_TEST(a.winner == "a");
  BOOST_TEST(a.z < 0.0);
  const auto n = two_proportion_z_test(1000, 100, 1000, 110, 0.05, 30);
  BOOST_TEST(std::fabs(n.z - 0.7299) < 1e-3);
  BOOST_TEST(n.p_value > 0.4);
  BOOST_TEST(n.winner == "none");
  const auto few = two_proportion_z_test(20, 1, 20, 15, 0.05, 30);
  BOOST_TEST(few.p_value < 0.05);
  BOOST_TEST(few.winner == "none"); // too few users for a verdict
  BOOST_TEST(!few.enough_users);
  BOOST_TEST(two_proportion_z_test(0, 0, 10, 1, 0.05, 1).winner == "none");
  BOOST_TEST(two_proportion_z_test(10, 10, 10, 10, 0.05, 1).p_value == 1.0);
}

BOOST_AUTO_TEST_CASE(formatting) {
  BOOST_TEST(grouped(1247) == "1,247");
  BOOST_TEST(grouped(999) == "999");
  BOOST_TEST(grouped(1'000'000) == "1,000,000");
  BOOST_TEST(grouped(-12'345) == "-12,345");
  BOOST_TEST(percent(0.153) == "15%");
  BOOST_TEST(date(day_of(t0)) == "2026-01-01");
  BOOST_TEST(date(day_of(t0 + 59 * day)) == "2026-03-01");
  BOOST_TEST(date(0) == "1970-01-01");
  BOOST_TEST(hour_of(t0 + 14 * hour + 37 * minute) == "14:00");
  BOOST_TEST(day_of(-1) == -1);
}

BOOST_AUTO_TEST_SUITE_END()
