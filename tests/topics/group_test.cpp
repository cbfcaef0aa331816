// Consumer group behaviour against the embedded broker. The mock rebalances slowly (about
// session.timeout.ms - 1 s per round), hence the generous deadlines.
#include <boost/test/unit_test.hpp>

#include "tests/topics/broker_fixture.hpp"

using namespace aetherial::topics;
using namespace aetherial::topics::test;

namespace {

std::string describe(const std::set<topic_partition>& owned) {
  std::string out;
  for (const auto& tp : owned)
    out += tp.topic + "[" + std::to_string(tp.partition) + "] ";
  return out;
}

void report_errors(consumer& c, const char* who) {
  for (const auto& e : c.take_errors())
    BOOST_TEST_MESSAGE(who << ": " << e.to_string());
}

} // namespace

BOOST_FIXTURE_TEST_CASE(members_split_partitions_and_the_survivor_takes_all, broker_fixture) {
  create("orders", 4);
  recording_listener la;
  recording_listener lb;
  auto a = make_member("split-group", &la, {"orders"});
  BOOST_REQUIRE_MESSAGE(eventually(60s,
                                   [&] {
                                     (void)a->poll(100, 200ms);
                                     return la.owned.size() == 4;
                                   }),
                        "a owns " << describe(la.owned));

  auto b = make_member("split-group", &lb, {"orders"});
  BOOST_REQUIRE_MESSAGE(eventually(90s,
                                   [&] {
                                     (void)a->poll(100, 100ms);
                                     (void)b->poll(100, 100ms);
                                     return la.owned.size() == 2 && lb.owned.size() == 2;
                                   }),
                        "a owns " << describe(la.owned) << "; b owns " << describe(lb.owned));
  // Eager (range): a gave back all it owned, then was assigned its half.
  BOOST_TEST_REQUIRE(!la.revocations.empty());
  BOOST_TEST(la.revocations.front().size() == 4u);
  for (const auto& tp : la.owned)
    BOOST_TEST(lb.owned.count(tp) == 0u);

  auto p = make_producer();
  // Every record reaches the member owning its partition.
  for (int i = 0; i < 40; ++i)
    send(*p, "orders", i % 4, "k", std::to_string(i));
  flush(*p);
  std::size_t got_a = 0;
  std::size_t got_b = 0;
  BOOST_TEST(eventually(30s, [&] {
    for (const auto& rec : a->poll(100, 100ms)) {
      BOOST_TEST(la.owned.count(topic_partition{rec.topic, rec.partition}) == 1u);
      ++got_a;
    }
    for (const auto& rec : b->poll(100, 100ms)) {
      BOOST_TEST(lb.owned.count(topic_partition{rec.topic, rec.partition}) == 1u);
      ++got_b;
    }
    return got_a + got_b == 40;
  }));
  BOOST_TEST(got_a == 20u);
  BOOST_TEST(got_b == 20u);

  // b leaves cleanly: its revocation runs inside close().
  b->close();
  BOOST_TEST(lb.owned.empty());
  b.reset();
  BOOST_REQUIRE_MESSAGE(eventually(90s,
                                   [&] {
                                     (void)a->poll(100, 200ms);
                                     return la.owned.size() == 4;
                                   }),
                        "a owns " << describe(la.owned));
  report_errors(*a, "a");
}

BOOST_FIXTURE_TEST_CASE(committed_offsets_survive_a_member_restart, broker_fixture) {
  create("ledger", 1);
  auto p = make_producer();
  for (int i = 0; i < 10; ++i)
    send(*p, "ledger", 0, "k", std::to_string(i));
  flush(*p);

  {
    recording_listener l;
    auto first = make_member("ledger-group", &l, {"ledger"});
    std::vector<record> seen;
    BOOST_REQUIRE(eventually(60s, [&] {
      for (auto& rec : first->poll(100, 200ms))
        seen.push_back(std::move(rec));
      return seen.size() >= 10;
    }));
    BOOST_TEST(seen.front().offset == 0);
    // Processed up to offset 5: the next to read is 6.
    auto c = first->commit({{"ledger", 0, 6}});
    BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error_value().to_string()));
    auto committed = first->committed({{"ledger", 0}}, 10s);
    BOOST_REQUIRE(committed.has_value());
    BOOST_TEST(committed->front().offset == 6);
    first->close();
  }

  recording_listener l;
  auto second = make_member("ledger-group", &l, {"ledger"});
  auto committed = second->committed({{"ledger", 0}}, 10s);
  BOOST_REQUIRE_MESSAGE(committed.has_value(),
                        (committed ? "" : committed.error_value().to_string()));
  BOOST_TEST(committed->front().offset == 6);
  std::vector<record> seen;
  BOOST_REQUIRE(eventually(60s, [&] {
    for (auto& rec : second->poll(100, 200ms))
      seen.push_back(std::move(rec));
    return seen.size() >= 4;
  }));
  BOOST_TEST(seen.size() == 4u);
  BOOST_TEST(seen.front().offset == 6);
  BOOST_TEST(seen.back().offset == 9);

  // A group that never committed has no offset.
  auto other = consumer::create(group_cfg(), "fresh-group", nullptr);
  BOOST_REQUIRE(other.has_value());
  auto none = other.value()->committed({{"ledger", 0}}, 10s);
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(none->front().offset == -1001);
}

