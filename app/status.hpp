#pragma once
// `aetherial status`: how a deployment's agents are spread over its processes, from Kafka
// alone: each agent kind's consumer group (state, members, the partitions each owns) and, per
// input partition, the committed offset, the end of the log and the lag between them; and the
// latest decision about the runtime's own size, from the tail of aetherial.decisions.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/inspect.hpp"
#include "topics/kafka.hpp"

namespace aetherial::app {

struct status_options {
  topics::kafka_config kafka;
  std::string topic_prefix;
  std::string group = "aetherial"; ///< the runtime's --group (consumer group prefix)
  std::vector<std::string> agents{"all"};
  bool json = false;
};

/// The Operations agent's latest decision about the runtime's own size (a
/// RuntimeScaleDecision), and the effect request a deployment acts on.
struct runtime_scale_status {
  std::int64_t time_ms = 0; ///< event time of the decision
  int from_instances = 0;
  int to_instances = 0;
  std::int64_t total_lag = 0;
  double lag_growth_per_s = 0.0;
  std::string reason;
  std::string effect_id; ///< the EffectRequest of kind scale_runtime that carries it
};

/// One agent kind's group, as the brokers know it.
struct kind_status {
  std::string kind;
  std::string group;
  topics::group_description description;
  std::string describe_error; ///< why the group could not be described (then no members)
  std::vector<topics::partition_progress> inputs;
  std::string progress_error;
  /// Operations only: its latest runtime scale decision, when the tail of
  /// aetherial.decisions read holds one.
  std::optional<runtime_scale_status> runtime_scale;
  [[nodiscard]] std::int64_t lag() const;
};

/// Reads the status of every kind of `o.agents` ("all": every built-in kind).
[[nodiscard]] std::vector<kind_status> read_status(const status_options& o);

/// The status as text (a table per kind) or as one JSON document.
[[nodiscard]] std::string render_status(const std::vector<kind_status>& kinds, bool json);

/// `aetherial status`: exit 0, or 2 when the brokers cannot be reached at all.
[[nodiscard]] command_output status(const status_options& o);

} // namespace aetherial::app
