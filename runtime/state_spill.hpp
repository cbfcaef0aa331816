#pragma once
// A scalar state too large for one record: spilled into rows of the agent's tables.
//
// A snapshot record, like every record, has a size limit (Kafka's 1 MB by default). An agent
// state larger than the configured chunk size is cut into chunks kept as rows of the reserved
// table `$state` (keys: the chunk index, 4 bytes big-endian); the snapshot then holds a small
// marker instead of the state: its size, chunk count and chunk size, and a SHA-256 of the whole.
// The chunks are rows like any other: written with the checkpoint (only those whose bytes
// changed), produced to the changelog, kept in the local store at the snapshot, restored from
// either. A state that fits again removes its chunks.
//
// A marker starts with four zero bytes, which no agent state does (a FlatBuffer's root offset
// is never 0), then "ASPL".

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/table.hpp"
#include "runtime/errc.hpp"

namespace aetherial::runtime {

/// The reserved table of spilled state chunks (agents' tables never start with '$').
inline constexpr std::string_view spill_table = "$state";
/// Default and bounds of the chunk size (a chunk is one row, one changelog record).
inline constexpr std::size_t default_spill_bytes = 256 * 1024;
inline constexpr std::size_t min_spill_bytes = 4 * 1024;
inline constexpr std::size_t max_spill_bytes = actors::max_table_value_bytes;

/// What a checkpoint keeps of `state`: the state itself when it is at most `chunk_bytes` (any
/// chunks of an earlier state are erased), else a marker, its chunks written to `tables`
/// where they differ from the rows there (stale ones erased).
[[nodiscard]] std::vector<std::uint8_t>
spill_state(actors::table_store& tables, std::vector<std::uint8_t> state, std::size_t chunk_bytes);

/// Whether `state` is a marker of a spilled state.
[[nodiscard]] bool is_spilled(const std::vector<std::uint8_t>& state) noexcept;

/// The state a snapshot's `state` bytes stand for: themselves, or the chunks a marker names,
/// read from `tables` and checked against its size and digest (an error says what is wrong).
[[nodiscard]] result<std::vector<std::uint8_t>> unspill_state(const actors::table_store& tables,
                                                              std::vector<std::uint8_t> state);

} // namespace aetherial::runtime
