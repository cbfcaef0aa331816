#pragma once
// The broadcaster: what is published once for every partition (knowledge-base articles,
// roles, blocklists, model tiers) goes to `platform.reference`, a topic of any partition
// count; every node runs a member of the consumer group `<group>.broadcast` over it, which
// copies each record to every partition of `aetherial.broadcast`, an input of the agent kinds
// that need it. Each partition's host then applies the copy like any input: in an order its
// journal records, restored with its checkpoints, replayed by the audit (as Kafka Streams'
// GlobalKTable, without a second, unjournaled way in). Under exactly_once a copy and the
// offset of its source commit in one transaction; under at_least_once a record copied twice
// has the same event id, and the hosts' duplicate window drops the second copy.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "schemas/result.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// The header a copy carries: "<source topic>/<partition>@<offset>".
inline constexpr std::string_view broadcast_source_header = "aetherial.broadcast.source";

struct broadcaster_options {
  topics::kafka_config kafka;
  const topics::catalog* catalog = nullptr;
  std::string group;       ///< the runtime's --group; the member joins `<group>.broadcast`
  std::string instance_id; ///< static membership and the transactional id
  bool exactly_once = false;
  /// Called (from the broadcaster's thread) when it cannot go on: the node fails.
  std::function<void(const std::string&)> on_fatal;
};

class broadcaster {
public:
  [[nodiscard]] static result<std::unique_ptr<broadcaster>> start(broadcaster_options o);
  ~broadcaster();
  broadcaster(const broadcaster&) = delete;
  broadcaster& operator=(const broadcaster&) = delete;
  /// Copies what it polled, commits, leaves the group.
  void stop();
  /// Records copied so far (each to every partition).
  [[nodiscard]] std::uint64_t copied() const noexcept { return copied_.load(); }

private:
  explicit broadcaster(broadcaster_options o);
  void run();
  result<void> copy_batch(std::vector<topics::record>& batch);

  broadcaster_options options_;
  std::string source_;
  std::string target_;
  int partitions_ = 0;
  std::unique_ptr<topics::consumer> consumer_;
  std::unique_ptr<topics::producer> producer_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> copied_{0};
  std::thread thread_;
};

} // namespace aetherial::runtime
