#include "runtime/options.hpp"

#include <algorithm>

#include "actors/registry.hpp"

namespace aetherial::runtime {

std::string_view to_string(guarantee g) noexcept {
  return g == guarantee::exactly_once ? "exactly_once" : "at_least_once";
}

std::optional<guarantee> parse_guarantee(std::string_view name) noexcept {
  if (name == "at_least_once") return guarantee::at_least_once;
  if (name == "exactly_once") return guarantee::exactly_once;
  return std::nullopt;
}

const actors::agent_kind* resolve_kind(const node_options& o, const std::string& name) {
  for (const auto& k : o.extra_kinds)
    if (k.name == name) return &k;
  return actors::find_agent_kind(name);
}

void expand_agents(node_options& o) {
  std::vector<std::string> out;
  for (const auto& a : o.agents) {
    if (a != "all") {
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
      continue;
    }
    for (const auto& k : actors::agent_kinds())
      if (std::find(out.begin(), out.end(), k.name) == out.end()) out.push_back(k.name);
    for (const auto& k : o.extra_kinds)
      if (std::find(out.begin(), out.end(), k.name) == out.end()) out.push_back(k.name);
  }
  o.agents = std::move(out);
}

std::vector<std::string> validate(const node_options& o) {
  std::vector<std::string> problems;
  if (o.partitions < 1 || o.partitions > 1024)
    problems.push_back("--partitions must be between 1 and 1024 (got " +
                       std::to_string(o.partitions) + ")");
  if (o.replication_factor < 1) problems.push_back("--replication-factor must be at least 1");
  if (o.guarantee == guarantee::exactly_once && o.brokers.empty())
    problems.push_back("--guarantee exactly_once needs a real broker (--brokers): the embedded "
                       "broker's transactions keep no offsets");
  if (o.checkpoint_events == 0) problems.push_back("--checkpoint-events must be positive");
  if (o.checkpoint_interval_ms <= 0)
    problems.push_back("--checkpoint-interval-ms must be positive");
  if (o.state_chunk_bytes < 4096 || o.state_chunk_bytes > 512 * 1024)
    problems.push_back("--state-chunk-bytes must be between 4096 and 524288 (got " +
                       std::to_string(o.state_chunk_bytes) + ")");
  if (o.max_inflight < 16) problems.push_back("--max-inflight must be at least 16");
  if (o.scheduler_policy != "sharing" && o.scheduler_policy != "stealing")
    problems.push_back("--scheduler-policy must be sharing or stealing (got '" +
                       o.scheduler_policy + "')");
  if (o.limits.max_event_bytes < 64) problems.push_back("--max-event-bytes must be at least 64");
  if (o.limits.max_string_bytes < 1) problems.push_back("--max-string-bytes must be at least 1");
  if (o.limits.max_output_bytes < 1024)
    problems.push_back("--max-output-bytes must be at least 1024");
  if (o.limits.duplicate_window > 20000)
    problems.push_back("--duplicate-window must be at most 20000 (it is kept in every "
                       "snapshot, 16 bytes per id, and a snapshot must fit a broker record)");
  if (o.limits.min_event_time_ms >= o.limits.max_event_time_ms)
    problems.push_back("--min-event-time-ms must be below --max-event-time-ms");
  if (o.retry_limit < 1) problems.push_back("--retry-limit must be at least 1");
  if (o.metrics_port > 65535) problems.push_back("--metrics-port must be at most 65535");
  if (o.health_tick_seconds < 1 || o.health_tick_seconds > 86400)
    problems.push_back("--health-tick-seconds must be between 1 and 86400 (got " +
                       std::to_string(o.health_tick_seconds) + ")");
  if (o.health_stall_seconds < 1 || o.health_stall_seconds > 86400)
    problems.push_back("--health-stall-seconds must be between 1 and 86400 (got " +
                       std::to_string(o.health_stall_seconds) + ")");
  if (o.data_dir.empty()) problems.push_back("--data-dir must not be empty");
  if (o.agents.empty()) problems.push_back("--agents must name at least one agent kind");
  for (const auto& a : o.agents)
    if (resolve_kind(o, a) == nullptr) {
      std::string known;
      for (const auto& k : actors::agent_kinds())
        known += (known.empty() ? "" : ", ") + k.name;
      problems.push_back("unknown agent kind '" + a + "' (known: " + known + ")");
    }
  for (const auto& a : o.agents) // bad or unknown agent settings of a kind it would host
    if (const auto* k = resolve_kind(o, a); k != nullptr && k->check_settings != nullptr)
      for (auto& p : k->check_settings(o.agent_settings))
        problems.push_back(std::move(p));
  if (o.restart.max_failures < 1) problems.push_back("--quarantine-failures must be at least 1");
  return problems;
}

} // namespace aetherial::runtime
