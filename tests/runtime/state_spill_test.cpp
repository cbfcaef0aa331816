// A state too large for one record spills into `$state` rows and comes back whole; only the
// chunks that changed are written; a state that fits again removes them; a chunk missing,
// short or altered makes the state unreadable instead of wrong.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

#include "runtime/state_spill.hpp"

using namespace aetherial;
using aetherial::runtime::spill_table;

namespace {

std::vector<std::uint8_t> pattern(std::size_t size, std::uint8_t seed) {
  std::vector<std::uint8_t> v(size);
  for (std::size_t i = 0; i < size; ++i)
    v[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xffu);
  return v;
}

/// A store that counts the writes it is given.
class counting_store final : public actors::table_store {
public:
  std::optional<actors::bytes> get(std::string_view t, std::string_view k) const override {
    return inner.get(t, k);
  }
  void put(std::string_view t, std::string_view k, actors::bytes v) override {
    ++puts;
    inner.put(t, k, std::move(v));
  }
  void erase(std::string_view t, std::string_view k) override {
    ++erases;
    inner.erase(t, k);
  }
  void
  scan(std::string_view t, std::string_view from, std::string_view to,
       const std::function<bool(std::string_view, const actors::bytes&)>& visit) const override {
    inner.scan(t, from, to, visit);
  }
  actors::memory_table_store inner;
  int puts = 0;
  int erases = 0;
};

} // namespace

BOOST_AUTO_TEST_SUITE(state_spill)

BOOST_AUTO_TEST_CASE(a_small_state_stays_in_the_snapshot) {
  actors::memory_table_store tables;
  const auto state = pattern(4096, 1);
  const auto kept = runtime::spill_state(tables, state, 4096);
  BOOST_TEST((kept == state));
  BOOST_TEST(!runtime::is_spilled(kept));
  BOOST_TEST(tables.size(spill_table) == 0u);
  const auto back = runtime::unspill_state(tables, kept);
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST((back.value() == state));
}

BOOST_AUTO_TEST_CASE(a_large_state_spills_into_chunks_and_comes_back_whole) {
  counting_store tables;
  auto state = pattern(10 * 4096 + 17, 2);
  const auto marker = runtime::spill_state(tables, state, 4096);
  BOOST_TEST(runtime::is_spilled(marker));
  BOOST_TEST(marker.size() < 100u);
  BOOST_TEST(tables.inner.size(spill_table) == 11u);
  BOOST_TEST(tables.puts == 11);
  for (const auto& [key, value] : tables.inner.tables().at(std::string(spill_table)))
    BOOST_TEST(value.size() <= 4096u);
  const auto back = runtime::unspill_state(tables, marker);
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST((back.value() == state));

  // One byte changes: one chunk is written again.
  state[5 * 4096 + 3] ^= 0xffu;
  tables.puts = 0;
  const auto marker2 = runtime::spill_state(tables, state, 4096);
  BOOST_TEST(tables.puts == 1);
  BOOST_TEST((marker2 != marker));
  BOOST_TEST((runtime::unspill_state(tables, marker2).value() == state));

  // It shrinks to 3 chunks: the 8 beyond go; then it fits in the snapshot: all go.
  const auto smaller = pattern(3 * 4096, 3);
  const auto marker3 = runtime::spill_state(tables, smaller, 4096);
  BOOST_TEST(tables.inner.size(spill_table) == 3u);
  BOOST_TEST((runtime::unspill_state(tables, marker3).value() == smaller));
  const auto tiny = pattern(100, 4);
  BOOST_TEST((runtime::spill_state(tables, tiny, 4096) == tiny));
  BOOST_TEST(tables.inner.size(spill_table) == 0u);
}

BOOST_AUTO_TEST_CASE(chunks_that_do_not_match_the_marker_are_refused) {
  actors::memory_table_store tables;
  const auto state = pattern(3 * 4096 + 1, 5);
  const auto marker = runtime::spill_state(tables, state, 4096);
  const std::string second("\0\0\0\1", 4);
  const auto good = *tables.get(spill_table, second);

  auto altered = good;
  altered[7] ^= 1u;
  tables.put(spill_table, second, altered);
  auto r = runtime::unspill_state(tables, marker);
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error_value().message.find("digest") != std::string::npos);

  tables.put(spill_table, second, actors::bytes(good.begin(), good.end() - 1));
  r = runtime::unspill_state(tables, marker);
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error_value().message.find("chunk 1") != std::string::npos);

  tables.erase(spill_table, second);
  r = runtime::unspill_state(tables, marker);
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error_value().message.find("lacks chunk 1") != std::string::npos);

  // A marker whose numbers disagree.
  auto bad = marker;
  bad[8 + 4 + 7] ^= 0x10u; // the state size
  tables.put(spill_table, second, good);
  BOOST_TEST(!runtime::unspill_state(tables, bad).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
