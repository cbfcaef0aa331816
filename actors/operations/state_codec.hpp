#pragma once
// The encoding of an Operations agent's state: schemas/state/operations.fbs, a FlatBuffer
// with the file identifier "AOP4" (actors/kit/state_codec.hpp). Maps are entries in key order,
// so the same state always gives the same bytes. Version 4 keeps services in the "services"
// table (service_table.hpp) and only the scalar rest in the snapshot; older versions held every
// service in the snapshot and are no longer read (recovery rebuilds such a partition from the
// log).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

AETHERIAL_STATE_CODEC(operations_state, 4, 4, "AOP4")

} // namespace aetherial::actors::operations
