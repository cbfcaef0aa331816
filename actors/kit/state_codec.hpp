#pragma once
// Agent state as FlatBuffers: one encoding for every agent kind.
//
// Each kind's state schema lives in schemas/state/<kind>.fbs (flatc's object API gives the
// native structs; fields evolve by FlatBuffers' rules: add at the end, never reorder or
// retype). `encode_state` packs the native struct with the schema's file identifier;
// `decode_state` verifies identifier and buffer before it unpacks, so a truncated, corrupt or
// foreign snapshot is refused instead of read.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
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

/// Decodes an agent state from a buffer written by `encode_state<Table>`: verifies and
/// unpacks it (`decode_state<Table>`), converts the table with `convert(table)` (an optional
/// state: nullopt for impossible values), then accepts the state only if `encode(state)` gives
/// back exactly the input. So a restored state always snapshots to the bytes it came from, and
/// anything the encoder would not have written (extra or missing bytes, padding, absent
/// tables) is refused.
template <class Table, class Convert, class Encode>
[[nodiscard]] auto decode_exact(const std::uint8_t* data, std::size_t size, const char* identifier,
                                Convert convert, Encode encode)
    -> decltype(convert(std::declval<const typename Table::NativeTableType&>())) {
  const auto table = decode_state<Table>(data, size, identifier);
  if (!table) return std::nullopt;
  auto s = convert(*table);
  if (!s) return std::nullopt;
  const state_bytes again = encode(*s);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::kit

/// Declares, in an agent kind's namespace, the constants of its state encoding: the version it
/// writes (`state_encoding_version`), the oldest version `restore` reads
/// (`min_state_encoding_version`) and the FlatBuffers file identifier (`state_identifier`).
#define AETHERIAL_STATE_ENCODING(version, min_version, identifier)                                 \
  inline constexpr std::uint32_t state_encoding_version = version;                                 \
  inline constexpr std::uint32_t min_state_encoding_version = min_version;                         \
  inline constexpr char state_identifier[] = identifier;

/// As AETHERIAL_STATE_ENCODING, and declares the codec of a kind whose state `State` needs
/// nothing else to be read: `encode_state(state)`, the whole state (the same state, the same
/// bytes), and `decode_state(data, size)`, nullopt for anything `encode_state` would not have
/// written (truncated, corrupt, foreign, impossible values).
#define AETHERIAL_STATE_CODEC(State, version, min_version, identifier)                             \
  AETHERIAL_STATE_ENCODING(version, min_version, identifier)                                       \
  [[nodiscard]] std::vector<std::uint8_t> encode_state(const State& s);                            \
  [[nodiscard]] std::optional<State> decode_state(const std::uint8_t* data, std::size_t size);

/// Defines, in an agent kind's namespace, the codec AETHERIAL_STATE_CODEC declares, from the
/// two conversions of the kind's state `State` and the object-API struct of its state table
/// `Table`: `to_table(state)` returns the struct, `from_table(struct)` an optional state (nullopt
/// for impossible values). Decoding is `kit::decode_exact`.
#define AETHERIAL_STATE_CODEC_FUNCTIONS(State, Table, to_table, from_table)                        \
  std::vector<std::uint8_t> encode_state(const State& s) {                                         \
    return ::aetherial::actors::kit::encode_state<Table>(to_table(s), state_identifier);           \
  }                                                                                                \
  std::optional<State> decode_state(const std::uint8_t* data, std::size_t size) {                  \
    return ::aetherial::actors::kit::decode_exact<Table>(                                          \
        data, size, state_identifier, from_table, [](const State& s) { return encode_state(s); }); \
  }

/// As AETHERIAL_STATE_CODEC, for a kind whose state is read with something more, an `Extra`
/// (limits from its config): `decode_state(data, size, extra)`.
#define AETHERIAL_STATE_CODEC_WITH(State, version, min_version, identifier, Extra)                 \
  AETHERIAL_STATE_ENCODING(version, min_version, identifier)                                       \
  [[nodiscard]] std::vector<std::uint8_t> encode_state(const State& s);                            \
  [[nodiscard]] std::optional<State> decode_state(const std::uint8_t* data, std::size_t size,      \
                                                  Extra extra);

/// Defines the codec AETHERIAL_STATE_CODEC_WITH declares, as AETHERIAL_STATE_CODEC_FUNCTIONS
/// does, with `from_table(struct, state, extra)`: it fills `state`, a default `State`, and says
/// whether the values are possible.
#define AETHERIAL_STATE_CODEC_FUNCTIONS_WITH(State, Table, to_table, from_table, Extra)            \
  std::vector<std::uint8_t> encode_state(const State& s) {                                         \
    return ::aetherial::actors::kit::encode_state<Table>(to_table(s), state_identifier);           \
  }                                                                                                \
  std::optional<State> decode_state(const std::uint8_t* data, std::size_t size, Extra extra) {     \
    return ::aetherial::actors::kit::decode_exact<Table>(                                          \
        data, size, state_identifier,                                                              \
        [&extra](const auto& t) {                                                                  \
          std::optional<State> s(std::in_place);                                                   \
          if (!from_table(t, *s, extra)) s.reset();                                                \
          return s;                                                                                \
        },                                                                                         \
        [](const State& s) { return encode_state(s); });                                           \
  }
