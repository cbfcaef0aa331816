// Rows kept decoded between events (kit::row_cache): written back only at a flush or when the
// cache is full, only when their bytes changed, an empty record erasing its row; whatever the
// capacity and the flush points, the tables end as if every change were written at once.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "actors/kit/row_cache.hpp"
#include "actors/table.hpp"

using namespace aetherial::actors;

namespace {

struct counter {
  std::int64_t n = 0;
};

bytes encode(const counter& c) {
  const auto s = std::to_string(c.n);
  return bytes(s.begin(), s.end());
}

counter decode(const bytes& b) {
  const std::string s(b.begin(), b.end());
  if (s.empty() || s == "bad") throw std::runtime_error("not a counter");
  return counter{std::stoll(s)};
}

bool empty(const counter& c) {
  return c.n == 0;
}

using counters = kit::row_cache<counter, &encode, &decode, &empty>;

bytes b(const std::string& s) {
  return bytes(s.begin(), s.end());
}

/// A memory store that counts writes.
struct counting_store final : table_store {
  std::optional<bytes> get(std::string_view t, std::string_view k) const override {
    ++reads;
    return mem.get(t, k);
  }
  void put(std::string_view t, std::string_view k, bytes v) override {
    ++writes;
    mem.put(t, k, std::move(v));
  }
  void erase(std::string_view t, std::string_view k) override {
    ++erases;
    mem.erase(t, k);
  }
  void scan(std::string_view t, std::string_view from, std::string_view to,
            const std::function<bool(std::string_view, const bytes&)>& visit) const override {
    mem.scan(t, from, to, visit);
  }
  memory_table_store mem;
  mutable int reads = 0;
  int writes = 0;
  int erases = 0;
};

} // namespace

BOOST_AUTO_TEST_SUITE(row_cache)

BOOST_AUTO_TEST_CASE(rows_reach_the_table_at_the_flush_once) {
  counting_store t;
  t.mem.put("c", "a", b("5"));
  counters rows("c", 16);
  for (int i = 0; i < 10; ++i) {
    rows.at(t, "a").n += 1;
    rows.at(t, "z").n += 2;
  }
  BOOST_TEST(t.reads == 2); // each row read once
  BOOST_TEST(t.writes == 0);
  BOOST_TEST((t.mem.get("c", "a") == b("5"))); // not yet written back
  rows.flush(t);
  BOOST_TEST(t.writes == 2);
  BOOST_TEST((t.mem.get("c", "a") == b("15")));
  BOOST_TEST((t.mem.get("c", "z") == b("20")));
  // Used but unchanged: nothing written; not used: not even encoded.
  (void)rows.at(t, "a");
  rows.flush(t);
  BOOST_TEST(t.writes == 2);
}

BOOST_AUTO_TEST_CASE(an_empty_record_erases_its_row_and_a_new_empty_one_writes_nothing) {
  counting_store t;
  t.mem.put("c", "a", b("5"));
  counters rows("c", 16);
  rows.at(t, "a").n = 0;
  (void)rows.at(t, "never");
  rows.flush(t);
  BOOST_TEST(!t.mem.get("c", "a"));
  BOOST_TEST(t.erases == 1); // "never" was not stored: nothing to erase
  BOOST_TEST(t.writes == 0);
  rows.at(t, "a").n = 7; // back again
  rows.flush(t);
  BOOST_TEST((t.mem.get("c", "a") == b("7")));
}

BOOST_AUTO_TEST_CASE(a_full_cache_writes_back_before_it_forgets) {
  memory_table_store t;
  counters rows("c", 2);
  rows.at(t, "a").n = 1;
  rows.at(t, "b").n = 2;
  BOOST_TEST(t.size("c") == 0u);
  rows.at(t, "c").n = 3; // full: a and b go to the table first
  BOOST_TEST(rows.size() == 1u);
  BOOST_TEST((t.get("c", "a") == b("1")));
  BOOST_TEST((t.get("c", "b") == b("2")));
  rows.at(t, "a").n += 10; // read back from the table
  rows.flush(t);
  BOOST_TEST((t.get("c", "a") == b("11")));
  BOOST_TEST((t.get("c", "c") == b("3")));
}

BOOST_AUTO_TEST_CASE(clear_forgets_without_writing) {
  memory_table_store t;
  counters rows("c", 4);
  rows.at(t, "a").n = 1;
  rows.clear();
  rows.flush(t);
  BOOST_TEST(t.size("c") == 0u);
}

BOOST_AUTO_TEST_CASE(a_row_that_does_not_decode_throws_on_use) {
  memory_table_store t;
  t.put("c", "x", b("bad"));
  counters rows("c", 4);
  BOOST_CHECK_THROW((void)rows.at(t, "x"), std::runtime_error);
  BOOST_TEST(rows.size() == 0u);
}

// Any capacity, any flush points: the same tables as writing every change at once.
BOOST_AUTO_TEST_CASE(any_capacity_and_flush_points_end_in_the_same_rows) {
  std::mt19937 gen(7);
  std::uniform_int_distribution<int> key(0, 40), delta(-3, 3), flush_now(0, 20);
  for (const std::size_t capacity : {1u, 2u, 7u, 64u}) {
    memory_table_store cached, direct;
    counters rows("c", capacity);
    for (int i = 0; i < 5000; ++i) {
      const auto k = "k" + std::to_string(key(gen));
      const int d = delta(gen);
      rows.at(cached, k).n += d;
      auto v = direct.get("c", k);
      counter c = v ? decode(*v) : counter{};
      c.n += d;
      if (empty(c))
        direct.erase("c", k);
      else
        direct.put("c", k, encode(c));
      if (flush_now(gen) == 0) rows.flush(cached);
    }
    rows.flush(cached);
    BOOST_TEST((cached.tables() == direct.tables()), "capacity " << capacity);
  }
}

BOOST_AUTO_TEST_SUITE_END()
