#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>
#include <tuple>

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

/// Owns an Admin API result event.
struct event_guard {
  rd_kafka_event_t* ev = nullptr;
  event_guard() = default;
  event_guard(const event_guard&) = delete;
  event_guard& operator=(const event_guard&) = delete;
  ~event_guard() {
    if (ev != nullptr) rd_kafka_event_destroy(ev);
  }
};

/// Admin options with the request timeout at `budget`.
struct admin_options {
  rd_kafka_AdminOptions_t* o;
  admin_options(rd_kafka_t* rk, rd_kafka_admin_op_t op, int budget)
      : o(rd_kafka_AdminOptions_new(rk, op)) {
    std::array<char, 256> errstr{};
    (void)rd_kafka_AdminOptions_set_request_timeout(o, budget, errstr.data(), errstr.size());
  }
  admin_options(const admin_options&) = delete;
  admin_options& operator=(const admin_options&) = delete;
  ~admin_options() { rd_kafka_AdminOptions_destroy(o); }
};

/// Waits for the result of a request sent to `queue`, and checks its request-level error.
result<void> await_result(admin_client& a, rd_kafka_queue_t* queue, int budget, event_guard& out,
                          const std::string& what) {
  out.ev = rd_kafka_queue_poll(queue, budget + 1000);
  if (out.ev == nullptr) return a.state_.timeout_error(what);
  if (auto err = rd_kafka_event_error(out.ev)) {
    if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return a.state_.timeout_error(what);
    return from_code(err, what + ": " + rd_kafka_event_error_string(out.ev));
  }
  return {};
}

std::vector<topic_partition> partitions_of(const rd_kafka_topic_partition_list_t* list) {
  std::vector<topic_partition> out;
  for (int i = 0; list != nullptr && i < list->cnt; ++i)
    out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  std::sort(out.begin(), out.end());
  return out;
}

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

result<group_description> describe_group(const kafka_config& cfg, const std::string& group,
                                         ms timeout) {
  auto admin = admin_client::create(cfg);
  if (!admin) return admin.error_value();
  auto& a = *admin.value();
  const int budget = to_ms(timeout);
  admin_options options(a.rk_.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, budget);
  queue_ptr queue(rd_kafka_queue_new(a.rk_.get()));
  const char* names[] = {group.c_str()};
  rd_kafka_DescribeConsumerGroups(a.rk_.get(), names, 1, options.o, queue.get());
  event_guard ev;
  const std::string what = "describe group " + group;
  if (auto r = await_result(a, queue.get(), budget, ev, what); !r) return r.error_value();
  std::size_t n = 0;
  const auto* described = rd_kafka_event_DescribeConsumerGroups_result(ev.ev);
  if (described == nullptr) return make_error(errc::broker, what + ": no result");
  const auto** groups = rd_kafka_DescribeConsumerGroups_result_groups(described, &n);
  if (n != 1 || groups[0] == nullptr)
    return make_error(errc::broker, what + ": no description returned");
  const auto* g = groups[0];
  if (const auto* e = rd_kafka_ConsumerGroupDescription_error(g))
    return from_code(rd_kafka_error_code(e), what + ": " + rd_kafka_error_string(e));
  group_description out;
  out.group = group;
  out.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(g));
  if (const char* assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(g))
    out.assignor = assignor;
  const auto text = [](const char* s) { return s != nullptr ? std::string(s) : std::string(); };
  for (std::size_t i = 0; i < rd_kafka_ConsumerGroupDescription_member_count(g); ++i) {
    const auto* m = rd_kafka_ConsumerGroupDescription_member(g, i);
    group_member member;
    member.member_id = text(rd_kafka_MemberDescription_consumer_id(m));
    member.instance_id = text(rd_kafka_MemberDescription_group_instance_id(m));
    member.client_id = text(rd_kafka_MemberDescription_client_id(m));
    member.host = text(rd_kafka_MemberDescription_host(m));
    // A member between the phases of a rebalance may have no assignment yet.
    if (const auto* assignment = rd_kafka_MemberDescription_assignment(m))
      member.assignment = partitions_of(rd_kafka_MemberAssignment_partitions(assignment));
    out.members.push_back(std::move(member));
  }
  std::sort(out.members.begin(), out.members.end(),
            [](const group_member& x, const group_member& y) {
              return std::tie(x.instance_id, x.member_id) < std::tie(y.instance_id, y.member_id);
            });
  return out;
}

result<std::vector<partition_progress>> group_progress(const kafka_config& cfg,
                                                       const std::string& group,
                                                       const std::vector<std::string>& topics,
                                                       ms timeout) {
  const auto deadline = clock::now() + timeout;
  auto admin = admin_client::create(cfg);
  if (!admin) return admin.error_value();
  auto& a = *admin.value();
  auto counts = a.topics(left(deadline));
  if (!counts) return counts.error_value();
  std::vector<partition_progress> out;
  partition_list_ptr wanted(rd_kafka_topic_partition_list_new(0));
  for (const auto& topic : topics) {
    const auto it = counts->find(topic);
    if (it == counts->end()) return make_error(errc::config, "topic " + topic + " does not exist");
    for (int p = 0; p < it->second; ++p) {
      out.push_back({topic, p});
      rd_kafka_topic_partition_list_add(wanted.get(), topic.c_str(), p);
    }
  }
  std::sort(out.begin(), out.end(), [](const partition_progress& x, const partition_progress& y) {
    return std::tie(x.topic, x.partition) < std::tie(y.topic, y.partition);
  });
  const int budget = to_ms(left(deadline));
  {
    admin_options options(a.rk_.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, budget);
    queue_ptr queue(rd_kafka_queue_new(a.rk_.get()));
    rd_kafka_ListConsumerGroupOffsets_t* request =
        rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), wanted.get());
    rd_kafka_ListConsumerGroupOffsets(a.rk_.get(), &request, 1, options.o, queue.get());
    rd_kafka_ListConsumerGroupOffsets_destroy(request);
    event_guard ev;
    const std::string what = "committed offsets of group " + group;
    if (auto r = await_result(a, queue.get(), budget, ev, what); !r) return r.error_value();
    std::size_t n = 0;
    const auto* listed = rd_kafka_event_ListConsumerGroupOffsets_result(ev.ev);
    if (listed == nullptr) return make_error(errc::broker, what + ": no result");
    const auto** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(listed, &n);
    if (n != 1 || groups[0] == nullptr)
      return make_error(errc::broker, what + ": no offsets returned");
    if (const auto* e = rd_kafka_group_result_error(groups[0]))
      return from_code(rd_kafka_error_code(e), what + ": " + rd_kafka_error_string(e));
    for (const auto& tp : partitions_of(rd_kafka_group_result_partitions(groups[0]))) {
      auto it = std::lower_bound(
          out.begin(), out.end(), tp, [](const partition_progress& x, const topic_partition& y) {
            return std::tie(x.topic, x.partition) < std::tie(y.topic, y.partition);
          });
      if (it != out.end() && it->topic == tp.topic && it->partition == tp.partition)
        it->committed = tp.offset;
    }
  }
  for (auto& p : out) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    const auto err = rd_kafka_query_watermark_offsets(a.rk_.get(), p.topic.c_str(), p.partition,
                                                      &low, &high, to_ms(left(deadline)));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return from_code(err, "watermarks of " + p.topic + "[" + std::to_string(p.partition) + "]");
    p.start = low;
    p.end = high;
  }
  return out;
}

} // namespace aetherial::topics
