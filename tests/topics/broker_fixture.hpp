#pragma once
// Shared by the integration tests of topics/: an embedded broker per test case, and waiting
// on conditions with deadlines.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "topics/kafka.hpp"

namespace aetherial::topics::test {

using namespace std::chrono_literals;

/// Repeats `step` (which should block briefly, e.g. in a poll) until it returns true or
/// `limit` passes; returns whether it did.
template <class Step> bool eventually(std::chrono::milliseconds limit, Step&& step) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline)
    if (step()) return true;
  return step();
}

/// A fresh embedded broker for one test case; declared first, so destroyed after every
/// client of the test body.
struct broker_fixture {
  broker_fixture() {
    auto b = embedded_broker::start(1);
    BOOST_REQUIRE_MESSAGE(b.has_value(), (b ? "" : b.error_value().to_string()));
    broker = std::move(b.value());
    cfg.brokers = broker->bootstrap();
  }

  /// Client settings for group members: the mock's rebalances wait about
  /// session.timeout.ms - 1 s, and it assigns nothing below 3000.
  [[nodiscard]] kafka_config group_cfg() const {
    kafka_config c = cfg;
    c.extra["session.timeout.ms"] = "3000";
    return c;
  }

  void create(const std::string& topic, int partitions) {
    auto r = broker->create_topic(topic, partitions);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error_value().to_string()));
  }

  [[nodiscard]] std::unique_ptr<producer> make_producer() const {
    auto p = producer::create(cfg);
    BOOST_REQUIRE_MESSAGE(p.has_value(), (p ? "" : p.error_value().to_string()));
    return std::move(p.value());
  }

  [[nodiscard]] std::unique_ptr<reader> make_reader() const {
    auto r = reader::create(cfg);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error_value().to_string()));
    return std::move(r.value());
  }

  [[nodiscard]] std::unique_ptr<consumer> make_member(const std::string& group,
                                                      rebalance_listener* listener,
                                                      const std::vector<std::string>& topics) {
    auto c = consumer::create(group_cfg(), group, listener);
    BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error_value().to_string()));
    auto s = c.value()->subscribe(topics);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error_value().to_string()));
    return std::move(c.value());
  }

  static void send(producer& p, const std::string& topic, std::int32_t partition,
                   const std::string& key, const std::string& value,
                   const std::vector<header>& headers = {}) {
    auto r = p.send(topic, partition, key, reinterpret_cast<const std::uint8_t*>(value.data()),
                    value.size(), headers);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error_value().to_string()));
  }

  static void flush(producer& p) {
    auto r = p.flush(10s);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error_value().to_string()));
    BOOST_REQUIRE_MESSAGE(p.delivery_failures() == 0, p.last_delivery_error());
  }

  std::unique_ptr<embedded_broker> broker;
  kafka_config cfg;
};

/// Remembers what a group member owns and every change it was told about.
struct recording_listener : rebalance_listener {
  void on_assigned(const std::vector<topic_partition>& partitions) override {
    owned.insert(partitions.begin(), partitions.end());
    assignments.push_back(partitions);
  }
  void on_revoked(const std::vector<topic_partition>& partitions) override {
    for (const auto& tp : partitions)
      owned.erase(tp);
    revocations.push_back(partitions);
  }

  std::set<topic_partition> owned;
  std::vector<std::vector<topic_partition>> assignments;
  std::vector<std::vector<topic_partition>> revocations;
};

inline std::string text(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

inline const header* find_header(const record& r, std::string_view key) {
  for (const auto& h : r.headers)
    if (h.key == key) return &h;
  return nullptr;
}

} // namespace aetherial::topics::test
