#include "runtime/checkpoint.hpp"

#include <spdlog/spdlog.h>

#include "runtime/changelog.hpp"
#include "runtime/errc.hpp"
#include "storage/snapshot_store.hpp"
#include "topics/catalog.hpp"

namespace aetherial::runtime {

prepared_checkpoint prepare_checkpoint(const std::string& agent, std::uint32_t state_version,
                                       const partition_ledger& ledger, host_state&& state,
                                       const storage::state_cipher* cipher) {
  prepared_checkpoint c;
  c.partition = ledger.partition();
  c.key = agent + "/" + std::to_string(ledger.partition());
  c.offsets = ledger.position();
  auto& snap = c.snap;
  snap.agent = agent;
  snap.partition = ledger.partition();
  snap.state_version = state_version;
  for (const auto& tp : c.offsets)
    snap.offsets.push_back({tp.topic, tp.partition, tp.offset});
  snap.events_applied = state.events_applied;
  snap.last_event_time_ms = state.last_event_time_ms;
  snap.state = std::move(state.state);
  snap.recent_event_ids = std::move(state.recent_event_ids);
  c.handover = state.handover;
  snap.journal_seq = ledger.journal_seq();
  if (auto je = ledger.journal(agent)) {
    c.journal = encode_journal(*je);
    snap.journal_seq = ledger.journal_seq() + 1;
  }
  if (auto encoded = storage::encode_snapshot(snap, cipher))
    c.encoded = std::move(encoded.value());
  else
    c.seal_error = encoded.error_value().message;
  if (auto rows = storage::encode_rows(cipher, agent, snap.partition, state.table_changes))
    c.rows = std::move(rows.value());
  else if (c.seal_error.empty())
    c.seal_error = rows.error_value().message;
  return c;
}

std::optional<std::vector<prepared_checkpoint>>
prepare_transaction(const std::string& agent, std::uint32_t state_version,
                    std::vector<transaction_member>&& members,
                    const storage::state_cipher* cipher) {
  std::vector<prepared_checkpoint> out;
  for (auto& m : members) {
    if (!m.state) {
      if (!m.ledger->tail_empty()) return std::nullopt;
      continue;
    }
    out.push_back(prepare_checkpoint(agent, state_version, *m.ledger, std::move(*m.state), cipher));
  }
  return out;
}

namespace {

result<void> write_records(checkpoint_io& io, const prepared_checkpoint& c) {
  if (!c.seal_error.empty())
    return make_error(errc::checkpoint_write, c.key + ": state not sealed: " + c.seal_error);
  // The rows before the snapshot that covers them: a reader that finds the snapshot finds them.
  if (!c.rows.empty()) {
    if (auto r = io.write_changelog(c.snap.agent, c.partition, c.snap.journal_seq, c.rows); !r)
      return make_error(errc::checkpoint_write,
                        c.key + ": changelog records not written: " + r.error_value().message);
  }
  if (!c.journal.empty()) {
    if (auto r = io.write_journal(c.key, c.journal); !r)
      return make_error(errc::checkpoint_write,
                        c.key + ": journal record not written: " + r.error_value().message);
  }
  if (auto r = io.write_snapshot(c.key, c.encoded); !r)
    return make_error(errc::checkpoint_write,
                      c.key + ": snapshot record not written: " + r.error_value().message);
  return {};
}

void keep_locally(checkpoint_io& io, const prepared_checkpoint& c) {
  if (auto r = io.store_locally(c.snap, c.rows); !r)
    spdlog::error("{}: snapshot not stored locally: {}", c.key, r.error_value().message);
  else
    c.stored_locally = true;
}

} // namespace

namespace {

result<void> commit_all(checkpoint_io& io, const std::vector<const prepared_checkpoint*>& batch) {
  if (batch.empty()) return {};
  std::string keys;
  for (const auto* c : batch) {
    if (auto r = write_records(io, *c); !r) return r;
    keys += (keys.empty() ? "" : ", ") + c->key;
  }
  if (auto r = io.flush(); !r)
    return make_error(errc::flush_failed,
                      keys + ": flush before commit failed: " + r.error_value().message);
  // A failed offset commit leaves the committed offsets behind the snapshot: recovery then
  // replays the difference from the journal, so the checkpoint still counts.
  std::vector<topics::topic_partition> offsets;
  for (const auto* c : batch)
    offsets.insert(offsets.end(), c->offsets.begin(), c->offsets.end());
  if (auto r = io.commit_offsets(offsets); !r)
    spdlog::warn("{}: offset commit failed: {}", keys, r.error_value().message);
  for (const auto* c : batch)
    keep_locally(io, *c);
  return {};
}

} // namespace

result<void> commit_at_least_once(checkpoint_io& io, const prepared_checkpoint& c) {
  return commit_all(io, {&c});
}

result<void> commit_at_least_once(checkpoint_io& io,
                                  const std::vector<prepared_checkpoint>& batch) {
  std::vector<const prepared_checkpoint*> all;
  for (const auto& c : batch)
    all.push_back(&c);
  return commit_all(io, all);
}

result<void> commit_transaction(checkpoint_io& io, const std::vector<prepared_checkpoint>& batch) {
  std::optional<error> failure;
  for (const auto& c : batch)
    if (auto r = write_records(io, c); !r) {
      failure = r.error_value();
      break;
    }
  if (!failure) {
    std::vector<topics::topic_partition> offsets;
    for (const auto& c : batch)
      offsets.insert(offsets.end(), c.offsets.begin(), c.offsets.end());
    if (auto r = io.send_offsets_to_transaction(offsets); !r)
      failure = make_error(errc::transaction_aborted,
                           "offsets not added to the transaction: " + r.error_value().message);
  }
  if (!failure) {
    if (auto r = io.commit_transaction(); !r)
      failure = make_error(errc::transaction_aborted,
                           "transaction commit failed: " + r.error_value().message);
  }
  if (failure) {
    if (auto r = io.abort_transaction(); !r)
      return make_error(errc::transaction_fatal,
                        failure->message +
                            "; then the abort failed too: " + r.error_value().message);
  }
  if (auto r = io.begin_transaction(); !r)
    return make_error(errc::transaction_fatal,
                      (failure ? failure->message + "; then " : std::string()) +
                          "cannot begin a transaction: " + r.error_value().message);
  if (failure) return make_error(errc::transaction_aborted, failure->message);
  for (const auto& c : batch)
    keep_locally(io, c);
  return {};
}

kafka_checkpoint_io::kafka_checkpoint_io(topics::producer& producer, topics::consumer& consumer,
                                         const topics::catalog& catalog,
                                         storage::snapshot_store& store)
    : producer_(producer), consumer_(consumer), catalog_(catalog), store_(store) {}

result<void> kafka_checkpoint_io::write_journal(const std::string& key,
                                                const std::vector<std::uint8_t>& v) {
  return producer_.send(catalog_.name(topics::catalog::journal), -1, key, v.data(), v.size());
}

result<void> kafka_checkpoint_io::write_snapshot(const std::string& key,
                                                 const std::vector<std::uint8_t>& v) {
  return producer_.send(catalog_.name(topics::catalog::snapshots), -1, key, v.data(), v.size());
}

result<void> kafka_checkpoint_io::flush() {
  return producer_.flush(topics::ms{30000});
}

result<void>
kafka_checkpoint_io::commit_offsets(const std::vector<topics::topic_partition>& offsets) {
  return consumer_.commit(offsets);
}

result<void> kafka_checkpoint_io::send_offsets_to_transaction(
    const std::vector<topics::topic_partition>& offsets) {
  return producer_.send_offsets_to_transaction(offsets, consumer_, topics::ms{30000});
}

result<void> kafka_checkpoint_io::commit_transaction() {
  return producer_.commit_transaction(topics::ms{60000});
}

result<void> kafka_checkpoint_io::abort_transaction() {
  return producer_.abort_transaction(topics::ms{60000});
}

result<void> kafka_checkpoint_io::begin_transaction() {
  return producer_.begin_transaction();
}

result<void> kafka_checkpoint_io::store_locally(const storage::snapshot& snap,
                                                const std::vector<storage::encoded_row>& rows) {
  return store_.put(snap, rows);
}

result<void> kafka_checkpoint_io::write_changelog(const std::string& agent, std::int32_t partition,
                                                  std::uint64_t seq,
                                                  const std::vector<storage::encoded_row>& rows) {
  const std::string topic = catalog_.name(topics::catalog::changelog);
  const std::vector<topics::header> headers = {changelog_seq_header(seq)};
  for (const auto& row : rows) {
    const std::string key = changelog_key(agent, row.table, row.key);
    const auto* value =
        row.stored ? reinterpret_cast<const std::uint8_t*>(row.stored->data()) : nullptr;
    if (auto r = producer_.send(topic, partition, key, value, row.stored ? row.stored->size() : 0,
                                headers);
        !r)
      return r;
  }
  return {};
}

} // namespace aetherial::runtime
