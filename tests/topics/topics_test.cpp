#define BOOST_TEST_MODULE topics
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "schemas/partitioner.hpp"
#include "tests/topics/broker_fixture.hpp"

using namespace aetherial::topics;
using namespace aetherial::topics::test;
using aetherial::schemas::java_murmur2;

namespace {

std::int32_t java_partition(const std::string& key, int partitions) {
  return aetherial::schemas::key_partition(key, partitions);
}

std::vector<record> read_all(reader& r, std::size_t count) {
  std::vector<record> out;
  const bool done = eventually(20s, [&] {
    for (auto& rec : r.poll(count - out.size(), 200ms))
      out.push_back(std::move(rec));
    return out.size() >= count;
  });
  BOOST_TEST_REQUIRE(done, "read " << out.size() << " of " << count << " records");
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(java_murmur2_reference_vectors) {
  // From the Java client's UtilsTest.testMurmur2.
  BOOST_TEST(java_murmur2("21") == -973932308);
  BOOST_TEST(java_murmur2("foobar") == -790332482);
  BOOST_TEST(java_murmur2("a-little-bit-long-string") == -985981536);
  BOOST_TEST(java_murmur2("a-little-bit-longer-string") == -1486304829);
  BOOST_TEST(java_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  BOOST_TEST(java_murmur2("abc") == 479470107);
}

BOOST_FIXTURE_TEST_CASE(round_trip_keeps_keys_values_headers, broker_fixture) {
  create("events", 4);
  auto p = make_producer();
  for (int i = 0; i < 40; ++i)
    send(*p, "events", -1, "key-" + std::to_string(i % 8), "value-" + std::to_string(i),
         {{"trace", "t-" + std::to_string(i)}, {"empty", ""}});
  flush(*p);

  auto r = make_reader();
  BOOST_REQUIRE(
      r->assign({{"events", 0, -2}, {"events", 1, -2}, {"events", 2, -2}, {"events", 3, -2}}));
  auto records = read_all(*r, 40);
  BOOST_TEST(records.size() == 40u);

  std::map<std::string, std::set<std::int32_t>> partitions_of_key;
  std::map<std::int32_t, std::int64_t> last_offset;
  for (const auto& rec : records) {
    BOOST_TEST(rec.topic == "events");
    partitions_of_key[rec.key].insert(rec.partition);
    BOOST_TEST(rec.partition == java_partition(rec.key, 4), rec.key);
    const std::string value = text(rec.value);
    const int i = std::stoi(value.substr(6));
    BOOST_TEST(rec.key == "key-" + std::to_string(i % 8));
    BOOST_REQUIRE_EQUAL(rec.headers.size(), 2u);
    BOOST_TEST(rec.headers[0].key == "trace");
    BOOST_TEST(rec.headers[0].value == "t-" + std::to_string(i));
    BOOST_TEST(rec.headers[1].key == "empty");
    BOOST_TEST(rec.headers[1].value == "");
    BOOST_TEST(rec.timestamp_ms > 0);
    // Offsets grow per partition: keyed records keep their order.
    auto it = last_offset.find(rec.partition);
    if (it != last_offset.end()) BOOST_TEST(rec.offset > it->second);
    last_offset[rec.partition] = rec.offset;
  }
  BOOST_TEST(partitions_of_key.size() == 8u);
  for (const auto& [key, partitions] : partitions_of_key)
    BOOST_TEST(partitions.size() == 1u, key << " went to " << partitions.size() << " partitions");
  BOOST_TEST(r->take_errors().empty());
}

BOOST_FIXTURE_TEST_CASE(reader_reads_a_range_and_watermarks_are_right, broker_fixture) {
  create("archive", 2);
  auto p = make_producer();
  for (int i = 0; i < 30; ++i)
    send(*p, "archive", 0, "a", "zero-" + std::to_string(i));
  for (int i = 0; i < 10; ++i)
    send(*p, "archive", 1, "b", "one-" + std::to_string(i));
  flush(*p);

  auto r = make_reader();
  auto count = r->partition_count("archive", 10s);
  BOOST_REQUIRE(count.has_value());
  BOOST_TEST(count.value() == 2);
  auto absent = r->partition_count("no-such-topic", 10s);
  BOOST_TEST(!absent.has_value());
  if (!absent) BOOST_TEST_MESSAGE("absent topic: " << absent.error_value().to_string());

  auto w0 = r->watermarks("archive", 0, 10s);
  auto w1 = r->watermarks("archive", 1, 10s);
  BOOST_REQUIRE(w0.has_value());
  BOOST_REQUIRE(w1.has_value());
  BOOST_TEST(w0->first == 0);
  BOOST_TEST(w0->second == 30);
  BOOST_TEST(w1->first == 0);
  BOOST_TEST(w1->second == 10);

  BOOST_REQUIRE(r->assign({{"archive", 0, 10}, {"archive", 1, -2}}));
  auto records = read_all(*r, 30);
  std::vector<std::int64_t> zero;
  int one = 0;
  for (const auto& rec : records) {
    if (rec.partition == 0) {
      zero.push_back(rec.offset);
      BOOST_TEST(text(rec.value) == "zero-" + std::to_string(rec.offset));
    } else {
      ++one;
    }
  }
  std::vector<std::int64_t> expected(20);
  std::iota(expected.begin(), expected.end(), 10);
  BOOST_TEST(zero == expected, boost::test_tools::per_element());
  BOOST_TEST(one == 10);
  // Nothing beyond the range.
  BOOST_TEST(r->poll(10, 300ms).empty());

  // From the end (-1): only what is written afterwards.
  BOOST_REQUIRE(r->assign({{"archive", 0, -1}}));
  std::vector<record> tail;
  BOOST_TEST(eventually(20s, [&] {
    // The end offset is resolved asynchronously: keep writing until one arrives.
    send(*p, "archive", 0, "a", "late");
    flush(*p);
    for (auto& rec : r->poll(10, 200ms))
      tail.push_back(std::move(rec));
    return !tail.empty();
  }));
  for (const auto& rec : tail) {
    BOOST_TEST(rec.offset >= 30);
    BOOST_TEST(text(rec.value) == "late");
  }
}

BOOST_FIXTURE_TEST_CASE(a_bounded_reader_stops_at_the_end_it_saw_and_never_waits_for_more,
                        broker_fixture) {
  create("bounded", 2);
  auto p = make_producer();
  for (int i = 0; i < 40; ++i)
    send(*p, "bounded", i % 2, "k", "early-" + std::to_string(i), {});
  flush(*p);
  auto r = make_reader();
  BOOST_REQUIRE(r->assign({{"bounded", 0, -2}, {"bounded", 1, -2}}));
  BOOST_REQUIRE(r->bound_to_current_end(10s));
  // Records produced after the bound was taken are not waited for.
  for (int i = 0; i < 40; ++i)
    send(*p, "bounded", i % 2, "k", "late-" + std::to_string(i), {});
  flush(*p);
  std::size_t early = 0;
  const bool ended = eventually(20s, [&] {
    for (auto& rec : r->poll(7, 100ms)) // small batches: the end falls inside one
      if (text(rec.value).rfind("early-", 0) == 0) ++early;
    return r->at_end();
  });
  BOOST_TEST(ended);
  BOOST_TEST(early == 40u);
}

BOOST_FIXTURE_TEST_CASE(an_empty_partition_is_at_its_end_at_once, broker_fixture) {
  create("nothing", 1);
  auto r = make_reader();
  BOOST_REQUIRE(r->assign({{"nothing", 0, -2}}));
  BOOST_REQUIRE(r->bound_to_current_end(10s));
  BOOST_TEST(r->at_end());
}

BOOST_FIXTURE_TEST_CASE(dead_letter_carries_reason_and_source, broker_fixture) {
  create("inbox", 3);
  create("dlq", 1);
  auto p = make_producer();
  const std::string garbage = std::string("\x00\x01not-an-envelope", 17);
  send(*p, "inbox", 2, "user-7", garbage, {{"trace", "abc"}});
  flush(*p);

  auto r = make_reader();
  BOOST_REQUIRE(r->assign({{"inbox", 2, -2}}));
  const record poisoned = read_all(*r, 1).front();

  dead_letter_info info;
  info.reason = "envelope verification failed: truncated";
  info.agent = "operations";
  auto sent = send_dead_letter(*p, "dlq", poisoned, info);
  BOOST_REQUIRE_MESSAGE(sent.has_value(), (sent ? "" : sent.error_value().to_string()));
  flush(*p);

  auto d = make_reader();
  BOOST_REQUIRE(d->assign({{"dlq", 0, -2}}));
  const record dead = read_all(*d, 1).front();
  BOOST_TEST(dead.key == "user-7");
  BOOST_TEST(text(dead.value) == garbage);
  const header* trace = find_header(dead, "trace");
  BOOST_REQUIRE(trace != nullptr);
  BOOST_TEST(trace->value == "abc");
  const header* reason = find_header(dead, dlq_reason_header);
  const header* topic = find_header(dead, dlq_topic_header);
  const header* partition = find_header(dead, dlq_partition_header);
  const header* offset = find_header(dead, dlq_offset_header);
  BOOST_REQUIRE(reason != nullptr);
  BOOST_REQUIRE(topic != nullptr);
  BOOST_REQUIRE(partition != nullptr);
  BOOST_REQUIRE(offset != nullptr);
  BOOST_TEST(reason->value == "envelope verification failed: truncated");
  BOOST_TEST(topic->value == "inbox");
  BOOST_TEST(partition->value == "2");
  BOOST_TEST(offset->value == std::to_string(poisoned.offset));
  BOOST_REQUIRE(find_header(dead, dlq_agent_header) != nullptr);
  BOOST_TEST(find_header(dead, dlq_agent_header)->value == "operations");
  BOOST_TEST(find_header(dead, dlq_original_size_header) == nullptr); // it fit: not cut
}

BOOST_AUTO_TEST_CASE(invalid_configuration_is_a_config_error) {
  // Rejected by rd_kafka_conf_set: unknown property, bad value.
  kafka_config unknown{"127.0.0.1:1", "aetherial", {{"no.such.property", "1"}}};
  auto p = producer::create(unknown);
  BOOST_REQUIRE(!p.has_value());
  BOOST_TEST(p.error_value().module == "topics");
  BOOST_TEST(p.error_value().code == static_cast<int>(errc::config));
  BOOST_TEST(p.error_value().message.find("no.such.property") != std::string::npos,
             p.error_value().message);

  kafka_config bad_value{"127.0.0.1:1", "aetherial", {{"linger.ms", "soon"}}};
  auto q = producer::create(bad_value);
  BOOST_REQUIRE(!q.has_value());
  BOOST_TEST(q.error_value().code == static_cast<int>(errc::config));
  BOOST_TEST_MESSAGE(q.error_value().to_string());

  // Rejected by rd_kafka_new: idempotence needs acks=all.
  kafka_config conflict{"127.0.0.1:1", "aetherial", {{"acks", "1"}}};
  auto r = producer::create(conflict);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error_value().code == static_cast<int>(errc::config));
  BOOST_TEST(r.error_value().message.find("acks") != std::string::npos, r.error_value().message);

  kafka_config session{"127.0.0.1:1", "aetherial", {{"session.timeout.ms", "ten"}}};
  auto c = consumer::create(session, "g", nullptr);
  BOOST_REQUIRE(!c.has_value());
  BOOST_TEST(c.error_value().code == static_cast<int>(errc::config));
  auto no_group = consumer::create(kafka_config{"127.0.0.1:1"}, "", nullptr);
  BOOST_REQUIRE(!no_group.has_value());
  BOOST_TEST(no_group.error_value().code == static_cast<int>(errc::config));
}

BOOST_AUTO_TEST_CASE(unreachable_brokers_are_a_connect_error) {
  // Nothing listens on port 1: the request times out after connection refusals.
  auto names = list_topics(kafka_config{"127.0.0.1:1"}, 2s);
  BOOST_REQUIRE(!names.has_value());
  BOOST_TEST_MESSAGE(names.error_value().to_string());
  BOOST_TEST(names.error_value().code == static_cast<int>(errc::connect));
}

BOOST_FIXTURE_TEST_CASE(catalog_topics_exist_after_embedded_creation, broker_fixture) {
  const catalog cat("it.", 4);
  BOOST_REQUIRE(broker->create_topics(cat));
  // Creating again is harmless.
  BOOST_REQUIRE(broker->create_topic(cat.name(catalog::journal), cat.partitions()));
  // Every topic exists, so no CreateTopics request (which the mock does not serve) is needed.
  auto ensured = ensure_topics(cfg, cat, 20s);
  BOOST_REQUIRE_MESSAGE(ensured.has_value(), (ensured ? "" : ensured.error_value().to_string()));

  auto names = list_topics(cfg, 10s);
  BOOST_REQUIRE(names.has_value());
  for (const auto& spec : cat.topics())
    BOOST_TEST(std::count(names->begin(), names->end(), cat.name(spec.name)) == 1, spec.name);

  auto r = make_reader();
  auto count = r->partition_count(cat.name(catalog::snapshots), 10s);
  BOOST_REQUIRE(count.has_value());
  BOOST_TEST(count.value() == 4);
}

BOOST_FIXTURE_TEST_CASE(creating_topics_through_the_mock_times_out, broker_fixture) {
  // The mock does not serve Admin CreateTopics: ensure_topics must give up at its deadline
  // with a timeout (embedded deployments create topics with embedded_broker::create_topics).
  const auto start = std::chrono::steady_clock::now();
  auto ensured = ensure_topics(cfg, catalog("absent.", 4), 3s);
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_REQUIRE(!ensured.has_value());
  BOOST_TEST_MESSAGE(ensured.error_value().to_string());
  BOOST_TEST(ensured.error_value().code == static_cast<int>(errc::timeout));
  BOOST_TEST((took < 10s));
}

BOOST_FIXTURE_TEST_CASE(a_producer_learns_its_topics_before_the_first_record, broker_fixture) {
  create("learn.a", 2);
  create("learn.b", 1);
  auto p = make_producer();
  auto learned = p->learn_topics({"learn.a", "learn.b"}, 10s);
  BOOST_TEST(learned.has_value(), (learned ? "" : learned.error_value().to_string()));
}

BOOST_AUTO_TEST_CASE(a_producer_that_cannot_learn_its_topics_says_which) {
  // Nothing listens on port 1: the metadata request fails (transport) or times out.
  auto p = producer::create(kafka_config{"127.0.0.1:1"});
  BOOST_REQUIRE(p.has_value());
  auto learned = p.value()->learn_topics({"learn.a"}, 1s);
  BOOST_REQUIRE(!learned.has_value());
  BOOST_TEST(learned.error_value().message.find("learn.a") != std::string::npos,
             learned.error_value().to_string());
}

BOOST_FIXTURE_TEST_CASE(co_partitioning_mismatch_is_refused, broker_fixture) {
  const catalog cat("mismatch.", 4);
  create(cat.name(catalog::metrics), 2);
  auto ensured = ensure_topics(cfg, cat, 20s);
  BOOST_REQUIRE(!ensured.has_value());
  BOOST_TEST(ensured.error_value().code == static_cast<int>(errc::config));
  BOOST_TEST(ensured.error_value().message.find("mismatch.platform.metrics") != std::string::npos,
             ensured.error_value().message);
}

BOOST_FIXTURE_TEST_CASE(transactions_run_against_the_mock, broker_fixture) {
  // The mock accepts the protocol but does not isolate or store transactional offsets:
  // exactly-once itself is tested against a real broker.
  create("tx-in", 1);
  create("tx-out", 1);
  auto plain = make_producer();
  auto not_tx = plain->begin_transaction();
  BOOST_REQUIRE(!not_tx.has_value());
  BOOST_TEST(not_tx.error_value().code == static_cast<int>(errc::state));

  auto created = producer::create(cfg, "aetherial-test-tx");
  BOOST_REQUIRE_MESSAGE(created.has_value(), (created ? "" : created.error_value().to_string()));
  auto& tx = *created.value();
  auto early = tx.commit_transaction(5s);
  BOOST_REQUIRE(!early.has_value());
  BOOST_TEST_MESSAGE("commit before init: " << early.error_value().to_string());
  BOOST_TEST(early.error_value().code == static_cast<int>(errc::state));

  auto init = tx.init_transactions(30s);
  BOOST_REQUIRE_MESSAGE(init.has_value(), (init ? "" : init.error_value().to_string()));
  BOOST_REQUIRE(tx.begin_transaction());
  send(tx, "tx-out", 0, "k", "decided");
  auto member = consumer::create(group_cfg(), "tx-group", nullptr);
  BOOST_REQUIRE(member.has_value());
  auto offsets = tx.send_offsets_to_transaction({{"tx-in", 0, 1}}, *member.value(), 30s);
  BOOST_REQUIRE_MESSAGE(offsets.has_value(), (offsets ? "" : offsets.error_value().to_string()));
  auto commit = tx.commit_transaction(30s);
  BOOST_REQUIRE_MESSAGE(commit.has_value(), (commit ? "" : commit.error_value().to_string()));

  BOOST_REQUIRE(tx.begin_transaction());
  send(tx, "tx-out", 0, "k", "abandoned");
  auto abort = tx.abort_transaction(30s);
  BOOST_REQUIRE_MESSAGE(abort.has_value(), (abort ? "" : abort.error_value().to_string()));

  auto r = make_reader();
  BOOST_REQUIRE(r->assign({{"tx-out", 0, -2}}));
  const auto records = read_all(*r, 1);
  BOOST_TEST(text(records.front().value) == "decided");
}
