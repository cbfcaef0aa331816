#pragma once
// Checkpoints: how a partition's progress becomes durable, for both guarantees, behind one
// interface. Plain code over plain values and a `checkpoint_io` (Kafka and the local store
// in production, a recording fake in the unit tests). A failure is an error value: the
// caller decides what happens next; nothing here stops the process.
//
// at_least_once, per partition: changelog records of the changed table rows, journal record,
// snapshot record, flush every emitted record, commit the input offsets, then keep the snapshot
// (and the rows) locally. A crash between any two steps
// resumes at the previous checkpoint and re-emits decisions with the same ids.
//
// exactly_once, per agent kind: every partition's changelog, journal and snapshot records, the
// records
// its hosts emitted since the last commit (already in the open transaction) and the input
// offsets commit in one Kafka transaction. A failed commit is aborted and a new transaction
// begun (errc::transaction_aborted: the hosts must re-apply their tails); if abort or begin
// fails, the producer is unusable (errc::transaction_fatal: the node must exit so that a
// restart fences it and recovers from the last committed checkpoint).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/messages.hpp"
#include "runtime/partition.hpp"
#include "schemas/result.hpp"
#include "storage/snapshot.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::storage {
class snapshot_store;
}
namespace aetherial::topics {
class catalog;
class consumer;
class producer;
} // namespace aetherial::topics

namespace aetherial::runtime {

/// A checkpoint of one partition, built but not yet published.
struct prepared_checkpoint {
  std::int32_t partition = 0;
  storage::snapshot snap;
  std::string key;                   ///< "<agent>/<partition>"
  std::vector<std::uint8_t> journal; ///< empty when nothing was applied since the last
  std::vector<std::uint8_t> encoded; ///< the snapshot record
  std::string seal_error; ///< why the state could not be sealed (then nothing is written)
  /// The table rows changed since the last stored checkpoint, as the store keeps them: on the
  /// changelog topic before the snapshot record, and in the local store with the snapshot.
  std::vector<storage::encoded_row> rows;
  std::uint64_t handover = 0;                   ///< the host's number for them
  mutable bool stored_locally = false;          ///< set once the local store has it
  std::vector<topics::topic_partition> offsets; ///< input offsets the checkpoint commits
};

/// Builds the checkpoint of `ledger` from the state its host handed over, the state sealed by
/// `cipher` when one is given. No side effects.
[[nodiscard]] prepared_checkpoint prepare_checkpoint(const std::string& agent,
                                                     std::uint32_t state_version,
                                                     const partition_ledger& ledger,
                                                     host_state&& state,
                                                     const storage::state_cipher* cipher = nullptr);

/// One partition's part in an exactly_once checkpoint: its ledger, and the state its host
/// handed over (nullopt: the host did not answer, or is not ready).
struct transaction_member {
  const partition_ledger* ledger = nullptr;
  std::optional<host_state> state;
};

/// Builds the checkpoints of one transaction. nullopt when a partition whose host did not
/// answer has records since its last checkpoint: their outputs may be in the open
/// transaction, and committing without their offsets would separate the two (try later).
[[nodiscard]] std::optional<std::vector<prepared_checkpoint>>
prepare_transaction(const std::string& agent, std::uint32_t state_version,
                    std::vector<transaction_member>&& members,
                    const storage::state_cipher* cipher = nullptr);

/// Where checkpoints go. Production: runtime/checkpoint.cpp's Kafka implementation.
class checkpoint_io {
public:
  virtual ~checkpoint_io() = default;
  /// Queues the changelog records of `rows` of (agent, partition), each tagged with the
  /// checkpoint's journal seq `seq` (runtime/changelog.hpp).
  [[nodiscard]] virtual result<void>
  write_changelog(const std::string& agent, std::int32_t partition, std::uint64_t seq,
                  const std::vector<storage::encoded_row>& rows) = 0;
  /// Queues a journal record (on the journal topic) keyed `key`.
  [[nodiscard]] virtual result<void> write_journal(const std::string& key,
                                                   const std::vector<std::uint8_t>& value) = 0;
  /// Queues a snapshot record (on the snapshot topic) keyed `key`.
  [[nodiscard]] virtual result<void> write_snapshot(const std::string& key,
                                                    const std::vector<std::uint8_t>& value) = 0;
  /// Waits until every queued record (decisions included) is acknowledged.
  [[nodiscard]] virtual result<void> flush() = 0;
  /// Commits consumer offsets (at_least_once).
  [[nodiscard]] virtual result<void>
  commit_offsets(const std::vector<topics::topic_partition>& offsets) = 0;
  /// Adds consumer offsets to the open transaction (exactly_once).
  [[nodiscard]] virtual result<void>
  send_offsets_to_transaction(const std::vector<topics::topic_partition>& offsets) = 0;
  [[nodiscard]] virtual result<void> commit_transaction() = 0;
  [[nodiscard]] virtual result<void> abort_transaction() = 0;
  [[nodiscard]] virtual result<void> begin_transaction() = 0;
  /// Keeps the snapshot in the local store (a failure costs only a slower recovery).
  [[nodiscard]] virtual result<void>
  store_locally(const storage::snapshot& snap, const std::vector<storage::encoded_row>& rows) = 0;
};

/// at_least_once: makes one partition's checkpoint durable. On success the caller marks the
/// ledger checkpointed; on error nothing was committed (the local store's failure is logged,
/// not returned: Kafka holds the checkpoint).
[[nodiscard]] result<void> commit_at_least_once(checkpoint_io& io, const prepared_checkpoint& c);

/// at_least_once: makes the checkpoints of several partitions of one agent kind durable with
/// one flush and one offset commit, the round trips a checkpoint waits for. All or nothing
/// as for one: on error no offset was committed, and no ledger may move on.
[[nodiscard]] result<void> commit_at_least_once(checkpoint_io& io,
                                                const std::vector<prepared_checkpoint>& batch);

/// exactly_once: commits every prepared checkpoint of one agent kind in the open
/// transaction, and begins the next one. Errors: errc::transaction_aborted (rolled back;
/// a new transaction is open), errc::transaction_fatal (abort or begin failed).
[[nodiscard]] result<void> commit_transaction(checkpoint_io& io,
                                              const std::vector<prepared_checkpoint>& batch);

/// checkpoint_io over Kafka and the local snapshot store. Every reference must outlive it.
class kafka_checkpoint_io final : public checkpoint_io {
public:
  kafka_checkpoint_io(topics::producer& producer, topics::consumer& consumer,
                      const topics::catalog& catalog, storage::snapshot_store& store);
  result<void> write_changelog(const std::string& agent, std::int32_t partition, std::uint64_t seq,
                               const std::vector<storage::encoded_row>& rows) override;
  result<void> write_journal(const std::string& key, const std::vector<std::uint8_t>& v) override;
  result<void> write_snapshot(const std::string& key, const std::vector<std::uint8_t>& v) override;
  result<void> flush() override;
  result<void> commit_offsets(const std::vector<topics::topic_partition>& offsets) override;
  result<void>
  send_offsets_to_transaction(const std::vector<topics::topic_partition>& offsets) override;
  result<void> commit_transaction() override;
  result<void> abort_transaction() override;
  result<void> begin_transaction() override;
  result<void> store_locally(const storage::snapshot& snap,
                             const std::vector<storage::encoded_row>& rows) override;

private:
  topics::producer& producer_;
  topics::consumer& consumer_;
  const topics::catalog& catalog_;
  storage::snapshot_store& store_;
};

} // namespace aetherial::runtime
