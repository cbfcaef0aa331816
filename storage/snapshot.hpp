#pragma once
// Snapshot records: encoding, decoding with checksum verification.

#include <cstdint>
#include <string>
#include <vector>

#include "schemas/envelope.hpp"
#include "schemas/result.hpp"

namespace aetherial::storage {

/// Error codes of storage/.
enum class errc : int {
  io = 1,    ///< RocksDB failed (message has its status)
  corrupt,   ///< a snapshot failed verification or its checksum
  not_found, ///< no such snapshot
  invalid,   ///< bad argument (message says which)
};

/// The next offset to read of one input topic-partition.
struct input_offset {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  friend bool operator==(const input_offset& a, const input_offset& b) {
    return a.topic == b.topic && a.partition == b.partition && a.offset == b.offset;
  }
};

/// A decoded snapshot of one (agent kind, partition).
struct snapshot {
  std::string agent;
  std::int32_t partition = 0;
  std::uint32_t state_version = 1;
  std::vector<input_offset> offsets; ///< every record before these is applied
  std::uint64_t journal_seq = 0;     ///< journal records before this seq are covered
  std::uint64_t events_applied = 0;
  std::int64_t last_event_time_ms = 0;
  std::vector<std::uint8_t> state;
  /// The host's window of recent input event ids, oldest first (duplicates are refused).
  std::vector<schemas::event_id> recent_event_ids;
  /// Decoded only: the id of the key that sealed `state` at rest (empty: stored in clear).
  /// Encoding ignores it; the cipher passed to encode_snapshot decides.
  std::string sealed_with;
};

class state_cipher;

/// CRC-32C (Castagnoli) of a byte range.
[[nodiscard]] std::uint32_t crc32c(const std::uint8_t* data, std::size_t size) noexcept;
/// CRC-32C of what `crc` was computed over followed by the byte range (crc32c(a + b) ==
/// crc32c_extend(crc32c(a), b)).
[[nodiscard]] std::uint32_t crc32c_extend(std::uint32_t crc, const std::uint8_t* data,
                                          std::size_t size) noexcept;

/// Encodes a snapshot as a SnapshotRecord FlatBuffer, checksum included, its state in clear.
[[nodiscard]] std::vector<std::uint8_t> encode_snapshot(const snapshot& s);
/// The same with the state sealed by `cipher`'s sealing key (`cipher` null: in clear).
[[nodiscard]] result<std::vector<std::uint8_t>> encode_snapshot(const snapshot& s,
                                                                const state_cipher* cipher);

/// Verifies (FlatBuffers verifier + CRC-32C) and decodes; errc::corrupt on any mismatch. A
/// sealed state is opened with `cipher`: without one, or when its key is gone or the state
/// does not authenticate, the snapshot is errc::corrupt (unusable). State in clear decodes
/// with or without a cipher (snapshots written before encryption was turned on).
[[nodiscard]] result<snapshot> decode_snapshot(const std::uint8_t* data, std::size_t size,
                                               const state_cipher* cipher = nullptr);

} // namespace aetherial::storage
