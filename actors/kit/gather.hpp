#pragma once
// Questions that span partitions (scatter-gather). An agent kind's state is split by key over
// the partitions of its inputs, so a question about all of it ("Why is the server slow?",
// "Show me today's active users") has one part in every partition.
//
// The instance that receives the question (the gathering one) keeps its own part, asks every
// other partition of its kind with a `PartialRequest` on aetherial.tasks, keyed to land on that
// partition (`partition_key`), and files the question in its tables with a deadline. Each
// instance answers with a `PartialAnswer` keyed to the gathering partition. When every part is
// in, or when the first input past the deadline (event time) arrives, the kind's `finish`
// merges the parts in ascending partition order, whatever order they came in, and answers
// once, saying how many partitions answered when one was late. A part arriving after that
// finds no question and is ignored.
//
// Everything goes through Kafka and the tables: a gathering instance that fails over resumes
// with the parts it had, the audit replays the same merge, and the answer does not depend on
// how many processes share the partitions. With one partition (or a caller that set none) a
// kind answers from its own state, as before.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/agent.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::kit {

/// A key that lands on `partition` of `partitions` (murmur2, as the runtime's producers place
/// keys): "partition-<p>", or the first "partition-<p>.<j>" that lands there. The same on every
/// machine.
[[nodiscard]] std::string partition_key(std::int32_t partition, std::int32_t partitions);

/// How far a question got when it is answered.
struct gather_progress {
  std::int32_t partitions = 1;        ///< asked, the gathering one included
  std::vector<std::int32_t> answered; ///< ascending
  std::vector<std::int32_t> missing;  ///< ascending; empty when complete
  std::int64_t asked_ms = 0;          ///< event time of the question
  std::int64_t timeout_ms = 0;        ///< how long it waited for the missing ones
  std::string correlation;            ///< the question's correlation id

  [[nodiscard]] bool complete() const noexcept { return missing.empty(); }
};

/// "" for a complete answer; else a sentence saying how many partitions answered and which did
/// not ("Partial answer: 3 of 4 partitions answered within 10 s; partition 2 did not.").
[[nodiscard]] std::string progress_note(const gather_progress& p);

/// Figures for an answer's details: partitions and partitions_answered (nothing for one
/// partition), and the missing ones when there are.
[[nodiscard]] key_values progress_details(const gather_progress& p);

/// The parts of a question, by partition, ascending.
using gather_parts = std::vector<std::pair<std::int32_t, bytes>>;

/// The pending questions of one agent instance: the tables `gathers` (one `Gather` row per
/// question), `gathers.parts` (one row per part received) and the time index
/// `gathers.deadline`.
class gatherer {
public:
  /// This partition's part of `task`, in the kind's encoding.
  using part_fn = std::function<bytes(const task_spec& task, context& ctx)>;
  /// Answers `task` from its parts (ascending partition), how far the question got, the key and
  /// correlation the question was asked with.
  using finish_fn = std::function<void(const task_spec& task, const gather_parts& parts,
                                       const gather_progress& progress, context& ctx)>;

  static constexpr std::string_view table = "gathers";
  static constexpr std::string_view parts_table = "gathers.parts";
  static constexpr std::string_view deadline_index = "gathers.deadline";

  /// `kind`: the agent kind that gathers; `timeout_ms`: how long a question waits for parts.
  gatherer(std::string kind, std::int64_t timeout_ms);

  /// Starts a question when the kind's inputs have more than one partition: keeps this
  /// partition's `own` part, asks every other partition and files the deadline. False (and
  /// nothing done) with one partition: the caller answers from its own state. A question whose
  /// task id is already pending is not asked again (true).
  bool ask(const task_spec& task, bytes own, context& ctx);

  /// Handles a PartialRequest or PartialAnswer addressed to this kind; ignores every other
  /// event (false). Answers a request with `part`; merges an answer and finishes the question
  /// with `finish` once every partition answered.
  bool on_event(const fbs::Envelope& event, context& ctx, const part_fn& part,
                const finish_fn& finish);

  /// Finishes, with the parts they have, the questions whose deadline is at or before the
  /// event time. Call before handling each event.
  void expire(context& ctx, const finish_fn& finish);

  [[nodiscard]] std::int64_t timeout_ms() const noexcept { return timeout_ms_; }

  /// Forgets what the deadline index learned of the tables: after the agent's state (and so
  /// its tables) was restored.
  void restart() { deadlines_ = expiry_index(std::string(deadline_index)); }

private:
  void finish_question(const std::string& id, context& ctx, const finish_fn& finish);

  std::string kind_;
  std::int64_t timeout_ms_;
  expiry_index deadlines_;
};

} // namespace aetherial::actors::kit
