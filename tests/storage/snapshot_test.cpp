#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "storage/snapshot.hpp"
#include "tests/storage/test_support.hpp"

using namespace aetherial::storage;
using aetherial::storage::test::describe;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

// Bit-at-a-time CRC-32C, the definition the table-driven version must match.
std::uint32_t crc32c_bitwise(const std::uint8_t* p, std::size_t n) {
  std::uint32_t c = 0xffffffffu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k)
      c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return c ^ 0xffffffffu;
}

snapshot sample(const std::string& agent = "operations", std::int32_t partition = 3) {
  snapshot s;
  s.agent = agent;
  s.partition = partition;
  s.state_version = 7;
  s.offsets = {{"platform.metrics", 3, 1200}, {"platform.health", 3, 45}};
  s.journal_seq = 99;
  s.events_applied = 1245;
  s.last_event_time_ms = 1700000000123;
  s.state = bytes_of("STATE:replicas=4;cooldown_until=1700000060000;");
  s.recent_event_ids = {{0x1111, 0x2222}, {0xfeed, 42}, {~0ULL, 7}};
  return s;
}

void check_same(const snapshot& a, const snapshot& b) {
  BOOST_TEST(a.agent == b.agent);
  BOOST_TEST(a.partition == b.partition);
  BOOST_TEST(a.state_version == b.state_version);
  BOOST_TEST((a.offsets == b.offsets));
  BOOST_TEST(a.journal_seq == b.journal_seq);
  BOOST_TEST(a.events_applied == b.events_applied);
  BOOST_TEST(a.last_event_time_ms == b.last_event_time_ms);
  BOOST_TEST(a.state == b.state, boost::test_tools::per_element());
  BOOST_TEST((a.recent_event_ids == b.recent_event_ids));
}

void check_corrupt(const aetherial::result<snapshot>& r, const std::string& expected_text) {
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error_value().module == "storage");
  BOOST_TEST(r.error_value().code == static_cast<int>(errc::corrupt));
  BOOST_TEST(r.error_value().message.find(expected_text) != std::string::npos,
             "message '" << r.error_value().message << "' should contain '" << expected_text
                         << "'");
}

} // namespace

BOOST_AUTO_TEST_SUITE(snapshot_encoding)

BOOST_AUTO_TEST_CASE(crc32c_matches_published_vectors) {
  const auto digits = bytes_of("123456789");
  BOOST_TEST(crc32c(digits.data(), digits.size()) == 0xE3069283u);
  // RFC 3720, B.4.
  std::vector<std::uint8_t> zeros(32, 0x00), ones(32, 0xff), up(32), down(32);
  for (std::size_t i = 0; i < 32; ++i) {
    up[i] = static_cast<std::uint8_t>(i);
    down[i] = static_cast<std::uint8_t>(31 - i);
  }
  BOOST_TEST(crc32c(zeros.data(), zeros.size()) == 0x8A9136AAu);
  BOOST_TEST(crc32c(ones.data(), ones.size()) == 0x62A8AB43u);
  BOOST_TEST(crc32c(up.data(), up.size()) == 0x46DD794Eu);
  BOOST_TEST(crc32c(down.data(), down.size()) == 0x113FDB5Cu);
  BOOST_TEST(crc32c(nullptr, 0) == 0u);
}

BOOST_AUTO_TEST_CASE(crc32c_matches_bitwise_at_every_length_and_alignment) {
  std::vector<std::uint8_t> data(300);
  std::uint32_t x = 12345;
  for (auto& b : data)
    b = static_cast<std::uint8_t>((x = x * 1103515245u + 12345u) >> 16);
  for (std::size_t start = 0; start < 8; ++start)
    for (std::size_t len = 0; len + start <= data.size(); len += 7)
      BOOST_TEST_REQUIRE(crc32c(data.data() + start, len) ==
                         crc32c_bitwise(data.data() + start, len));
}

