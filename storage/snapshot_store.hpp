#pragma once
// The RocksDB snapshot store: per (agent kind, partition) the last K snapshots.
// Owns the RocksDB handle; no rocksdb type leaves storage/.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

/// One change to a table of an (agent, partition): a new value, or an erase (nullopt).
struct table_change {
  std::string table;
  std::string key;
  std::optional<std::vector<std::uint8_t>> value;
};

/// A table change as the store keeps it: the value in its stored form (sealed with the
/// store's cipher when there is one; nullopt: the row is erased). The changelog topic carries
/// these bytes as they are, so a row restored from it is the row the store had.
struct encoded_row {
  std::string table;
  std::string key;
  std::optional<std::string> stored;
};

class state_cipher;

/// Encodes `changes` of (agent, partition) as the store keeps them, each value sealed with
/// `cipher` (null: in clear, with a format byte). Fails on a table name or key past the limits.
[[nodiscard]] result<std::vector<encoded_row>>
encode_rows(const state_cipher* cipher, const std::string& agent, std::int32_t partition,
            const std::vector<table_change>& changes);

/// A snapshot store on disk, with the keyed tables of each (agent, partition) beside the
/// snapshots. Thread-safe.
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
  /// The same, and `changes` applied to the tables of the snapshot's (agent, partition), in
  /// one atomic write: afterwards the tables are at the snapshot (`tables_at` = its
  /// journal_seq). Table names are 1 to 256 bytes without NUL; keys any bytes, at most 64 KiB.
  result<void> put(const snapshot& s, const std::vector<table_change>& changes);
  /// The same with the changes already encoded (`encode_rows` with this store's cipher).
  result<void> put(const snapshot& s, const std::vector<encoded_row>& rows);
  /// A row in its stored form, viewed (nullopt: erased).
  struct row_view {
    std::string_view table;
    std::string_view key;
    std::optional<std::string_view> stored;
  };
  /// Writes rows of (agent, partition) without a snapshot, in one batch, and forgets the
  /// tables' position (`tables_at`): for a bulk restore, which stores its snapshot last. The
  /// rows bypass the write-ahead log, so a crash may lose them until the next flush(): the
  /// restore must flush() before it stores the snapshot that makes them the tables.
  result<void> load_rows(const std::string& agent, std::int32_t partition,
                         const std::vector<row_view>& rows);

  /// The journal seq of the snapshot last stored with table changes of (agent, partition):
  /// the tables hold exactly the state of that snapshot. nullopt: no table was ever written.
  [[nodiscard]] result<std::optional<std::uint64_t>> tables_at(const std::string& agent,
                                                               std::int32_t partition) const;
  /// The stored value of `key` in `table` of (agent, partition); nullopt when there is none.
  [[nodiscard]] result<std::optional<std::vector<std::uint8_t>>>
  table_get(const std::string& agent, std::int32_t partition, std::string_view table,
            std::string_view key) const;
  /// Calls `visit` with the stored keys of `table` in [from, to) (`to` empty: to the end) in
  /// byte order until it returns false.
  result<void> table_scan(
      const std::string& agent, std::int32_t partition, std::string_view table,
      std::string_view from, std::string_view to,
      const std::function<bool(std::string_view, const std::vector<std::uint8_t>&)>& visit) const;
  /// Removes every table of (agent, partition) and its `tables_at`.
  result<void> clear_tables(const std::string& agent, std::int32_t partition);

  /// Writes what is only in memory and the write-ahead log to table files, so that the next
  /// open has no log to replay (a graceful stop; an open replays at most the memtables).
  result<void> flush();

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
