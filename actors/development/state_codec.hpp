#pragma once
// The encoding of a Development agent's state: schemas/state/development.fbs, a FlatBuffer
// with the file identifier "ADV2" (actors/kit/state_codec.hpp). Maps are entries in key
// order, so the same state always gives the same bytes. Version 2 is the FlatBuffers
// encoding; version 1 (the former "ADEV" byte layout) is no longer read.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/development/state.hpp"
#include "actors/kit/state_codec.hpp"

namespace aetherial::actors::development {

AETHERIAL_STATE_CODEC(development_state, 2, 2, "ADV2")

} // namespace aetherial::actors::development
