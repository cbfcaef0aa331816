#pragma once
// Hostile input on Apache Kafka: thousands of generated records of every bad class (bytes
// that are no envelope, truncated or oversized envelopes, null and empty values, deeply
// nested, malformed or non-object JSON, an unknown schema major, an event time out of range,
// invalid UTF-8, identifiers over their limit), with valid canaries between them, produced
// to every external input topic of a node running all seven agents. Every record must be
// accounted for: each bad one dead-lettered exactly once per consuming agent (DLQ records
// equal to the dead-letter counter), every canary applied by every consuming agent, and the
// process alive throughout.

#include <map>
#include <sstream>

#include "actors/registry.hpp"
#include "tests/runtime/recovery_scenario.hpp"

namespace aetherial::test {

/// Sum of the samples of `metric` whose labels contain every `label="value"` given.
inline double metric_sum(const std::string& text, const std::string& metric,
                         const std::vector<std::string>& labels = {}) {
  double sum = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(metric + "{", 0) != 0) continue;
    bool all = true;
    for (const auto& l : labels)
      all = all && line.find(l) != std::string::npos;
    if (all) sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

struct hostile_result {
  std::size_t hostile = 0, canaries = 0, dead_letters = 0, applied = 0;
};

/// One bad record of class `k` (0..11), made different by `n`.
inline std::vector<std::uint8_t> hostile_record(int k, std::uint64_t n) {
  auto bytes = [](const std::string& s) { return std::vector<std::uint8_t>(s.begin(), s.end()); };
  const auto load = [&](std::int64_t t, const std::string& service, std::uint16_t version) {
    flatbuffers::FlatBufferBuilder b;
    auto p = schemas::fbs::CreateServiceLoadDirect(b, service.c_str(), 2, 100, 0.5);
    const auto id = schemas::fbs::EventId{0xbad, n};
    auto e =
        schemas::fbs::CreateEnvelopeDirect(b, &id, version, "k", t, "svc:hostile", nullptr, nullptr,
                                           schemas::fbs::Payload::ServiceLoad, p.Union());
    schemas::fbs::FinishEnvelopeBuffer(b, e);
    return std::vector<std::uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  };
  switch (k) {
    case 0: { // random bytes
      std::vector<std::uint8_t> v(64 + n % 200);
      std::uint64_t x = n * 7919 + 1;
      for (auto& c : v)
        c = static_cast<std::uint8_t>((x = schemas::mix64(x)) & 0xff);
      return v;
    }
    case 1: { // a valid envelope, truncated
      auto v = load(1'700'000'000'000, "web", 1);
      v.resize(v.size() / 2 + n % 8);
      return v;
    }
    case 2: return {};                                                     // null value
    case 3: return bytes(std::string(2000, '[') + std::string(2000, ']')); // not an object
    case 4:
      return bytes(R"({"type":"ServiceLoad","payload":{"service":)" + std::string(400, '[') +
                   std::string(400, ']') + "}}"); // nested too deeply
    case 5: return bytes(R"({"type":"ServiceLoad","payload":{"service":"web")"); // malformed
    case 6:
      return bytes(R"({"type":"ServiceLoad","payload":{"service":"w)"
                   "\xff"
                   R"("}})");
    case 7: return load(1'700'000'000'000, "web", 99);                          // unknown major
    case 8: return load(253'402'300'800'000, "web", 1);                         // year 10,000
    case 9: return load(1'700'000'000'000, "w\xc0\xaf", 1);                     // invalid UTF-8
    case 10: return load(1'700'000'000'000, std::string(300 + n % 50, 's'), 1); // too long
    default: return bytes(R"({"type":"NoSuchPayload","payload":{}})");          // unknown type
  }
}

