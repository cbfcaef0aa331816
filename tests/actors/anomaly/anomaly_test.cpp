// The streaming anomaly detector on synthetic series: spikes and level shifts are found,
// a clean periodic series raises nothing, the same input gives the same bytes, and a
// snapshot taken mid-stream continues exactly like the uninterrupted detector.
#define BOOST_TEST_MODULE anomaly
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "actors/anomaly/detector.hpp"

using namespace aetherial::actors::anomaly;

namespace {

constexpr std::int64_t t0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr std::int64_t step_ms = 5 * 60'000;   // one point every 5 minutes
constexpr double pi = 3.14159265358979323846;

/// Deterministic noise in [-1, 1] on every platform (a 64-bit LCG, top bits).
class noise {
public:
  explicit noise(std::uint64_t seed) : s_(seed) {}
  double next() {
    s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s_ >> 11) / static_cast<double>(1ULL << 52) - 1.0;
  }

private:
  std::uint64_t s_;
};

/// A daily sine (period 288 points) plus uniform noise of amplitude `amp`.
std::vector<double> daily_series(std::size_t n, double amp, std::uint64_t seed = 7) {
  noise z(seed);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = 50.0 + 20.0 * std::sin(2.0 * pi * static_cast<double>(i) / 288.0) + amp * z.next();
  return v;
}

std::vector<double> run(detector& d, const std::vector<double>& v, std::size_t from = 0,
                        std::size_t to = static_cast<std::size_t>(-1)) {
  std::vector<double> scores;
  for (std::size_t i = from; i < std::min(to, v.size()); ++i)
    scores.push_back(d.score(t0 + static_cast<std::int64_t>(i) * step_ms, v[i]));
  return scores;
}

/// Index of the highest score at or after `from`.
std::size_t argmax(const std::vector<double>& s, std::size_t from) {
  return static_cast<std::size_t>(
      std::max_element(s.begin() + static_cast<std::ptrdiff_t>(from), s.end()) - s.begin());
}

