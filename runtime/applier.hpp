#pragma once
// Applying one consumed record to an agent: decode (verify, or convert JSON), run, collect.
// Shared by the live host, recovery and the audit, so all three decide identically.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "runtime/event_window.hpp"
#include "runtime/identity.hpp"
#include "schemas/validate.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// A record's value as a verified envelope; `env` is null and `why` set when invalid.
struct decoded_event {
  std::vector<std::uint8_t> converted; ///< owns the bytes when the input was JSON
  const schemas::fbs::Envelope* env = nullptr;
  std::string why;
};

/// Verifies the value (size limit, FlatBuffers verifier, then schemas::check_envelope:
/// schema version, event time window, strings). A value starting with '{' is
/// converted from JSON with defaults derived from the record itself (id from topic,
/// partition and offset; event time from the record timestamp), so replay gives the same
/// envelope.
///
/// FlatBuffers reads its scalars in place, so the bytes must be aligned; a record still in
/// librdkafka's buffer is, in general, not. A misaligned value is copied first: into
/// `*aligned` when given (a buffer the caller reuses, so decoding allocates nothing once it
/// has grown; `env` then points into it until its next use), else into `converted`.
[[nodiscard]] decoded_event decode_record(const topics::record_view& r,
                                          const schemas::input_limits& limits,
                                          std::vector<std::uint8_t>* aligned = nullptr);

/// Why `r` is not on the partition its key belongs on among `partitions` of its topic
/// (schemas/partitioner.hpp: murmur2, as the Java client and every Aetherial producer choose);
/// nullopt when it is, when it has no key (a keyless record may go anywhere), or when the
/// count is unknown (0). Such a record would reach an agent instance that does not keep its
/// key's state: the live host dead-letters it as `wrong_partition`, and recovery and the
/// audit skip it likewise.
[[nodiscard]] std::optional<std::string> misplaced(const topics::record_view& r,
                                                   std::int32_t partitions);

/// What applying one record did.
struct apply_outcome {
  enum class status { applied, invalid, duplicate, threw };
  status result = status::applied;
  std::string reason; ///< why invalid, or what the agent threw
  std::vector<actors::emitted> outputs;
};

/// Where an input comes from: its logical topic (actors::context::input_topic), and the
/// partition the agent instance owns, of how many its inputs have.
struct partition_of {
  std::int32_t partition = 0;
  std::int32_t partitions = 1;
  std::string_view topic;
};

/// The partitions of an agent kind's inputs, from those of each input topic (0: a topic not
/// checked, such as the broadcast topic): the largest, at least 1.
[[nodiscard]] std::int32_t kind_partitions(const std::vector<std::int32_t>& input_partitions);

/// Applies `r` to `agent` of kind `kind`. Never throws: an agent exception is reported
/// as status::threw (the agent's state and `seen` may then be changed: restore both). A
/// valid input whose event id is in `seen` is status::duplicate and not applied; otherwise
/// its id enters `seen`. An output larger than `limits.max_output_bytes` makes the record
/// status::invalid with no outputs (the state change stays: replay does the same). With
/// `identities`, the agent sees the verified identity of the record (actors::identity); the
/// live host and the audit always pass the node's verifier. `tables` is the agent instance's
/// keyed state (null: an agent that uses tables fails on the record). `where` tells the agent
/// which partition of how many it runs on (actors::context::partition); the live host and the
/// audit pass the same for a partition.
[[nodiscard]] apply_outcome apply_record(actors::agent& agent, event_window& seen,
                                         std::string_view kind, const topics::record_view& r,
                                         const schemas::input_limits& limits,
                                         const identity_verifier* identities = nullptr,
                                         actors::table_store* tables = nullptr,
                                         partition_of where = {});

/// apply_record for a record already decoded with decode_record (`d` views its bytes).
[[nodiscard]] apply_outcome
apply_decoded(actors::agent& agent, event_window& seen, std::string_view kind, decoded_event&& d,
              const schemas::input_limits& limits, const identity_verifier* identities = nullptr,
              actors::table_store* tables = nullptr, partition_of where = {});

/// Logical topic an output goes to.
[[nodiscard]] std::string_view output_topic(actors::output o) noexcept;

} // namespace aetherial::runtime
