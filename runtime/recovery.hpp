#pragma once
// Recovery: the state a partition's host starts from when the partition is assigned. The
// plan is plain code over a `recovery_sources` interface (Kafka and the local store in
// production, fakes in the unit tests):
//
//   1. nothing committed yet          -> empty state, consume from the start;
//   2. the newest local snapshot that is not past the committed offsets and whose state
//      version the kind reads (state_version back to min_state_version; older ones are
//      refused, newer ones too);
//   3. else the newest such snapshot on the snapshot topic (the partition moved here from
//      another node); for a kind that keeps tables, only once the changelog restored the
//      rows at it (runtime/changelog.hpp);
//   4. then, when the snapshot (or the empty state) is older than the committed offsets,
//      the journaled inputs in between, in the order the live host applied them, replayed
//      with emission suppressed (their decisions were already published).
//
// Refusing every snapshot (all too old, say) therefore rebuilds the partition from the log.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/changelog.hpp"
#include "runtime/journal.hpp"
#include "runtime/messages.hpp"
#include "schemas/result.hpp"
#include "storage/snapshot.hpp"
#include "topics/kafka.hpp"

namespace aetherial::storage {
class snapshot_store;
}

namespace aetherial::runtime {

/// What is being recovered.
struct recovery_request {
  std::string agent;
  std::int32_t partition = 0;
  std::vector<std::string> topics;     ///< the kind's full input topic names, in input order
  std::vector<std::int64_t> committed; ///< committed next offset per topic; -1: none
  std::uint32_t state_version = 1;     ///< the version the kind writes
  std::uint32_t min_state_version = 1; ///< the oldest version the kind reads
  /// The kind keeps tables: a snapshot is usable only when the local table rows are at it
  /// (`tables_at`, the journal seq they were stored with; nullopt: no rows).
  bool uses_tables = false;
  std::optional<std::uint64_t> tables_at;
};

/// Where the recovered state came from (the `source` label of aetherial_recoveries_total):
/// `changelog` is a snapshot from the snapshot topic with its table rows from the changelog.
enum class recovery_source { empty, snapshot, snapshot_topic, replay, changelog };
[[nodiscard]] const char* to_string(recovery_source s) noexcept;

/// The result of planning: restore `snapshot` (empty state if none), apply `replay` with
/// emission suppressed, continue consuming at `position`.
struct recovery_plan {
  recovery_source source = recovery_source::empty;
  std::optional<storage::snapshot> snapshot;
  input_batch replay;
  std::vector<std::int64_t> position; ///< next offset per topic; -1: from the start
  std::uint64_t journal_seq = 0;      ///< the seq the next journal record gets
  std::vector<std::string> notes;     ///< what was skipped or refused, and why (for the log)
  std::size_t corrupt_snapshots = 0;  ///< local snapshots skipped as damaged
};

/// What recovery reads. Every call concerns the request's agent and partition.
class recovery_sources {
public:
  virtual ~recovery_sources() = default;
  /// The newest local snapshot `accept` takes; counts undecodable ones in `corrupt`.
  [[nodiscard]] virtual result<std::optional<storage::snapshot>>
  local(const std::function<bool(const storage::snapshot&)>& accept, std::size_t& corrupt) = 0;
  /// The newest snapshot on the snapshot topic `accept` takes.
  [[nodiscard]] virtual result<std::optional<storage::snapshot>>
  snapshot_topic(const std::function<bool(const storage::snapshot&)>& accept) = 0;
  /// Makes the local table rows those at `s` (a snapshot of the topic) from the changelog,
  /// and keeps `s` locally with them (restore_from_changelog).
  [[nodiscard]] virtual result<changelog_restore> restore_tables(const storage::snapshot& s) = 0;
  /// The partition's journal records with seq >= `from_seq`, in seq order.
  [[nodiscard]] virtual result<std::vector<journal_entry>> journal(std::uint64_t from_seq) = 0;
  /// The input records the entries name, in journal order.
  [[nodiscard]] virtual result<input_batch> fetch(const std::vector<journal_entry>& entries) = 0;
};

/// The committed next offset of each of `topics` (-1 where none is committed) from what the
/// consumer group reported.
[[nodiscard]] std::vector<std::int64_t>
committed_positions(const std::vector<std::string>& topics,
                    const std::vector<topics::topic_partition>& committed);

/// Plans the recovery of one partition. Never fails: what cannot be read is noted, and the
/// plan falls back to the next source.
[[nodiscard]] recovery_plan plan_recovery(const recovery_request& request,
                                          recovery_sources& sources);

// --- Reading the log (used by recovery and the audit) ---------------------------------------

/// Reads the given topic-partitions (committed records only) from their offsets (-2: the
/// start) to where they end at the call, calling `each` for every record; returns how many
/// were read. Records produced meanwhile are not waited for.
[[nodiscard]] result<std::size_t>
read_partitions(const topics::kafka_config& cfg, const std::vector<topics::topic_partition>& from,
                const std::function<void(topics::record&)>& each,
                const std::function<void(std::size_t)>& progress = {});

/// read_partitions without copying, on a reader (read_committed) the caller created:
/// `each_batch` gets every poll's records as they sit in librdkafka's buffers (it may keep
/// the messages).
[[nodiscard]] result<std::size_t>
read_partition_messages(topics::reader& reader, const std::vector<topics::topic_partition>& from,
                        const std::function<void(std::vector<topics::message>&)>& each_batch,
                        const std::function<void(std::size_t)>& progress = {});

/// Reads `topic` (every partition, committed records only) from its start to its end at
/// the call, calling `each` for every record; returns how many were read.
[[nodiscard]] result<std::size_t> read_topic(const topics::kafka_config& cfg,
                                             const std::string& topic,
                                             const std::function<void(topics::record&)>& each,
                                             const std::function<void(std::size_t)>& progress = {});

/// read_topic for several topics at once, with one client.
[[nodiscard]] result<std::size_t>
read_topics(const topics::kafka_config& cfg, const std::vector<std::string>& topics,
            const std::function<void(topics::record&)>& each,
            const std::function<void(std::size_t)>& progress = {});

/// Reads the whole journal topic once, for every agent kind.
[[nodiscard]] result<std::map<std::string, journal_index>>
read_journals(const topics::kafka_config& cfg, const std::string& journal_topic,
              const std::function<void(std::size_t)>& progress = {});

/// Reads the whole journal topic and keeps `agent`'s records.
[[nodiscard]] result<journal_index>
read_journal(const topics::kafka_config& cfg, const std::string& journal_topic,
             const std::string& agent, const std::function<void(std::size_t)>& progress = {});

/// Fetches the input records the segments name, in journal order. `input_topics` are full
/// topic names indexed like the agent's inputs. Fails if a record the journal names is gone.
[[nodiscard]] result<input_batch>
fetch_journaled_inputs(const topics::kafka_config& cfg,
                       const std::vector<std::string>& input_topics, std::int32_t partition,
                       const std::vector<const journal_entry*>& entries);

/// The same, one record at a time: calls `each` with every record in journal order, holding
/// only what is fetched ahead of it; stops at the first error `each` returns. Returns how many
/// records it was called with.
[[nodiscard]] result<std::size_t>
for_each_journaled_input(const topics::kafka_config& cfg,
                         const std::vector<std::string>& input_topics, std::int32_t partition,
                         const std::vector<const journal_entry*>& entries,
                         const std::function<result<void>(input_record&)>& each);

/// The newest snapshot of (agent, partition) on the snapshot topic that decodes (its state
/// opened with `cipher` when sealed) and satisfies `accept`.
[[nodiscard]] result<std::optional<storage::snapshot>>
read_snapshot_topic(const topics::kafka_config& cfg, const std::string& snapshot_topic,
                    const std::string& agent, std::int32_t partition,
                    const std::function<bool(const storage::snapshot&)>& accept,
                    const storage::state_cipher* cipher = nullptr);

/// recovery_sources over Kafka (journal and snapshot topics, input topics) and the local
/// snapshot store, for one (agent, partition). The store must outlive it.
class kafka_recovery_sources final : public recovery_sources {
public:
  kafka_recovery_sources(topics::kafka_config kafka, storage::snapshot_store& store,
                         std::string journal_topic, std::string snapshot_topic,
                         std::string changelog_topic, const recovery_request& request);
  result<std::optional<storage::snapshot>>
  local(const std::function<bool(const storage::snapshot&)>& accept, std::size_t& corrupt) override;
  result<std::optional<storage::snapshot>>
  snapshot_topic(const std::function<bool(const storage::snapshot&)>& accept) override;
  result<changelog_restore> restore_tables(const storage::snapshot& s) override;
  result<std::vector<journal_entry>> journal(std::uint64_t from_seq) override;
  result<input_batch> fetch(const std::vector<journal_entry>& entries) override;

private:
  /// Before the first read of the log: waits (at most 5 s, once) until the transactions open
  /// on the partition's journal, snapshot and changelog records have ended
  /// (topics::wait_until_stable), so that the previous owner's last committed checkpoint is
  /// read whole even while its commit markers are being written.
  result<void> settle();

  topics::kafka_config kafka_;
  storage::snapshot_store& store_;
  std::string journal_topic_;
  std::string snapshot_topic_;
  std::string changelog_topic_;
  std::string agent_;
  std::int32_t partition_;
  std::vector<std::string> topics_;
  bool settled_ = false;
};

} // namespace aetherial::runtime