BOOST_AUTO_TEST_CASE(round_trip_keeps_every_field) {
  const auto s = sample();
  const auto bytes = encode_snapshot(s);
  BOOST_TEST(std::memcmp(bytes.data() + 4, "AESN", 4) == 0);
  auto d = decode_snapshot(bytes.data(), bytes.size());
  BOOST_TEST_REQUIRE(d.has_value(), describe(d));
  check_same(*d, s);
}

BOOST_AUTO_TEST_CASE(round_trip_of_empty_state_and_no_offsets) {
  snapshot s;
  s.agent = "analytics";
  const auto bytes = encode_snapshot(s);
  auto d = decode_snapshot(bytes.data(), bytes.size());
  BOOST_TEST_REQUIRE(d.has_value(), describe(d));
  check_same(*d, s);
}

BOOST_AUTO_TEST_CASE(decodes_from_an_unaligned_buffer) {
  const auto s = sample();
  const auto bytes = encode_snapshot(s);
  std::vector<std::uint8_t> shifted(bytes.size() + 1);
  std::copy(bytes.begin(), bytes.end(), shifted.begin() + 1);
  auto d = decode_snapshot(shifted.data() + 1, bytes.size());
  BOOST_TEST_REQUIRE(d.has_value(), describe(d));
  check_same(*d, s);
}

BOOST_AUTO_TEST_CASE(flipped_state_byte_fails_the_checksum) {
  const auto s = sample();
  auto bytes = encode_snapshot(s);
  const auto at = std::search(bytes.begin(), bytes.end(), s.state.begin(), s.state.end());
  BOOST_TEST_REQUIRE((at != bytes.end()));
  *(at + 10) ^= 0x01;
  check_corrupt(decode_snapshot(bytes.data(), bytes.size()), "checksum mismatch");
}

BOOST_AUTO_TEST_CASE(truncated_buffers_are_rejected) {
  const auto bytes = encode_snapshot(sample());
  for (std::size_t cut :
       {std::size_t{1}, std::size_t{7}, std::size_t{8}, bytes.size() / 2, bytes.size() - 1}) {
    BOOST_TEST_CONTEXT("cut at " << cut) {
      const auto r = decode_snapshot(bytes.data(), cut);
      BOOST_TEST_REQUIRE(!r.has_value());
      BOOST_TEST(r.error_value().code == static_cast<int>(errc::corrupt));
      BOOST_TEST(!r.error_value().message.empty());
    }
  }
  check_corrupt(decode_snapshot(bytes.data(), 5), "too short");
  check_corrupt(decode_snapshot(bytes.data(), bytes.size() - 1), "not a whole FlatBuffer");
  // Cut on a 4-byte boundary inside the data, past the size check, into the verifier.
  check_corrupt(decode_snapshot(bytes.data(), bytes.size() / 2 / 4 * 4), "verification");
}

BOOST_AUTO_TEST_CASE(garbage_and_empty_buffers_are_rejected) {
  std::vector<std::uint8_t> garbage(512);
  std::uint32_t x = 7;
  for (auto& b : garbage)
    b = static_cast<std::uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
  garbage[4] = 'J', garbage[5] = 'U', garbage[6] = 'N', garbage[7] = 'K';
  check_corrupt(decode_snapshot(garbage.data(), garbage.size()),
                "file identifier 'JUNK', expected 'AESN'");
  // The right identifier in front of a garbage body still fails verification.
  garbage[4] = 'A', garbage[5] = 'E', garbage[6] = 'S', garbage[7] = 'N';
  check_corrupt(decode_snapshot(garbage.data(), garbage.size()), "verification");
  check_corrupt(decode_snapshot(nullptr, 0), "empty");
  check_corrupt(decode_snapshot(garbage.data(), 0), "empty");
}

