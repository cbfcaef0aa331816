#pragma once
// The encoding of an Orchestrator agent's state: schemas/state/orchestrator.fbs, a FlatBuffer
// with the file identifier "AOR2" (actors/kit/state_codec.hpp). Maps are entries in key
// order, so the same state always gives the same bytes. Version 2 is the FlatBuffers
// encoding; version 1 (the former "AORC" byte layout) is no longer read.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/orchestrator/state.hpp"

namespace aetherial::actors::orchestrator {

AETHERIAL_STATE_CODEC(orchestrator_state, 2, 2, "AOR2")

} // namespace aetherial::actors::orchestrator
