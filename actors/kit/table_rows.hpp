#pragma once
// Table values as FlatBuffers: one row type per table, packed and verified like agent states
// (actors/kit/state_codec.hpp), without a file identifier (the table says what a value is).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <flatbuffers/flatbuffers.h>

namespace aetherial::actors::kit {

/// Throws std::runtime_error for a row of `table` that verified but holds values the agent
/// could not have written (naming the table, never the key, which may be personal).
[[noreturn]] inline void impossible_row(std::string_view table) {
  throw std::runtime_error("a row of table '" + std::string(table) + "' holds impossible values");
}

/// Packs `row` (the object-API struct of `Table`) as a table value. Deterministic: the same
/// row gives the same bytes; every scalar is written, defaults included.
template <class Table>
[[nodiscard]] std::vector<std::uint8_t> encode_row(const typename Table::NativeTableType& row) {
  flatbuffers::FlatBufferBuilder b(256);
  b.ForceDefaults(true);
  b.Finish(Table::Pack(b, &row));
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

/// Verifies and unpacks a value written by `encode_row<Table>`. A value that does not verify
/// was not written by the agent: throws std::runtime_error naming `table` (never the key,
/// which may be personal), so the agent fails on the record that read it.
template <class Table>
[[nodiscard]] typename Table::NativeTableType decode_row(const std::vector<std::uint8_t>& value,
                                                         std::string_view table) {
  flatbuffers::Verifier v(value.data(), value.size());
  if (value.size() < sizeof(flatbuffers::uoffset_t) || !v.VerifyBuffer<Table>(nullptr))
    throw std::runtime_error("a row of table '" + std::string(table) + "' does not verify");
  typename Table::NativeTableType out;
  flatbuffers::GetRoot<Table>(value.data())->UnPackTo(&out);
  return out;
}

} // namespace aetherial::actors::kit
