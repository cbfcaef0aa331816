// kit::rng: xoshiro256** seeded by splitmix64, the same numbers everywhere.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <map>
#include <vector>

#include "actors/agent.hpp"
#include "actors/kit/rng.hpp"

namespace kit = aetherial::actors::kit;
namespace fbs = aetherial::schema;

namespace {

/// An envelope with id (1, lo) around a support message.
std::vector<std::uint8_t> envelope(std::uint64_t lo) {
  flatbuffers::FlatBufferBuilder b;
  const auto p = fbs::CreateSupportMessageDirect(b, "conv", "user-1", "hello");
  aetherial::schemas::envelope_header h;
  h.id = {1, lo};
  h.key = "conv";
  h.event_time_ms = 1'767'225'600'000;
  return aetherial::schemas::finish_envelope(b, h, fbs::Payload::SupportMessage, p.Union());
}

std::uint64_t first_number(const std::vector<std::uint8_t>& bytes) {
  aetherial::actors::context ctx("kit", *flatbuffers::GetRoot<fbs::Envelope>(bytes.data()));
  return ctx.rng().next_u64();
}

} // namespace

BOOST_AUTO_TEST_SUITE(rng)

BOOST_AUTO_TEST_CASE(known_sequences) {
  // Computed independently from the published algorithms.
  kit::rng zero(0);
  BOOST_TEST(zero.next_u64() == 0x99ec5f36cb75f2b4ULL);
  BOOST_TEST(zero.next_u64() == 0xbf6e1f784956452aULL);
  BOOST_TEST(zero.next_u64() == 0x1a5f849d4933e6e0ULL);
  BOOST_TEST(zero.next_u64() == 0x6aa594f1262d2d2cULL);
  kit::rng answer(42);
  BOOST_TEST(answer.next_u64() == 0x15780b2e0c2ec716ULL);
  BOOST_TEST(answer.next_u64() == 0x6104d9866d113a7eULL);
  BOOST_TEST(answer.next_u64() == 0xae17533239e499a1ULL);
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_numbers) {
  kit::rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    BOOST_TEST(x == b.next_u64());
    differs = differs || x != c.next_u64();
  }
  BOOST_TEST(differs);
}

BOOST_AUTO_TEST_CASE(doubles_are_uniform_in_the_unit_interval) {
  kit::rng r(1);
  double sum = 0;
  int low = 0;
  constexpr int n = 100'000;
  for (int i = 0; i < n; ++i) {
    const double x = r.next_double();
    BOOST_TEST_REQUIRE(x >= 0.0);
    BOOST_TEST_REQUIRE(x < 1.0);
    sum += x;
    low += x < 0.1 ? 1 : 0;
  }
  BOOST_TEST(std::abs(sum / n - 0.5) < 0.01);
  BOOST_TEST(std::abs(low / static_cast<double>(n) - 0.1) < 0.01);
  // The top 53 bits, exactly.
  kit::rng a(3), b(3);
  BOOST_TEST(a.next_double() == static_cast<double>(b.next_u64() >> 11) / 9007199254740992.0);
}

BOOST_AUTO_TEST_CASE(bounded_integers_cover_the_range_evenly) {
  kit::rng r(2);
  std::map<std::uint64_t, int> counts;
  for (int i = 0; i < 60'000; ++i)
    ++counts[r.next_below(6)];
  BOOST_TEST(counts.size() == 6u);
  for (const auto& [v, n] : counts) {
    BOOST_TEST(v < 6u);
    BOOST_TEST(std::abs(n - 10'000) < 500);
  }
  BOOST_TEST(r.next_below(0) == 0u);
  BOOST_TEST(r.next_below(1) == 0u);
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST_REQUIRE(r.next_below(std::uint64_t{1} << 63 | 1) <= std::uint64_t{1} << 63);
}

BOOST_AUTO_TEST_CASE(an_agent_gets_numbers_seeded_from_the_event_id) {
  BOOST_TEST(first_number(envelope(5)) == first_number(envelope(5)));
  BOOST_TEST(first_number(envelope(5)) != first_number(envelope(6)));
  // Seeded as it always was: mix64(hi ^ mix64(lo)).
  kit::rng expected(aetherial::schemas::mix64(1 ^ aetherial::schemas::mix64(5)));
  BOOST_TEST(first_number(envelope(5)) == expected.next_u64());
}

BOOST_AUTO_TEST_CASE(usable_at_compile_time) {
  constexpr auto first = [] {
    kit::rng r(0);
    return r.next_u64();
  }();
  static_assert(first == 0x99ec5f36cb75f2b4ULL);
}

BOOST_AUTO_TEST_SUITE_END()
