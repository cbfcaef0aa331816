#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <set>
#include <vector>

#include "actors/registry.hpp"
#include "runtime/applier.hpp"
#include "runtime/event_window.hpp"
#include "tests/runtime/runtime_unit_fixture.hpp"

using namespace aetherial;
using runtime::apply_outcome;
using runtime::event_window;

BOOST_AUTO_TEST_SUITE(event_window_suite)

BOOST_AUTO_TEST_CASE(refuses_an_id_it_remembers_and_forgets_the_oldest) {
  event_window w(3);
  BOOST_TEST(w.admit({0, 1}));
  BOOST_TEST(w.admit({0, 2}));
  BOOST_TEST(!w.admit({0, 1}));
  BOOST_TEST(w.admit({0, 3}));
  BOOST_TEST(w.admit({0, 4})); // forgets {0, 1}
  BOOST_TEST(w.size() == 3u);
  BOOST_TEST(w.admit({0, 1}));
  BOOST_TEST(!w.admit({0, 4}));
  const std::vector<schemas::event_id> expected{{0, 3}, {0, 4}, {0, 1}};
  BOOST_TEST((w.ids() == expected));
}

BOOST_AUTO_TEST_CASE(agrees_with_a_plain_set_and_queue_over_many_evictions) {
  // Ids from a small space, so that duplicates, evictions and re-admissions are frequent and
  // the index's probe runs wrap around; every answer and the final order must be the model's.
  for (const std::size_t capacity : {1u, 2u, 7u, 64u, 1000u}) {
    event_window w(capacity);
    std::deque<schemas::event_id> order;
    std::set<schemas::event_id> members;
    std::mt19937_64 rng(capacity);
    for (int i = 0; i < 200000; ++i) {
      const schemas::event_id id{rng() % 3, rng() % (3 * capacity + 2)};
      const bool expected = members.insert(id).second;
      if (expected) {
        order.push_back(id);
        if (order.size() > capacity) {
          members.erase(order.front());
          order.pop_front();
        }
      }
      BOOST_TEST_REQUIRE(w.admit(id) == expected, "capacity " << capacity << " step " << i);
    }
    BOOST_TEST(w.size() == order.size());
    BOOST_TEST((w.ids() == std::vector<schemas::event_id>(order.begin(), order.end())));
    event_window copy(capacity);
    copy.restore(w.ids());
    BOOST_TEST((copy.ids() == w.ids()));
    for (const auto& id : order)
      BOOST_TEST(!copy.admit(id));
  }
}

BOOST_AUTO_TEST_CASE(capacity_zero_admits_everything) {
  event_window w(0);
  BOOST_TEST(w.admit({1, 1}));
  BOOST_TEST(w.admit({1, 1}));
  BOOST_TEST(w.size() == 0u);
}

BOOST_AUTO_TEST_CASE(restore_keeps_the_newest_that_fit) {
  event_window w(2);
  w.restore({{0, 1}, {0, 2}, {0, 3}});
  const std::vector<schemas::event_id> expected{{0, 2}, {0, 3}};
  BOOST_TEST((w.ids() == expected));
  BOOST_TEST(w.admit({0, 1}));
  BOOST_TEST(!w.admit({0, 3}));
}

BOOST_AUTO_TEST_CASE(apply_record_dead_letters_the_second_and_third_input_sharing_an_id) {
  // Three different inputs with one event id: the first decides, the others are refused as
  // duplicates (no second decision with the same decision id), and a window restored from
  // what a snapshot keeps refuses them too.
  const auto* kind = actors::find_agent_kind("operations");
  BOOST_TEST_REQUIRE(kind != nullptr);
  actors::agent_settings settings;
  auto agent = kind->make(settings);
  actors::memory_table_store tables, fresh_tables;
  schemas::input_limits limits;
  event_window seen(limits.duplicate_window);
  auto first = runtime::test::make_record("platform.metrics", 0, 5, "web");
  auto second = runtime::test::make_record("platform.metrics", 0, 6, "api");
  auto third = runtime::test::make_record("platform.metrics", 0, 7, "db");
  second.value = runtime::test::load_event(5, "api"); // the id of `first`, another payload
  third.value = runtime::test::load_event(5, "db");
  const auto a = runtime::apply_record(*agent, seen, "operations", first, limits, nullptr, &tables);
  BOOST_TEST((a.result == apply_outcome::status::applied));
  for (const auto* r : {&second, &third}) {
    const auto d = runtime::apply_record(*agent, seen, "operations", *r, limits, nullptr, &tables);
    BOOST_TEST((d.result == apply_outcome::status::duplicate));
    BOOST_TEST(d.outputs.empty());
    BOOST_TEST(d.reason.find("duplicate event id") != std::string::npos, d.reason);
  }
  event_window restored(limits.duplicate_window);
  restored.restore(seen.ids());
  auto fresh = kind->make(settings);
  const auto again =
      runtime::apply_record(*fresh, restored, "operations", second, limits, nullptr, &fresh_tables);
  BOOST_TEST((again.result == apply_outcome::status::duplicate));
  const auto next = runtime::apply_record(*fresh, restored, "operations",
                                          runtime::test::make_record("platform.metrics", 0, 8),
                                          limits, nullptr, &fresh_tables);
  BOOST_TEST((next.result == apply_outcome::status::applied));
}

BOOST_AUTO_TEST_CASE(a_value_misaligned_in_its_buffer_is_decoded_from_an_aligned_copy) {
  // Records viewed in librdkafka's fetch buffer start at any address; FlatBuffers reads its
  // scalars in place, so decoding must not read them there (the sanitizer build checks it).
  schemas::input_limits limits;
  const auto event = runtime::test::load_event(42, "web");
  std::vector<std::uint8_t> storage(event.size() + 8);
  for (std::size_t shift = 0; shift < 8; ++shift) {
    std::copy(event.begin(), event.end(), storage.begin() + static_cast<std::ptrdiff_t>(shift));
    topics::record_view v;
    v.topic = "platform.metrics";
    v.value = topics::byte_view{storage.data() + shift, event.size()};
    std::vector<std::uint8_t> aligned;
    for (auto* scratch : {&aligned, static_cast<std::vector<std::uint8_t>*>(nullptr)}) {
      const auto d = runtime::decode_record(v, limits, scratch);
      BOOST_TEST_REQUIRE(d.env != nullptr, d.why);
      BOOST_TEST(reinterpret_cast<std::uintptr_t>(d.env) % 4 == 0);
      const auto direct = reinterpret_cast<std::uintptr_t>(storage.data() + shift) % 8 == 0;
      const auto* base = reinterpret_cast<const std::uint8_t*>(d.env);
      const bool in_buffer = base >= storage.data() && base < storage.data() + storage.size();
      BOOST_TEST(in_buffer == direct);
      BOOST_TEST((schemas::event_id::from(d.env->id()) ==
                  schemas::event_id::from(schemas::verify_envelope(event.data(), event.size(),
                                                                   limits.max_event_bytes, nullptr)
                                              ->id())));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
