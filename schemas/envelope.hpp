#pragma once
// The envelope every Kafka record carries: ids, building, verification, naming.
// Owned by schemas/; includes only FlatBuffers and the generated schema headers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "schemas/envelope_generated.h"
#include "schemas/limits.hpp"

namespace aetherial::schemas {

namespace fbs = ::aetherial::schema;

/// A 128-bit event id, printed as 32 hex digits.
struct event_id {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  [[nodiscard]] bool is_zero() const noexcept { return hi == 0 && lo == 0; }
  [[nodiscard]] std::string to_string() const;
  /// Parses 32 hex digits (dashes allowed, as in a UUID); nullopt if malformed.
  [[nodiscard]] static std::optional<event_id> parse(std::string_view text);
  [[nodiscard]] static event_id from(const fbs::EventId* id) noexcept {
    return id ? event_id{id->hi(), id->lo()} : event_id{};
  }
  [[nodiscard]] fbs::EventId to_fbs() const noexcept { return fbs::EventId{hi, lo}; }

  friend bool operator==(const event_id& a, const event_id& b) noexcept {
    return a.hi == b.hi && a.lo == b.lo;
  }
  friend bool operator!=(const event_id& a, const event_id& b) noexcept { return !(a == b); }
  friend bool operator<(const event_id& a, const event_id& b) noexcept {
    return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
  }
};

/// SplitMix64 finalizer: a cheap, well-mixed 64-bit hash step.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a over bytes, for stable hashing of names.
[[nodiscard]] constexpr std::uint64_t fnv1a(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// The id of the `index`-th event emitted by `emitter` in reaction to `cause`: the same
/// inputs always give the same ids, which is what lets an audit match decisions.
[[nodiscard]] event_id derive_event_id(event_id cause, std::string_view emitter,
                                       std::uint64_t index) noexcept;

/// Verifies an inbound buffer before any use: size limit, file identifier, FlatBuffers
/// verifier, and the fields every envelope must carry (id, a known payload).
/// Returns the envelope, or nullptr with `why` set to a one-line reason.
[[nodiscard]] const fbs::Envelope* verify_envelope(const std::uint8_t* data, std::size_t size,
                                                   std::size_t max_bytes, std::string* why);

/// The header fields of an envelope being built.
struct envelope_header {
  event_id id;
  std::string key;
  std::int64_t event_time_ms = 0;
  std::string principal;
  event_id causation;
  std::string correlation;
};

/// Finishes `b` as an envelope around an already built payload and returns the bytes.
[[nodiscard]] std::vector<std::uint8_t> finish_envelope(flatbuffers::FlatBufferBuilder& b,
                                                        const envelope_header& h, fbs::Payload type,
                                                        flatbuffers::Offset<void> payload);

/// The payload type's schema name ("ServiceLoad"), or "NONE".
[[nodiscard]] std::string_view payload_name(fbs::Payload type) noexcept;

} // namespace aetherial::schemas
