// The dead-letter copy of a record: unchanged when it fits, cut to fit (and saying so, with
// the original size and digest) when it does not; never larger than its limit.
#include <boost/test/unit_test.hpp>

#include "topics/kafka.hpp"

using namespace aetherial::topics;

namespace {

const header* find(const record& r, std::string_view key) {
  for (const auto& h : r.headers)
    if (h.key == key) return &h;
  return nullptr;
}

std::size_t size_of(const record& r) {
  std::size_t n = r.key.size() + r.value.size();
  for (const auto& h : r.headers)
    n += h.key.size() + h.value.size();
  return n;
}

record source(std::size_t value_bytes) {
  record r;
  r.topic = "platform.metrics";
  r.partition = 3;
  r.offset = 42;
  r.key = "web";
  r.value.assign(value_bytes, 'v');
  r.headers.push_back({"trace", "abc"});
  return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(dead_letters)

BOOST_AUTO_TEST_CASE(a_record_that_fits_is_copied_whole_with_reason_agent_and_origin) {
  dead_letter_info info{"not an Aetherial envelope", "security", 1000000};
  const auto copy = dead_letter_record(source(1000), info);
  BOOST_TEST(copy.value.size() == 1000u);
  BOOST_TEST(copy.key == "web");
  BOOST_TEST(find(copy, "trace")->value == "abc");
  BOOST_TEST(find(copy, dlq_reason_header)->value == "not an Aetherial envelope");
  BOOST_TEST(find(copy, dlq_agent_header)->value == "security");
  BOOST_TEST(find(copy, dlq_topic_header)->value == "platform.metrics");
  BOOST_TEST(find(copy, dlq_partition_header)->value == "3");
  BOOST_TEST(find(copy, dlq_offset_header)->value == "42");
  BOOST_TEST(find(copy, dlq_original_size_header) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_record_larger_than_the_dead_letter_limit_is_cut_and_described) {
  dead_letter_info info{"record of 5000000 bytes exceeds the limit", "operations", 1000000};
  const auto copy = dead_letter_record(source(5000000), info);
  BOOST_TEST(size_of(copy) <= info.max_bytes);
  BOOST_TEST(copy.value.size() > 900000u); // as much as fits is kept
  BOOST_TEST(find(copy, dlq_original_size_header)->value == "5000000");
  const auto* digest = find(copy, dlq_original_sha256_header);
  BOOST_REQUIRE(digest != nullptr);
  BOOST_TEST(digest->value.size() == 64u);
  BOOST_TEST(find(copy, dlq_dropped_headers_header)->value == "0");
  // The digest is of the whole original value: another value gives another digest.
  auto other = source(5000000);
  other.value.back() = 'w';
  BOOST_TEST(find(dead_letter_record(other, info), dlq_original_sha256_header)->value !=
             digest->value);
}

BOOST_AUTO_TEST_CASE(huge_keys_reasons_and_headers_are_bounded_too) {
  auto r = source(10);
  r.key.assign(600000, 'k');
  for (int i = 0; i < 100; ++i)
    r.headers.push_back({"h" + std::to_string(i), std::string(10000, 'x')});
  const std::string reason(100000, 'r');
  dead_letter_info info{reason, "content", 200000};
  const auto copy = dead_letter_record(r, info);
  BOOST_TEST(size_of(copy) <= info.max_bytes);
  BOOST_TEST(copy.key.size() < 2000u);
  BOOST_TEST(find(copy, dlq_reason_header)->value.size() < 5000u);
  BOOST_TEST(find(copy, dlq_dropped_headers_header)->value == "101");
  BOOST_TEST(copy.value.size() == 10u);
}

BOOST_AUTO_TEST_CASE(an_empty_value_stays_empty) {
  dead_letter_info info{"empty record value", "analytics", 1000000};
  const auto copy = dead_letter_record(source(0), info);
  BOOST_TEST(copy.value.empty());
  BOOST_TEST(find(copy, dlq_original_size_header) == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
