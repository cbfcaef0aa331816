#pragma once
// The kit's formatters (actors/kit/format.hpp) under the names the Security code uses.

#include "actors/kit/format.hpp"

namespace aetherial::actors::security {
using kit::duration, kit::fixed, kit::integer, kit::view;
} // namespace aetherial::actors::security
