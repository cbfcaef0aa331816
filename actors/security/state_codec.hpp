#pragma once
// The state encoding of a Security agent: a FlatBuffer of schemas/state/security.fbs
// (identifier "ASE3", version 3) for the scalar state, and the rows of its tables
// (RequesterRow, SubjectRow). The same state always gives the same bytes. Version 2 kept every
// requester and subject in the snapshot; it is no longer read (recovery rebuilds such a
// partition from the log).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/security/state.hpp"
#include "actors/table.hpp"

namespace aetherial::actors::security {

AETHERIAL_STATE_CODEC(security_state, 3, 3, "ASE3")

/// A row of the "ips" or "users" table and back. Decoding throws std::runtime_error for a row
/// the agent could not have written.
[[nodiscard]] bytes encode_requester(const requester_record& r);
[[nodiscard]] requester_record decode_requester(const bytes& value);
/// A row of the "subjects" table and back, likewise.
[[nodiscard]] bytes encode_subject(const subject_record& r);
[[nodiscard]] subject_record decode_subject(const bytes& value);

} // namespace aetherial::actors::security