inline hostile_result run_hostile_scenario(const std::string& aetherial_bin,
                                           const std::string& brokers, const std::string& prefix,
                                           std::size_t total) {
  using namespace std::chrono;
  temp_dir dir;
  const std::string log = dir.path() + "/run.log";
  const int partitions = 2;
  const topics::catalog cat(prefix, partitions);
  topics::kafka_config kc;
  kc.brokers = brokers;
  create_topics(aetherial_bin, brokers, prefix, partitions, log);
  // External input topics and how many agent kinds consume each.
  std::map<std::string, int> consumers;
  for (const auto& kind : actors::agent_kinds())
    for (const auto& t : kind.input_topics)
      if (t.rfind("platform.", 0) == 0) ++consumers[t];
  BOOST_TEST_REQUIRE(!consumers.empty());
  std::vector<std::string> argv = {aetherial_bin,
                                   "run",
                                   "--brokers",
                                   brokers,
                                   "--topic-prefix",
                                   prefix,
                                   "--partitions",
                                   std::to_string(partitions),
                                   "--data-dir",
                                   dir.path(),
                                   "--metrics-port",
                                   "0",
                                   "--metrics-bind",
                                   "127.0.0.1",
                                   "--telemetry-interval-ms",
                                   "0",
                                   "--group",
                                   prefix + "group"};
  child_process node(argv, log);
  int port = -1;
  for (std::string line; port < 0 && node.read_line(line);)
    if (auto at = line.find("http://localhost:"); at != std::string::npos)
      port = std::stoi(line.substr(at + 17));
  BOOST_TEST_REQUIRE(port > 0, "no metrics port; log:\n" + tail_of(log));

  auto producer = topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  auto& prod = *producer.value();
  hostile_result res;
  std::size_t expected_dead = 0;
  std::map<std::string, std::size_t> canaries_on;
  std::uint64_t n = 0;
  for (std::uint64_t round = 0; res.hostile + res.canaries < total; ++round) {
    for (const auto& [topic, kinds] : consumers) {
      const auto name = cat.name(topic);
      if (round % 10 == 0) { // a valid event: every consuming agent applies it
        auto v = service_load({0xca, n}, 1'700'000'000'000 + static_cast<std::int64_t>(n), "canary",
                              2, 0.5);
        BOOST_TEST_REQUIRE(static_cast<bool>(prod.send(name, -1, "canary", v.data(), v.size())));
        ++res.canaries;
        ++canaries_on[topic];
      } else {
        const auto v = hostile_record(static_cast<int>(n % 12), n);
        const auto key = "hostile-" + std::to_string(n % 97);
        BOOST_TEST_REQUIRE(
            static_cast<bool>(prod.send(name, -1, key, v.empty() ? nullptr : v.data(), v.size())));
        ++res.hostile;
        expected_dead += static_cast<std::size_t>(kinds);
      }
      ++n;
    }
  }
  BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{60000})));
  BOOST_TEST_MESSAGE("sent " << res.hostile << " hostile records and " << res.canaries
                             << " canaries; expecting " << expected_dead << " dead letters");
  std::string metrics;
  const bool settled = wait_for(
      [&] {
        metrics = http_get(port, "/metrics");
        return metric_sum(metrics, "aetherial_dead_letters_total") >=
               static_cast<double>(expected_dead);
      },
      seconds(300));
  BOOST_TEST_REQUIRE(node.poll_exit() < 0, "the node died; log:\n" + tail_of(log));
  BOOST_TEST_REQUIRE(settled,
                     "dead letters counted: " << metric_sum(metrics, "aetherial_dead_letters_total")
                                              << " of " << expected_dead << "; log:\n"
                                              << tail_of(log));
  std::this_thread::sleep_for(seconds(2)); // nothing more may come
  metrics = http_get(port, "/metrics");
  const auto dlq = read_all(kc, cat.name(topics::catalog::dlq));
  res.dead_letters = dlq.size();
  const double counted = metric_sum(metrics, "aetherial_dead_letters_total");
  BOOST_TEST(res.dead_letters == expected_dead);
  BOOST_TEST(counted == static_cast<double>(expected_dead));
  BOOST_TEST(metric_sum(metrics, "aetherial_dead_letter_failures_total") == 0.0);
  // Once per consuming agent: (agent, topic, partition, offset) never repeats.
  std::set<std::string> seen;
  for (const auto& r : dlq) {
    const auto agent = header_value(r, topics::dlq_agent_header);
    BOOST_TEST_REQUIRE(!agent.empty());
    BOOST_TEST(!header_value(r, topics::dlq_reason_header).empty());
    const auto where = agent + "/" + header_value(r, topics::dlq_topic_header) + "/" +
                       header_value(r, topics::dlq_partition_header) + "/" +
                       header_value(r, topics::dlq_offset_header);
    BOOST_TEST(seen.insert(where).second, "dead-lettered twice: " << where);
  }
  // Every canary applied by every agent consuming its topic.
  for (const auto& [topic, count] : canaries_on) {
    const double in = metric_sum(metrics, "aetherial_events_in_total", {"topic=\"" + topic + "\""});
    res.applied += static_cast<std::size_t>(in);
    BOOST_TEST(in == static_cast<double>(count * static_cast<std::size_t>(consumers[topic])),
               topic << ": " << in << " applied, " << count << " canaries");
  }
  node.signal(SIGTERM);
  BOOST_TEST(node.wait() == 0, tail_of(log));
  BOOST_TEST_MESSAGE("hostile: " << res.hostile << " sent, " << res.dead_letters
                                 << " dead letters (" << counted << " counted), " << res.canaries
                                 << " canaries, " << res.applied << " canary applications");
  return res;
}

} // namespace aetherial::test
