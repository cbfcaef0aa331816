#include "actors/security/text.hpp"

namespace aetherial::actors::security {

std::string duration(std::int64_t ms) {
  if (ms % 3'600'000 == 0 && ms >= 3'600'000) return integer(ms / 3'600'000) + " h";
  if (ms % 60'000 == 0 && ms >= 60'000) return integer(ms / 60'000) + " min";
  return integer(ms / 1000) + " s";
}

} // namespace aetherial::actors::security