BOOST_FIXTURE_TEST_CASE(pause_stops_delivery_resume_restarts_it_seek_rewinds, broker_fixture) {
  create("paced", 1);
  auto p = make_producer();
  for (int i = 0; i < 5; ++i)
    send(*p, "paced", 0, "k", std::to_string(i));
  flush(*p);

  recording_listener l;
  auto c = make_member("paced-group", &l, {"paced"});
  std::vector<record> seen;
  BOOST_REQUIRE(eventually(60s, [&] {
    for (auto& rec : c->poll(100, 200ms))
      seen.push_back(std::move(rec));
    return seen.size() >= 5;
  }));

  BOOST_REQUIRE(c->pause({{"paced", 0}}));
  for (int i = 5; i < 10; ++i)
    send(*p, "paced", 0, "k", std::to_string(i));
  flush(*p);
  auto r = make_reader();
  auto w = r->watermarks("paced", 0, 10s);
  BOOST_REQUIRE(w.has_value());
  BOOST_TEST(w->second == 10); // the records are there to be fetched

  // Paused: a full second of polling delivers nothing.
  std::size_t while_paused = 0;
  BOOST_TEST(!eventually(1500ms, [&] {
    while_paused += c->poll(100, 100ms).size();
    return while_paused > 0;
  }));
  BOOST_TEST(while_paused == 0u);

  BOOST_REQUIRE(c->resume({{"paced", 0}}));
  BOOST_REQUIRE(eventually(20s, [&] {
    for (auto& rec : c->poll(100, 200ms))
      seen.push_back(std::move(rec));
    return seen.size() >= 10;
  }));
  BOOST_TEST(seen.size() == 10u);
  for (std::size_t i = 0; i < seen.size(); ++i)
    BOOST_TEST(seen[i].offset == static_cast<std::int64_t>(i));

  auto s = c->seek({"paced", 0, 2}, 10s);
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error_value().to_string()));
  std::vector<record> again;
  BOOST_REQUIRE(eventually(20s, [&] {
    for (auto& rec : c->poll(100, 200ms))
      again.push_back(std::move(rec));
    return again.size() >= 8;
  }));
  BOOST_TEST(again.front().offset == 2);
  BOOST_TEST(again.back().offset == 9);
  report_errors(*c, "paced");
}

BOOST_FIXTURE_TEST_CASE(messages_stay_readable_after_their_consumer_is_gone, broker_fixture) {
  // poll_messages leaves records in librdkafka's buffers: each message keeps the client alive,
  // so destroying the consumer first neither invalidates them nor blocks on them.
  create("held", 2);
  auto p = make_producer();
  std::vector<header> hs{{"trace", "t-0"}, {"empty", ""}, {"trace", "t-1"}};
  for (int i = 0; i < 6; ++i) {
    const auto v = std::to_string(i);
    auto sent = p->send("held", i % 2, "k" + v, reinterpret_cast<const std::uint8_t*>(v.data()),
                        v.size(), hs);
    BOOST_REQUIRE(sent.has_value());
  }
  flush(*p);
  recording_listener l;
  auto c = make_member("held-group", &l, {"held"});
  std::vector<message> held;
  BOOST_REQUIRE(eventually(60s, [&] {
    for (auto& m : c->poll_messages(100, 200ms))
      held.push_back(std::move(m));
    return held.size() >= 6;
  }));
  c->close();
  c.reset();
  std::set<std::string> values;
  for (const auto& m : held) {
    const auto& v = m.view();
    BOOST_TEST(m.holds());
    BOOST_TEST(v.topic == "held");
    BOOST_TEST(v.key.substr(0, 1) == "k");
    const std::string value(v.value.begin(), v.value.end());
    BOOST_TEST(std::string(v.key) == "k" + value);
    values.insert(value);
    const auto copy = v.to_record();
    BOOST_TEST(copy.offset == v.offset);
    BOOST_TEST_REQUIRE(copy.headers.size() == 3u);
    BOOST_TEST(copy.headers[2].key == "trace");
    BOOST_TEST(copy.headers[2].value == "t-1");
    // One header looked up without parsing them all: the last of its name; the same on the
    // owned copy.
    for (const record_view& view : {v, record_view(copy)}) {
      BOOST_TEST(view.header_value("trace").value_or("?") == "t-1");
      BOOST_TEST(view.header_value("empty").value_or("?") == "");
      BOOST_TEST(!view.header_value("tracer").has_value());
      BOOST_TEST(!view.header_value("").has_value());
    }
  }
  BOOST_TEST(values.size() == 6u);
  auto moved = std::move(held.front());
  BOOST_TEST(!held.front().holds());
  BOOST_TEST(held.front().view().topic.empty());
  BOOST_TEST(moved.view().topic == "held");
  held.clear(); // the last messages go, and the client with them
  BOOST_TEST(moved.holds());
}
