#pragma once
// The state encoding of a Security agent: a FlatBuffer of schemas/state/security.fbs
// (identifier "ASEC", version 2), maps as vectors sorted by key: the same state always gives
// the same bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/security/state.hpp"

namespace aetherial::actors::security {

AETHERIAL_STATE_CODEC(security_state, 2, 2, "ASEC")

} // namespace aetherial::actors::security