detector_config test_config() {
  detector_config c;
  c.warmup_points = 600;
  return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(anomaly_detector)

BOOST_AUTO_TEST_CASE(clean_periodic_series_raises_no_alarm) {
  const auto v = daily_series(4000, 1.0);
  detector d(test_config());
  const auto s = run(d, v);
  for (std::size_t i = 0; i < 600; ++i)
    BOOST_TEST(s[i] == 0.0); // warm-up
  const double top = *std::max_element(s.begin() + 600, s.end());
  BOOST_TEST(top < 0.5, "highest score on a clean series: " << top);
}

BOOST_AUTO_TEST_CASE(a_spike_is_the_highest_score) {
  auto v = daily_series(4000, 1.0);
  v[3000] += 15.0;
  detector d(test_config());
  const auto s = run(d, v);
  BOOST_TEST(argmax(s, 600) == 3000u);
  BOOST_TEST(s[3000] > 0.5);
}

BOOST_AUTO_TEST_CASE(a_level_shift_is_found_where_it_starts) {
  auto v = daily_series(4000, 1.0);
  for (std::size_t i = 3000; i < v.size(); ++i)
    v[i] += 12.0;
  detector d(test_config());
  const auto s = run(d, v);
  const auto at = argmax(s, 600);
  BOOST_TEST(at >= 3000u);
  BOOST_TEST(at < 3012u);
  BOOST_TEST(s[at] > 0.5);
}

BOOST_AUTO_TEST_CASE(a_drop_to_a_new_low_is_found) {
  auto v = daily_series(4000, 1.0);
  for (std::size_t i = 3200; i < 3260; ++i)
    v[i] = 5.0;
  detector d(test_config());
  const auto s = run(d, v);
  const auto at = argmax(s, 600);
  BOOST_TEST(at >= 3200u);
  BOOST_TEST(at < 3206u);
}

BOOST_AUTO_TEST_CASE(one_event_gives_one_alarm) {
  auto v = daily_series(4000, 1.0);
  for (std::size_t i = 3000; i < 3030; ++i)
    v[i] += 15.0;
  detector d(test_config());
  const auto s = run(d, v);
  int alarms = 0;
  for (std::size_t i = 3000; i < 3100; ++i)
    if (s[i] > 0.5) ++alarms;
  BOOST_TEST(alarms == 1);
}

BOOST_AUTO_TEST_CASE(same_input_gives_identical_scores_and_bytes) {
  auto v = daily_series(3000, 2.0, 11);
  v[2500] -= 30.0;
  detector a(test_config());
  detector b(test_config());
  BOOST_TEST((run(a, v) == run(b, v)));
  BOOST_TEST((a.snapshot() == b.snapshot()));
  BOOST_TEST(a.points() == 3000u);
}

BOOST_AUTO_TEST_CASE(snapshot_mid_stream_continues_like_the_uninterrupted_detector) {
  auto v = daily_series(3500, 1.5, 3);
  v[2900] += 25.0;
  for (std::size_t i = 3100; i < v.size(); ++i)
    v[i] -= 10.0;
  detector full(test_config());
  const auto expected = run(full, v);

  for (std::size_t cut : {100u, 700u, 1999u}) {
    detector first(test_config());
    auto head = run(first, v, 0, cut);
    const auto bytes = first.snapshot();
    detector resumed(test_config());
    BOOST_TEST_REQUIRE(resumed.restore(bytes.data(), bytes.size()));
    const auto tail = run(resumed, v, cut);
    head.insert(head.end(), tail.begin(), tail.end());
    BOOST_TEST((head == expected), "diverged after a snapshot at " << cut);
    BOOST_TEST((resumed.snapshot() == full.snapshot()));
  }
}

BOOST_AUTO_TEST_CASE(bad_snapshots_are_refused_and_leave_the_state_unchanged) {
  const auto v = daily_series(1200, 1.0);
  detector d(test_config());
  (void)run(d, v);
  const auto good = d.snapshot();
  detector other(test_config());
  (void)run(other, v, 0, 50);
  const auto before = other.snapshot();

  BOOST_TEST(!other.restore(nullptr, 0));
  BOOST_TEST(!other.restore(good.data(), good.size() - 1)); // truncated
  auto corrupt = good;
  corrupt[corrupt.size() / 2] ^= 0x5a;
  BOOST_TEST(!other.restore(corrupt.data(), corrupt.size())); // checksum
  auto version = good;
  version[4] = 99;
  BOOST_TEST(!other.restore(version.data(), version.size()));
  detector_config changed = test_config();
  changed.history = 100; // another layout
  detector incompatible(changed);
  BOOST_TEST(!incompatible.restore(good.data(), good.size()));
  BOOST_TEST((other.snapshot() == before));
}

BOOST_AUTO_TEST_CASE(non_finite_values_are_ignored) {
  auto v = daily_series(1500, 1.0);
  detector a(test_config());
  detector b(test_config());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::int64_t t = t0 + static_cast<std::int64_t>(i) * step_ms;
    (void)a.score(t, v[i]);
    (void)b.score(t, v[i]);
    if (i % 100 == 0) {
      BOOST_TEST(b.score(t, std::nan("")) == 0.0);
      BOOST_TEST(b.score(t, INFINITY) == 0.0);
    }
  }
  BOOST_TEST((a.snapshot() == b.snapshot()));
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
  // Every statistic is in use after three weeks (the weekly profile) plus `history` points;
  // from then on the state no longer grows.
  detector_config c = test_config();
  c.history = 1000;
  detector d(c);
  const auto v = daily_series(12000, 1.0);
  (void)run(d, v, 0, 9000);
  const auto size_mid = d.snapshot().size();
  (void)run(d, v, 9000);
  BOOST_TEST(d.snapshot().size() == size_mid);
  BOOST_TEST(size_mid < 150'000u);
}

BOOST_AUTO_TEST_SUITE_END()
