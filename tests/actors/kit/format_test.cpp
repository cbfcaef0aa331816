// kit::fixed and the other formatters: the exact bytes every agent used to write, whatever
// the C locale.
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "actors/kit/format.hpp"
#include "actors/kit/rng.hpp"

namespace kit = aetherial::actors::kit;

namespace {

/// The formatter each agent had before the kit (operations, security, analytics, orchestrator
/// and text all had this one), kept here as the reference the kit must match byte for byte.
std::string previous_fixed(double v, int decimals) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (r.ec == std::errc{}) return std::string(buf, r.ptr);
  const auto g = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, decimals);
  return std::string(buf, g.ptr);
}

/// What the Development agent wrote with printf in the "C" locale.
std::string printf_fixed(double v, int decimals) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// Values that exercise rounding, signs, magnitudes and the special values.
std::vector<double> sample_values() {
  std::vector<double> v = {0.0,
                           -0.0,
                           0.005,
                           0.015,
                           0.125,
                           0.375,
                           2.675,
                           1.005,
                           -1.005,
                           -0.004,
                           0.5,
                           1.5,
                           2.5,
                           -2.5,
                           9.995,
                           99.995,
                           123456789.125,
                           1e15 + 0.5,
                           1e21,
                           1e59,
                           1e60,
                           1e61,
                           1e300,
                           -1e300,
                           1e-300,
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::lowest(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(),
                           -std::numeric_limits<double>::quiet_NaN()};
  kit::rng r(20260101);
  for (int i = 0; i < 2000; ++i) {
    // Mostly small numbers with few digits (rates, ratios, milliseconds), some arbitrary bits.
    const double scale = std::pow(10.0, static_cast<double>(r.next_below(9)) - 3.0);
    v.push_back((r.next_double() - 0.5) * scale);
    v.push_back(static_cast<double>(r.next_below(100'000)) / 1000.0);
  }
  return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(format)

BOOST_AUTO_TEST_CASE(fixed_writes_what_every_agent_wrote_before) {
  for (const double v : sample_values())
    for (int d = 0; d <= 6; ++d)
      BOOST_TEST(kit::fixed(v, d) == previous_fixed(v, d), "value " << v << ", decimals " << d);
}

BOOST_AUTO_TEST_CASE(fixed_writes_what_printf_wrote_for_the_development_agent) {
  // The Development agent printed finite rates and ratios with "%.Nf" in the "C" locale.
  for (const double v : sample_values()) {
    if (!std::isfinite(v) || std::fabs(v) > 1e30) continue;
    for (int d : {0, 1, 2, 6})
      BOOST_TEST(kit::fixed(v, d) == printf_fixed(v, d), "value " << v << ", decimals " << d);
  }
}

BOOST_AUTO_TEST_CASE(fixed_examples) {
  BOOST_TEST(kit::fixed(0.35) == "0.35");
  BOOST_TEST(kit::fixed(12.0, 3) == "12.000");
  BOOST_TEST(kit::fixed(-0.5) == "-0.50");
  BOOST_TEST(kit::fixed(-0.0) == "-0.00");
  BOOST_TEST(kit::fixed(2.675) == "2.67"); // 2.67499999... in binary
  BOOST_TEST(kit::fixed(0.125) == "0.12"); // an exact tie goes to the even digit
  BOOST_TEST(kit::fixed(2.5, 0) == "2");
  BOOST_TEST(kit::fixed(1234.5678, 0) == "1235");
  BOOST_TEST(kit::fixed(1e300) == "1.00e+300"); // too long for fixed notation
  BOOST_TEST(kit::fixed(std::nan("")) == "nan");
  BOOST_TEST(kit::fixed(-std::nan("")) == "nan");
  BOOST_TEST(kit::fixed(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(kit::fixed(-std::numeric_limits<double>::infinity()) == "-inf");
  BOOST_TEST(kit::fixed(1.0, 40) == "1.00000000000000000"); // decimals clamped to 17
  BOOST_TEST(kit::fixed(1.0, -3) == "1");
}

BOOST_AUTO_TEST_CASE(numbers_ignore_the_c_locale) {
  // A locale whose decimal point is a comma, where the machine has one.
  const char* found = nullptr;
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "de_DE"})
    if (std::setlocale(LC_ALL, name) != nullptr) {
      found = name;
      break;
    }
  if (found == nullptr) {
    BOOST_TEST_MESSAGE("no locale with a decimal comma here: checked in the C locale only");
  } else {
    char probe[16];
    std::snprintf(probe, sizeof probe, "%.1f", 1.5);
    BOOST_TEST(std::string(probe) == "1,5"); // printf follows the locale ...
  }
  BOOST_TEST(kit::fixed(1.5, 1) == "1.5"); // ... the kit does not
  BOOST_TEST(kit::integer(1234567) == "1234567");
  BOOST_TEST(kit::grouped(1234567) == "1,234,567");
  BOOST_TEST(kit::parse_double("1.5").value_or(0) == 1.5);
  BOOST_TEST(!kit::parse_double("1,5").has_value());
  std::setlocale(LC_ALL, "C");
}

BOOST_AUTO_TEST_CASE(integers) {
  BOOST_TEST(kit::integer(0) == "0");
  BOOST_TEST(kit::integer(-42) == "-42");
  BOOST_TEST(kit::integer(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  BOOST_TEST(kit::integer(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
  BOOST_TEST(kit::grouped(1247) == "1,247");
  BOOST_TEST(kit::grouped(999) == "999");
  BOOST_TEST(kit::grouped(0) == "0");
  BOOST_TEST(kit::grouped(1'000'000) == "1,000,000");
  BOOST_TEST(kit::grouped(-12'345) == "-12,345");
  BOOST_TEST(kit::grouped(std::numeric_limits<std::int64_t>::min()) ==
             "-9,223,372,036,854,775,808");
  BOOST_TEST(kit::two_digits(7) == "07");
  BOOST_TEST(kit::two_digits(0) == "00");
  BOOST_TEST(kit::two_digits(12) == "12");
  BOOST_TEST(kit::two_digits(123) == "123");
}

BOOST_AUTO_TEST_CASE(percentages_round_half_away_from_zero) {
  BOOST_TEST(kit::percent(0.153) == "15%");
  BOOST_TEST(kit::percent(0.125) == "13%");
  BOOST_TEST(kit::percent(1.0) == "100%");
  BOOST_TEST(kit::percent(0.0) == "0%");
  BOOST_TEST(kit::percent(-0.125) == "-13%");
}

BOOST_AUTO_TEST_CASE(parsing_takes_whole_strings_only) {
  BOOST_TEST(kit::parse_double("0.5").value_or(0) == 0.5);
  BOOST_TEST(kit::parse_double("-2").value_or(0) == -2.0);
  BOOST_TEST(kit::parse_double("1e3").value_or(0) == 1000.0);
  for (const char* bad :
       {"", " 1", "1 ", "+1", "1,5", "abc", "nan", "inf", "-inf", "1e999", "0x10"})
    BOOST_TEST(!kit::parse_double(bad).has_value(), bad);

  BOOST_TEST(kit::parse_integer<int>("-7").value_or(0) == -7);
  BOOST_TEST(kit::parse_integer<std::uint32_t>("4294967295").value_or(0) == 4294967295u);
  BOOST_TEST(!kit::parse_integer<std::uint32_t>("4294967296").has_value());
  BOOST_TEST(!kit::parse_integer<std::uint32_t>("-1").has_value());
  BOOST_TEST(!kit::parse_integer<std::int64_t>("1.5").has_value());
  BOOST_TEST(!kit::parse_integer<std::int64_t>("").has_value());
  BOOST_TEST(!kit::parse_integer<std::int64_t>("+3").has_value());
  BOOST_TEST(kit::parse_integer<std::size_t>("18446744073709551615").has_value());

  for (const char* yes : {"true", "TRUE", "Yes", "on", "1"})
    BOOST_TEST(kit::parse_bool(yes).value_or(false), yes);
  for (const char* no : {"false", "No", "OFF", "0"})
    BOOST_TEST(!kit::parse_bool(no).value_or(true), no);
  for (const char* bad : {"", "2", "y", "truee", " true"})
    BOOST_TEST(!kit::parse_bool(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()