BOOST_AUTO_TEST_CASE(flipping_any_single_byte_never_yields_a_different_snapshot) {
  // A flip is rejected, or it hit padding or an unused byte: no field (state, offsets,
  // sequence, counters, version, agent, partition) ever changes silently.
  const auto s = sample();
  const auto bytes = encode_snapshot(s);
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x5a}, std::uint8_t{0x80}}) {
      auto copy = bytes;
      copy[i] ^= mask;
      const auto r = decode_snapshot(copy.data(), copy.size());
      if (!r.has_value()) {
        ++rejected;
        continue;
      }
      BOOST_TEST(r->state == s.state, "state changed silently by flipping byte " << i);
      BOOST_TEST(r->agent == s.agent, "agent changed silently by flipping byte " << i);
      BOOST_TEST(r->partition == s.partition, "partition changed by flipping byte " << i);
      BOOST_TEST(r->state_version == s.state_version, "version changed by flipping byte " << i);
      BOOST_TEST(r->journal_seq == s.journal_seq, "journal_seq changed by flipping byte " << i);
      BOOST_TEST(r->events_applied == s.events_applied, "events changed by flipping byte " << i);
      BOOST_TEST(r->last_event_time_ms == s.last_event_time_ms, "time changed at byte " << i);
      BOOST_TEST((r->recent_event_ids == s.recent_event_ids), "event ids changed at byte " << i);
      BOOST_TEST_REQUIRE(r->offsets.size() == s.offsets.size());
      for (std::size_t k = 0; k < s.offsets.size(); ++k) {
        BOOST_TEST(r->offsets[k].topic == s.offsets[k].topic, "offsets changed at byte " << i);
        BOOST_TEST(r->offsets[k].offset == s.offsets[k].offset, "offsets changed at byte " << i);
        BOOST_TEST(r->offsets[k].partition == s.offsets[k].partition);
      }
    }
  }
  BOOST_TEST(rejected > 0u);
}

BOOST_AUTO_TEST_CASE(a_damaged_offset_fails_the_record_checksum) {
  const auto s = sample();
  auto bytes = encode_snapshot(s);
  // Find the first offset's 8-byte value in the buffer and change it.
  const auto offset = s.offsets.front().offset;
  std::size_t at = bytes.size();
  for (std::size_t i = 0; i + 8 <= bytes.size(); ++i) {
    std::int64_t v;
    std::memcpy(&v, &bytes[i], 8);
    if (v == offset) {
      at = i;
      break;
    }
  }
  BOOST_TEST_REQUIRE(at < bytes.size());
  bytes[at] ^= 0x01;
  check_corrupt(decode_snapshot(bytes.data(), bytes.size()), "record checksum mismatch");
}

BOOST_AUTO_TEST_CASE(a_damaged_recent_event_id_fails_the_record_checksum) {
  const auto s = sample();
  auto bytes = encode_snapshot(s);
  const std::uint64_t marker = s.recent_event_ids[1].hi;
  std::size_t at = bytes.size();
  for (std::size_t i = 0; i + 8 <= bytes.size(); ++i) {
    std::uint64_t v;
    std::memcpy(&v, &bytes[i], 8);
    if (v == marker) {
      at = i;
      break;
    }
  }
  BOOST_TEST_REQUIRE(at < bytes.size());
  bytes[at] ^= 0x01;
  check_corrupt(decode_snapshot(bytes.data(), bytes.size()), "record checksum mismatch");
}

BOOST_AUTO_TEST_CASE(a_record_without_recent_event_ids_keeps_its_checksum) {
  // Records written before the window existed (no ids) still verify: an empty window adds
  // nothing to the checksum.
  auto s = sample();
  s.recent_event_ids.clear();
  const auto bytes = encode_snapshot(s);
  auto d = decode_snapshot(bytes.data(), bytes.size());
  BOOST_TEST_REQUIRE(d.has_value(), describe(d));
  check_same(*d, s);
}

BOOST_AUTO_TEST_CASE(crc32c_extends_over_concatenation) {
  const std::string a = "snapshot ", b = "record";
  const std::string ab = a + b;
  const auto* pa = reinterpret_cast<const std::uint8_t*>(a.data());
  const auto* pb = reinterpret_cast<const std::uint8_t*>(b.data());
  const auto* pab = reinterpret_cast<const std::uint8_t*>(ab.data());
  BOOST_TEST(crc32c_extend(crc32c(pa, a.size()), pb, b.size()) == crc32c(pab, ab.size()));
}

BOOST_AUTO_TEST_SUITE_END()
