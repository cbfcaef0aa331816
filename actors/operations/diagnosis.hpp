#pragma once
// Diagnosis: answers "operations.diagnose_latency" tasks ("Why is the server slow?") from what
// the agent already watches: the newest load sample of each service against the latency and
// error thresholds and its CPU target, open and escalated incidents, recent scale decisions
// and the runtime's own lag. A diagnosis decides nothing; it only reads the state.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/agent.hpp"
#include "actors/kit/gather.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/service_table.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// The task type this agent answers.
inline constexpr std::string_view diagnose_task_type = "operations.diagnose_latency";

/// Keeps `load` as the newest sample of its service (`reading`) when it is valid and newer than
/// the kept one.
void record_reading(std::optional<service_reading>& reading, const fbs::ServiceLoad& load,
                    std::int64_t time_ms);

/// The answer to one diagnosis task.
struct diagnosis {
  bool has_data = false;   ///< false: nothing observed that could explain slowness
  std::string text;        ///< the answer in plain words, with the numbers
  double confidence = 0.0; ///< 0..1, from how much fresh data the answer rests on
  std::string top_service; ///< the service furthest from healthy (or the one asked about)
  std::vector<std::pair<std::string, std::string>> results; ///< key figures, in a fixed order
  std::vector<std::string> citations; ///< ids of the incidents the answer mentions
};

/// Diagnoses the services of this partition (`services`: every row of the services table) at
/// event time `now_ms`; a non-empty `service` (compared case-insensitively) focuses the answer
/// on that service.
[[nodiscard]] diagnosis diagnose(const operations_state& s,
                                 const std::map<std::string, service_row>& services,
                                 const operations_config& cfg, std::string_view service,
                                 std::int64_t now_ms);

/// Answers a diagnose task addressed to this agent with a Reply on output::replies and a
/// TaskOutcome on output::tasks, both keyed by the task's conversation id; ignores other tasks.
/// A question about every service, with more than one partition, is asked of every partition
/// through `gather` (actors/kit/gather.hpp) and answered by `finish_diagnosis`.
void on_task(const operations_state& s, const operations_config& cfg, service_rows& rows,
             kit::gatherer& gather, const fbs::Task& task, context& ctx);

/// This partition's part of a diagnosis at `now_ms`: its open and recently escalated
/// incidents, the runtime's telemetry, and its services with a load sample (their scaling
/// state cut to what a diagnosis reads).
[[nodiscard]] bytes diagnosis_part(const operations_state& s,
                                   const std::map<std::string, service_row>& services,
                                   const operations_config& cfg, std::int64_t now_ms);

/// Merges a part into `into` and `services`: incidents by id, services by name (the newer
/// sample when two partitions have one), the runtime's telemetry from the part with the newest
/// sample. Throws std::runtime_error for bytes no partition could have written.
void merge_diagnosis_part(operations_state& into, std::map<std::string, service_row>& services,
                          const bytes& part);

/// Answers a diagnosis from its parts (ascending partition) as of the question's event time,
/// saying how many partitions answered when one did not in time.
void finish_diagnosis(const operations_config& cfg, const kit::task_spec& task,
                      const kit::gather_parts& parts, const kit::gather_progress& progress,
                      context& ctx);

} // namespace aetherial::actors::operations
