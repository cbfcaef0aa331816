#pragma once
// The kit's formatters (actors/kit/format.hpp) under the names the Operations code uses.

#include "actors/kit/format.hpp"

namespace aetherial::actors::operations {
using kit::fixed, kit::integer, kit::utc_time, kit::view;
} // namespace aetherial::actors::operations
