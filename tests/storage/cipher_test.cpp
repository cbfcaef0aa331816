#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "storage/cipher.hpp"
#include "storage/snapshot.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/test_support.hpp"

using namespace aetherial::storage;
using aetherial::storage::test::describe;

namespace {

constexpr const char* hex_a = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* hex_b = "f0e0d0c0b0a090807060504030201000ffeeddccbbaa99887766554433221100";

state_cipher::key key_of(const std::string& id, std::uint8_t fill) {
  state_cipher::key k;
  k.id = id;
  k.bytes.fill(fill);
  return k;
}

std::shared_ptr<const state_cipher> cipher_of(std::vector<state_cipher::key> keys) {
  auto c = state_cipher::from_keys(std::move(keys));
  BOOST_TEST_REQUIRE(c.has_value());
  return c.value();
}

snapshot sample(std::int32_t partition = 2) {
  snapshot s;
  s.agent = "analytics";
  s.partition = partition;
  s.state_version = 3;
  s.offsets = {{"platform.activity", partition, 500}};
  s.journal_seq = 12;
  s.events_applied = 500;
  s.last_event_time_ms = 1700000000000;
  const std::string secret = "tenant=acme;user=alice@example.com;visits=42";
  s.state.assign(secret.begin(), secret.end());
  s.recent_event_ids = {{1, 2}};
  return s;
}

bool contains(const std::vector<std::uint8_t>& hay, const std::string& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

std::string write_key_file(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

} // namespace

BOOST_AUTO_TEST_SUITE(state_cipher_suite)

BOOST_AUTO_TEST_CASE(sealed_snapshot_round_trips_and_hides_the_state) {
  const auto cipher = cipher_of({key_of("k1", 7)});
  const auto s = sample();
  auto bytes = encode_snapshot(s, cipher.get());
  BOOST_TEST_REQUIRE(bytes.has_value());
  BOOST_TEST(!contains(bytes.value(), "alice@example.com"));
  BOOST_TEST(contains(encode_snapshot(s), "alice@example.com")); // in clear without a cipher
  auto d = decode_snapshot(bytes.value().data(), bytes.value().size(), cipher.get());
  BOOST_TEST_REQUIRE(d.has_value(), describe(d));
  BOOST_TEST(d.value().state == s.state, boost::test_tools::per_element());
  BOOST_TEST(d.value().sealed_with == "k1");
  BOOST_TEST(d.value().journal_seq == s.journal_seq);
  // A fresh nonce each time: two seals of one state differ.
  auto again = encode_snapshot(s, cipher.get());
  BOOST_TEST_REQUIRE(again.has_value());
  BOOST_TEST((again.value() != bytes.value()));
}

BOOST_AUTO_TEST_CASE(empty_state_seals_and_opens) {
  const auto cipher = cipher_of({key_of("k1", 1)});
  auto s = sample();
  s.state.clear();
  auto bytes = encode_snapshot(s, cipher.get());
  BOOST_TEST_REQUIRE(bytes.has_value());
  auto d = decode_snapshot(bytes.value().data(), bytes.value().size(), cipher.get());
  BOOST_TEST_REQUIRE(d.has_value(), describe(d));
  BOOST_TEST(d.value().state.empty());
}

BOOST_AUTO_TEST_CASE(sealed_state_without_its_key_is_unusable) {
  const auto cipher = cipher_of({key_of("k1", 7)});
  auto bytes = encode_snapshot(sample(), cipher.get());
  BOOST_TEST_REQUIRE(bytes.has_value());
  const auto& b = bytes.value();

  auto none = decode_snapshot(b.data(), b.size());
  BOOST_TEST_REQUIRE(!none.has_value());
  BOOST_TEST(none.error_value().code == static_cast<int>(errc::corrupt));
  BOOST_TEST(none.error_value().message.find("no snapshot key file") != std::string::npos,
             none.error_value().message);

  const auto shredded = cipher_of({key_of("k2", 9)}); // k1 deleted
  auto gone = decode_snapshot(b.data(), b.size(), shredded.get());
  BOOST_TEST_REQUIRE(!gone.has_value());
  BOOST_TEST(gone.error_value().message.find("no longer holds") != std::string::npos,
             gone.error_value().message);

  const auto impostor = cipher_of({key_of("k1", 8)}); // same id, other key
  auto wrong = decode_snapshot(b.data(), b.size(), impostor.get());
  BOOST_TEST_REQUIRE(!wrong.has_value());
  BOOST_TEST(wrong.error_value().message.find("does not authenticate") != std::string::npos,
             wrong.error_value().message);
}

BOOST_AUTO_TEST_CASE(rotation_opens_old_keys_and_seals_with_the_first) {
  const auto old_cipher = cipher_of({key_of("k1", 7)});
  auto old_bytes = encode_snapshot(sample(), old_cipher.get());
  BOOST_TEST_REQUIRE(old_bytes.has_value());
  const auto rotated = cipher_of({key_of("k2", 9), key_of("k1", 7)});
  BOOST_TEST(rotated->sealing_key() == "k2");
  auto d = decode_snapshot(old_bytes.value().data(), old_bytes.value().size(), rotated.get());
  BOOST_TEST_REQUIRE(d.has_value(), describe(d));
  BOOST_TEST(d.value().sealed_with == "k1");
  auto new_bytes = encode_snapshot(d.value(), rotated.get());
  BOOST_TEST_REQUIRE(new_bytes.has_value());
  auto d2 = decode_snapshot(new_bytes.value().data(), new_bytes.value().size(), rotated.get());
  BOOST_TEST_REQUIRE(d2.has_value());
  BOOST_TEST(d2.value().sealed_with == "k2");
  // State written in clear (before encryption was turned on) still opens.
  const auto clear = encode_snapshot(sample());
  auto d3 = decode_snapshot(clear.data(), clear.size(), rotated.get());
  BOOST_TEST_REQUIRE(d3.has_value());
  BOOST_TEST(d3.value().sealed_with.empty());
}

BOOST_AUTO_TEST_CASE(sealed_state_is_bound_to_its_context_and_tamper_evident) {
  const auto cipher = cipher_of({key_of("k1", 7)});
  const std::string plain = "state";
  auto sealed = cipher->seal(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size(),
                             "analytics/2");
  BOOST_TEST_REQUIRE(sealed.has_value());
  const auto& s = sealed.value();
  auto ok = cipher->open("k1", s.nonce.data(), s.nonce.size(), s.data.data(), s.data.size(),
                         "analytics/2");
  BOOST_TEST_REQUIRE(ok.has_value());
  BOOST_TEST(std::string(ok.value().begin(), ok.value().end()) == plain);
  // Another partition's context, a flipped ciphertext bit, a flipped nonce bit: refused.
  BOOST_TEST(
      !cipher
           ->open("k1", s.nonce.data(), s.nonce.size(), s.data.data(), s.data.size(), "analytics/3")
           .has_value());
  auto flipped = s.data;
  flipped[0] ^= 1;
  BOOST_TEST(!cipher
                  ->open("k1", s.nonce.data(), s.nonce.size(), flipped.data(), flipped.size(),
                         "analytics/2")
                  .has_value());
  auto nonce = s.nonce;
  nonce[3] ^= 0x80;
  BOOST_TEST(
      !cipher->open("k1", nonce.data(), nonce.size(), s.data.data(), s.data.size(), "analytics/2")
           .has_value());
  BOOST_TEST(!cipher->open("k1", s.nonce.data(), s.nonce.size(), s.data.data(), 10, "analytics/2")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(key_file_is_parsed_and_checked) {
  aetherial::storage::test::temp_dir dir;
  const auto good = write_key_file(
      dir.sub("keys"), std::string("# rotated 2026-11\nk2 ") + hex_b + "\n\n  k1 " + hex_a + "\n",
      0600);
  auto c = state_cipher::load(good);
  BOOST_TEST_REQUIRE(c.has_value(), describe(c));
  BOOST_TEST(c.value()->sealing_key() == "k2");
  BOOST_TEST(c.value()->size() == 2U);
  BOOST_TEST(c.value()->has("k1"));

  struct bad_case {
    std::string text;
    std::string expected;
    mode_t mode;
  };
  const std::vector<bad_case> bad{
      {std::string("k1 ") + hex_a + "\n", "readable by every user", 0644},
      {"", "holds no key", 0600},
      {"# only a comment\n", "holds no key", 0600},
      {std::string("k1 ") + std::string(hex_a).substr(2) + "\n", "line 1", 0600},
      {std::string("k1 ") + hex_a + "zz\n", "line 1", 0600},
      {std::string("k1\n"), "line 1", 0600},
      {std::string("k1 ") + hex_a + " extra\n", "line 1", 0600},
      {std::string("k1 ") + hex_a + "\nk1 " + hex_b + "\n", "appears twice", 0600},
      {std::string("k/1 ") + hex_a + "\n", "not 1 to 64", 0600},
  };
  int i = 0;
  for (const auto& b : bad) {
    const auto path = write_key_file(dir.sub("bad" + std::to_string(i++)), b.text, b.mode);
    auto r = state_cipher::load(path);
    BOOST_TEST_REQUIRE(!r.has_value(), b.text);
    const auto& m = r.error_value().message;
    BOOST_TEST(m.find(b.expected) != std::string::npos, m);
    BOOST_TEST(m.find(std::string(hex_a).substr(8, 16)) == std::string::npos, m); // no key echoed
    BOOST_TEST(m.find(std::string(hex_b).substr(8, 16)) == std::string::npos, m);
  }
  auto missing = state_cipher::load(dir.sub("nope"));
  BOOST_TEST_REQUIRE(!missing.has_value());
  BOOST_TEST(missing.error_value().message.find("--snapshot-key-file") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(store_seals_at_rest_and_deleting_the_key_shreds) {
  aetherial::storage::test::temp_dir dir;
  const auto path = dir.sub("db");
  const auto s = sample();
  {
    store_options o;
    o.cipher = cipher_of({key_of("k1", 7)});
    auto store = snapshot_store::open(path, o);
    BOOST_TEST_REQUIRE(store.has_value());
    BOOST_TEST_REQUIRE(store.value()->put(s).has_value());
    auto back = store.value()->latest_valid(s.agent, s.partition);
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST_REQUIRE(back.value().has_value());
    BOOST_TEST(back.value()->state == s.state, boost::test_tools::per_element());
    BOOST_TEST(back.value()->sealed_with == "k1");
  }
  {
    // The key is gone: the snapshot is skipped as unusable, the state is not readable.
    store_options o;
    o.cipher = cipher_of({key_of("k9", 3)});
    auto store = snapshot_store::open(path, o);
    BOOST_TEST_REQUIRE(store.has_value());
    std::size_t skipped = 0;
    auto back = store.value()->latest_valid(s.agent, s.partition, {}, &skipped);
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(!back.value().has_value());
    BOOST_TEST(skipped == 1U);
    auto listed = store.value()->list();
    BOOST_TEST_REQUIRE(listed.has_value());
    BOOST_TEST_REQUIRE(listed.value().size() == 1U);
    BOOST_TEST(!listed.value()[0].valid);
    BOOST_TEST(listed.value()[0].problem.find("no longer holds") != std::string::npos,
               listed.value()[0].problem);
  }
}

BOOST_AUTO_TEST_SUITE_END()
