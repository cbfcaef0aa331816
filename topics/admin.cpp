#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>

#include "topics/kafka.hpp"
#include "topics/rdkafka_bridge.hpp"

namespace aetherial::topics {

using namespace detail;

namespace {

using clock = std::chrono::steady_clock;

/// segment.bytes of the compacted topics (64 MiB).
constexpr const char* compacted_segment_bytes = "67108864";

ms left(clock::time_point deadline) {
  return std::max(ms{0}, std::chrono::duration_cast<ms>(deadline - clock::now()));
}

/// A short-lived handle for administrative requests.
struct admin_client {
  client_state state_;
  handle_ptr rk_;

  static result<std::unique_ptr<admin_client>> create(const kafka_config& cfg) {
    auto conf = make_conf(cfg, {});
    if (!conf) return conf.error_value();
    auto a = std::make_unique<admin_client>();
    auto rk = make_handle(RD_KAFKA_PRODUCER, std::move(conf.value()), a->state_);
    if (!rk) return rk.error_value();
    a->rk_ = std::move(rk.value());
    return a;
  }

  /// Topic name → partition count, for every topic of the cluster.
  result<std::map<std::string, int>> topics(ms timeout) {
    auto md = metadata::fetch(rk_.get(), state_, timeout);
    if (!md) return md.error_value();
    std::map<std::string, int> out;
    const auto& m = md->get();
    for (int i = 0; i < m.topic_cnt; ++i)
      if (m.topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
        out.emplace(m.topics[i].topic, m.topics[i].partition_cnt);
    return out;
  }

  /// Sends one CreateTopics request; topics that already exist are not an error.
  result<void> create_topics(const catalog& cat, const std::vector<topic_spec>& specs,
                             clock::time_point deadline) {
    std::array<char, 512> errstr{};
    std::vector<rd_kafka_NewTopic_t*> news;
    struct cleanup {
      std::vector<rd_kafka_NewTopic_t*>& v;
      ~cleanup() { rd_kafka_NewTopic_destroy_array(v.data(), v.size()); }
    } cleanup_news{news};
    for (const auto& spec : specs) {
      rd_kafka_NewTopic_t* nt =
          rd_kafka_NewTopic_new(cat.name(spec.name).c_str(), cat.partitions(),
                                cat.replication_factor(), errstr.data(), errstr.size());
      if (nt == nullptr)
        return make_error(errc::config, "topic " + cat.name(spec.name) + ": " + errstr.data());
      news.push_back(nt);
      if (auto err = rd_kafka_NewTopic_set_config(nt, "cleanup.policy",
                                                  spec.compacted ? "compact" : "delete"))
        return from_code(err, "topic " + cat.name(spec.name) + " cleanup.policy");
      // The cleaner compacts closed segments only: with the broker's 1 GiB default, a
      // changelog partition keeps up to 1 GiB of superseded rows that every restore reads.
      if (spec.compacted) {
        if (auto err = rd_kafka_NewTopic_set_config(nt, "segment.bytes", compacted_segment_bytes))
          return from_code(err, "topic " + cat.name(spec.name) + " segment.bytes");
      }
    }

    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
    const int budget = to_ms(left(deadline));
    (void)rd_kafka_AdminOptions_set_request_timeout(options, budget, errstr.data(), errstr.size());
    (void)rd_kafka_AdminOptions_set_operation_timeout(options, budget, errstr.data(),
                                                      errstr.size());
    queue_ptr queue(rd_kafka_queue_new(rk_.get()));
    rd_kafka_CreateTopics(rk_.get(), news.data(), news.size(), options, queue.get());
    rd_kafka_AdminOptions_destroy(options);

    // The request times itself out after `budget`; the margin lets its result arrive.
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), budget + 1000);
    if (ev == nullptr) return state_.timeout_error("create topics");
    struct event_guard {
      rd_kafka_event_t* ev;
      ~event_guard() { rd_kafka_event_destroy(ev); }
    } guard{ev};
    if (auto err = rd_kafka_event_error(ev)) {
      if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return state_.timeout_error("create topics");
      return from_code(err, std::string("create topics: ") + rd_kafka_event_error_string(ev));
    }
    std::size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    std::string failures;
    errc code = errc::broker;
    for (std::size_t i = 0; i < n; ++i) {
      const auto err = rd_kafka_topic_result_error(results[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        continue;
      code = classify(err);
      const char* text = rd_kafka_topic_result_error_string(results[i]);
      failures += std::string(failures.empty() ? "" : "; ") +
                  rd_kafka_topic_result_name(results[i]) + ": " +
                  (text != nullptr ? text : rd_kafka_err2str(err)) + " (" + rd_kafka_err2name(err) +
                  ")";
    }
    if (!failures.empty()) return make_error(code, "create topics: " + failures);
    return {};
  }
};

} // namespace

result<void> ensure_topics(const kafka_config& cfg, const catalog& cat, ms timeout) {
  if (cat.partitions() < 1 || cat.replication_factor() < 1)
    return make_error(errc::config, "catalog: partitions and replication factor must be >= 1");
  const auto deadline = clock::now() + timeout;
  auto admin = admin_client::create(cfg);
  if (!admin) return admin.error_value();
  auto& a = *admin.value();

  auto existing = a.topics(left(deadline));
  if (!existing) return existing.error_value();
  std::vector<topic_spec> missing;
  for (const auto& spec : cat.topics()) {
    auto it = existing->find(cat.name(spec.name));
    if (it == existing->end()) {
      missing.push_back(spec);
    } else if (spec.agent_input && it->second != cat.partitions()) {
      // Co-partitioned inputs must agree, or one key would reach two agent instances.
      return make_error(errc::config, "topic " + it->first + " has " + std::to_string(it->second) +
                                          " partitions, the catalog wants " +
                                          std::to_string(cat.partitions()) +
                                          " (agent inputs are co-partitioned)");
    }
  }
  if (missing.empty()) return {};
  if (auto r = a.create_topics(cat, missing, deadline); !r) return r;

  // Creation is asynchronous on the brokers: wait until metadata lists every topic.
  for (;;) {
    auto now = a.topics(left(deadline));
    if (now) {
      const bool all = std::all_of(missing.begin(), missing.end(), [&](const topic_spec& s) {
        return now->count(cat.name(s.name)) > 0;
      });
      if (all) return {};
    }
    if (left(deadline).count() == 0)
      return a.state_.timeout_error("waiting for created topics in metadata");
    rd_kafka_poll(a.rk_.get(), std::min(100, to_ms(left(deadline))));
  }
}

result<std::vector<std::string>> list_topics(const kafka_config& cfg, ms timeout) {
  auto admin = admin_client::create(cfg);
  if (!admin) return admin.error_value();
  auto topics = admin.value()->topics(timeout);
  if (!topics) return topics.error_value();
  std::vector<std::string> names;
  names.reserve(topics->size());
  for (const auto& entry : topics.value())
    names.push_back(entry.first);
  return names;
}

} // namespace aetherial::topics
