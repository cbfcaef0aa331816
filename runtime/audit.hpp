#pragma once
// The audit: re-runs agents over the recorded inputs, in the journaled order, and compares
// every recomputed decision with the recorded one, byte for byte. It streams: inputs are
// replayed as they are fetched, partition by partition, and what it must look up later
// (recorded outputs, replayed inputs) is indexed in a scratch store on disk.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/agent.hpp"
#include "runtime/identity.hpp"
#include "schemas/envelope.hpp"
#include "schemas/limits.hpp"
#include "schemas/result.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// What to audit.
struct audit_options {
  topics::kafka_config kafka;
  std::string topic_prefix;
  std::vector<std::string> agents{"all"}; ///< kinds to audit; "all" = every built-in kind
  schemas::input_limits limits;           ///< as the audited run had them
  /// The audited run's token keys and policy: identities are verified again, at each event's
  /// time, exactly as the run verified them.
  std::shared_ptr<const identity_verifier> identities;
  /// The settings the audited run used (they shape decisions, e.g. a hashing salt).
  actors::agent_settings settings;
  /// Where the audit keeps its index of recorded events, a scratch store removed at the end
  /// (empty: the system's temporary directory, $TMPDIR). It takes about the size of the
  /// audited outputs and inputs on disk; memory stays bounded by `scratch_memory_bytes` plus
  /// what is fetched ahead (audit_prefetch_kib per worker) plus a 4 MiB filter, whatever the
  /// length of the log.
  std::string scratch_dir;
  std::size_t scratch_memory_bytes = 64 << 20;
  /// Called with (phase, done, total) as the audit progresses; may be empty.
  std::function<void(const std::string&, std::uint64_t, std::uint64_t)> progress;
};

/// The audit's findings.
struct audit_report {
  std::uint64_t inputs_replayed = 0;
  std::uint64_t decisions = 0;   ///< recomputed decisions matched byte for byte
  std::uint64_t divergences = 0; ///< mismatches of any kind
  std::uint64_t pending = 0;     ///< recorded decisions whose inputs are not checkpointed yet
  std::uint64_t duplicates = 0;  ///< recorded more than once (at-least-once redelivery)
  std::string first_divergence;  ///< the first one, with its causal chain
  [[nodiscard]] std::string summary() const;
};

/// The input fetched ahead per worker, in KiB, when `workers` partitions are replayed side by
/// side: 256 MiB over the workers, 16 to 64 MiB each.
[[nodiscard]] std::size_t audit_prefetch_kib(std::size_t workers);

/// Runs the audit. An error means it could not run (broker, journal unreadable); a
/// divergence is a finding, reported in the result.
[[nodiscard]] result<audit_report> run_audit(const audit_options& options);

/// The chain of events that led to event `id` (a decision, usually): each event, then the
/// event it was caused by, back to an external input. Reads every topic of the catalog.
[[nodiscard]] result<std::string> explain(const topics::kafka_config& kafka,
                                          const std::string& topic_prefix,
                                          const schemas::event_id& id);

} // namespace aetherial::runtime
