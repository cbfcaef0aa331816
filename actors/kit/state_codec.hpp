#pragma once
// Agent state as FlatBuffers: one encoding for every agent kind.
//
// Each kind's state schema lives in schemas/state/<kind>.fbs (flatc's object API gives the
// native structs; fields evolve by FlatBuffers' rules: add at the end, never reorder or
// retype). `encode_state` packs the native struct with the schema's file identifier;
// `decode_state` verifies identifier and buffer before it unpacks, so a truncated, corrupt or
// foreign snapshot is refused instead of read.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <flatbuffers/flatbuffers.h>

namespace aetherial::actors::kit {

/// Serialized agent state: a finished FlatBuffer with the state schema's file identifier.
using state_bytes = std::vector<std::uint8_t>;

/// Packs `state` (the object-API struct of `Table`) into a buffer with `identifier`.
/// Deterministic: the same state gives the same bytes. Every scalar is written, defaults
/// included, so a double equal to its default but not bitwise the same (-0.0) survives.
template <class Table>
[[nodiscard]] state_bytes encode_state(const typename Table::NativeTableType& state,
                                       const char* identifier) {
  flatbuffers::FlatBufferBuilder b(1024);
  b.ForceDefaults(true);
  b.Finish(Table::Pack(b, &state), identifier);
  return state_bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

/// Verifies and unpacks a buffer written by `encode_state<Table>`; nullopt when the
/// identifier differs or the buffer does not verify.
template <class Table>
[[nodiscard]] std::optional<typename Table::NativeTableType>
decode_state(const std::uint8_t* data, std::size_t size, const char* identifier) {
  if (data == nullptr || size < 8 || !flatbuffers::BufferHasIdentifier(data, identifier))
    return std::nullopt;
  // Agent states hold many small tables: raise the verifier's table limit well above the
  // default, keep its depth limit.
  flatbuffers::Verifier v(data, size, /*max_depth=*/64, /*max_tables=*/100'000'000);
  if (!v.VerifyBuffer<Table>(identifier)) return std::nullopt;
  std::optional<typename Table::NativeTableType> out(std::in_place);
  flatbuffers::GetRoot<Table>(data)->UnPackTo(&*out);
  return out;
}

} // namespace aetherial::actors::kit
