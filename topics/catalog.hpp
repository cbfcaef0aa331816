#pragma once
// The topic catalog (docs/ARCHITECTURE.md), declared once. Names carry a configurable prefix.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aetherial::topics {

/// One topic of the catalog.
struct topic_spec {
  std::string name;         ///< logical name ("platform.metrics"), without prefix
  std::string content;      ///< what it carries
  bool compacted = false;   ///< cleanup.policy=compact instead of delete, 64 MiB segments
  bool agent_input = false; ///< co-partitioned input of some agent kind
};

/// The catalog: every topic, with the deployment's prefix and partition count.
class catalog {
public:
  /// `prefix` is prepended verbatim ("" or e.g. "staging."); `partitions` for every topic.
  explicit catalog(std::string prefix = "", int partitions = 4, int replication_factor = 1);

  [[nodiscard]] const std::vector<topic_spec>& topics() const noexcept { return topics_; }
  [[nodiscard]] std::string name(std::string_view logical) const; ///< prefix + logical
  [[nodiscard]] std::optional<topic_spec> find(std::string_view logical) const;
  [[nodiscard]] int partitions() const noexcept { return partitions_; }
  [[nodiscard]] int replication_factor() const noexcept { return replication_factor_; }
  [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }

  // Logical names used by the runtime.
  static constexpr std::string_view metrics = "platform.metrics";
  static constexpr std::string_view health = "platform.health";
  static constexpr std::string_view decisions = "aetherial.decisions";
  static constexpr std::string_view replies = "aetherial.replies";
  static constexpr std::string_view tasks = "aetherial.tasks";
  static constexpr std::string_view effects = "aetherial.effects";
  static constexpr std::string_view effect_results = "aetherial.effect-results";
  static constexpr std::string_view telemetry = "aetherial.telemetry";
  static constexpr std::string_view snapshots = "aetherial.snapshots";
  static constexpr std::string_view journal = "aetherial.journal";
  static constexpr std::string_view changelog = "aetherial.changelog";
  static constexpr std::string_view dlq = "aetherial.dlq";
  static constexpr std::string_view reference = "platform.reference";
  static constexpr std::string_view broadcast = "aetherial.broadcast";
  static constexpr std::string_view repartition = "aetherial.repartition";

private:
  std::string prefix_;
  int partitions_;
  int replication_factor_;
  std::vector<topic_spec> topics_;
};

} // namespace aetherial::topics
