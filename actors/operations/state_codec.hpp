#pragma once
// The encoding of an Operations agent's state: schemas/state/operations.fbs, a FlatBuffer
// with the file identifier "AOP3" (actors/kit/state_codec.hpp). Maps are entries in key order,
// so the same state always gives the same bytes. Version 3 is the FlatBuffers encoding;
// versions 1 and 2 (the former "AOPS" byte layout) are no longer read.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

AETHERIAL_STATE_CODEC(operations_state, 3, 3, "AOP3")

} // namespace aetherial::actors::operations
