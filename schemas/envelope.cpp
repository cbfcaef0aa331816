#include "schemas/envelope.hpp"

#include <cstdio>

namespace aetherial::schemas {

std::string event_id::to_string() const {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hi),
                static_cast<unsigned long long>(lo));
  return buf;
}

std::optional<event_id> event_id::parse(std::string_view text) {
  std::uint64_t parts[2] = {0, 0};
  int digits = 0;
  for (char c : text) {
    if (c == '-') continue;
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return std::nullopt;
    if (digits >= 32) return std::nullopt;
    auto& p = parts[digits / 16];
    p = (p << 4) | static_cast<std::uint64_t>(v);
    ++digits;
  }
  if (digits != 32) return std::nullopt;
  return event_id{parts[0], parts[1]};
}

event_id derive_event_id(event_id cause, std::string_view emitter, std::uint64_t index) noexcept {
  const std::uint64_t salt = fnv1a(emitter);
  const std::uint64_t hi = mix64(cause.hi ^ mix64(salt ^ index));
  const std::uint64_t lo = mix64(cause.lo ^ mix64(hi + index + 0x51));
  return event_id{hi, lo};
}

const fbs::Envelope* verify_envelope(const std::uint8_t* data, std::size_t size,
                                     std::size_t max_bytes, std::string* why) {
  auto fail = [&](const char* reason) -> const fbs::Envelope* {
    if (why) *why = reason;
    return nullptr;
  };
  if (data == nullptr || size == 0) return fail("empty record value");
  if (size > max_bytes) {
    if (why)
      *why = "record of " + std::to_string(size) + " bytes exceeds the limit of " +
             std::to_string(max_bytes) + " bytes";
    return nullptr;
  }
  if (size < 8 || !fbs::EnvelopeBufferHasIdentifier(data))
    return fail("not an Aetherial envelope (missing file identifier AETH)");
  flatbuffers::Verifier verifier(data, size, /*max_depth=*/64, /*max_tables=*/100000);
  if (!fbs::VerifyEnvelopeBuffer(verifier))
    return fail("envelope failed FlatBuffers verification (truncated or corrupt)");
  const auto* env = fbs::GetEnvelope(data);
  if (env->id() == nullptr) return fail("envelope has no event id");
  if (env->payload_type() == fbs::Payload::NONE || env->payload() == nullptr)
    return fail("envelope has no payload");
  if (static_cast<unsigned>(env->payload_type()) > static_cast<unsigned>(fbs::Payload::MAX))
    return fail("envelope payload type is unknown to this schema version");
  return env;
}

std::vector<std::uint8_t> finish_envelope(flatbuffers::FlatBufferBuilder& b,
                                          const envelope_header& h, fbs::Payload type,
                                          flatbuffers::Offset<void> payload) {
  const auto id = h.id.to_fbs();
  const auto causation = h.causation.to_fbs();
  auto env = fbs::CreateEnvelopeDirect(
      b, &id, 1, h.key.c_str(), h.event_time_ms, h.principal.c_str(), &causation,
      h.correlation.empty() ? nullptr : h.correlation.c_str(), type, payload);
  fbs::FinishEnvelopeBuffer(b, env);
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

std::string_view payload_name(fbs::Payload type) noexcept {
  const char* name = fbs::EnumNamePayload(type);
  return name && *name ? name : "UNKNOWN";
}

} // namespace aetherial::schemas
