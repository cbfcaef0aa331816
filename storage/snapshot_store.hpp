#pragma once
// The RocksDB snapshot store: per (agent kind, partition) the last K snapshots.
// Owns the RocksDB handle; no rocksdb type leaves storage/.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schemas/result.hpp"
#include "storage/snapshot.hpp"

namespace aetherial::storage {

/// Options of the store. Defaults in comments.
struct store_options {
  std::size_t keep_last = 3; ///< snapshots kept per (agent, partition); default 3
  bool sync_writes = false;  ///< fsync each put; default false (WAL still written)
  /// Seals the state of every put and opens sealed state on reads; none: state in clear.
  std::shared_ptr<const state_cipher> cipher;
};

/// What `list` shows of a stored snapshot (without decoding its state).
struct snapshot_info {
  std::string agent;
  std::int32_t partition = 0;
  std::uint64_t sequence = 0; ///< store-assigned, increasing per (agent, partition)
  std::size_t size_bytes = 0;
  bool valid = false;           ///< passed verification and checksum
  std::string problem;          ///< why not valid
  std::optional<snapshot> meta; ///< decoded (state included) when valid
};

/// A snapshot store on disk. Thread-safe.
class snapshot_store {
public:
  [[nodiscard]] static result<std::unique_ptr<snapshot_store>> open(const std::string& path,
                                                                    store_options opts = {});
  ~snapshot_store();
  snapshot_store(const snapshot_store&) = delete;
  snapshot_store& operator=(const snapshot_store&) = delete;

  /// Stores a snapshot (encoded with encode_snapshot) as the newest of its (agent, partition)
  /// and deletes all but the newest keep_last.
  result<void> put(const snapshot& s);

  /// The newest snapshot that verifies and satisfies `accept` (e.g. "offsets not past the
  /// committed offsets"); corrupt ones are skipped and counted in `skipped_corrupt`.
  [[nodiscard]] result<std::optional<snapshot>>
  latest_valid(const std::string& agent, std::int32_t partition,
               const std::function<bool(const snapshot&)>& accept = {},
               std::size_t* skipped_corrupt = nullptr) const;

  /// Every stored snapshot, newest first per (agent, partition); empty agent = all agents.
  [[nodiscard]] result<std::vector<snapshot_info>> list(const std::string& agent = "") const;

  /// A small value kept per (agent, partition) beside its snapshots, in RocksDB's write-ahead
  /// log before this returns: what the runtime must still know after the process dies (the
  /// machine's crash is not covered: no fsync, it is written once per applied record).
  result<void> put_marker(const std::string& agent, std::int32_t partition,
                          const std::vector<std::uint8_t>& value);
  /// The marker of (agent, partition); nullopt when none was written.
  [[nodiscard]] result<std::optional<std::vector<std::uint8_t>>>
  get_marker(const std::string& agent, std::int32_t partition) const;

  /// The last write failure of the disk (full, read-only, I/O error) since writes last
  /// worked; nullopt while they work. Every failing write sets it; a successful `probe`
  /// clears it. Refused arguments (errc::invalid) are no fault.
  [[nodiscard]] std::optional<std::string> fault() const;
  /// The cipher of the store's options (null: state in clear).
  [[nodiscard]] const state_cipher* cipher() const;
  /// Tries whether writes work again: resumes RocksDB from its background error, then writes,
  /// syncs and deletes a probe key. On success the fault is cleared.
  result<void> probe();

  /// Writes raw bytes as the newest snapshot (tests use it to store corrupt data).
  result<void> put_raw(const std::string& agent, std::int32_t partition,
                       const std::vector<std::uint8_t>& bytes);

  struct impl;

private:
  explicit snapshot_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace aetherial::storage
