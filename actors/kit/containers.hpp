#pragma once
// Small algorithms over the ordered maps of agent state.

#include <optional>
#include <utility>

namespace aetherial::actors::kit {

/// The entry of the non-empty map `m` with the least `when(value)` (its last sighting, its
/// request time): the first in key order among equals, so the same map always gives the same
/// entry.
template <class Map, class When> [[nodiscard]] auto least_recent(Map& m, When when) {
  auto oldest = m.begin();
  for (auto i = m.begin(); i != m.end(); ++i)
    if (when(i->second) < when(oldest->second)) oldest = i;
  return oldest;
}

/// Removes the entry of `key` from `m` and returns it (key and value); nullopt if there is none.
template <class Map, class Key>
[[nodiscard]] std::optional<std::pair<typename Map::key_type, typename Map::mapped_type>>
take(Map& m, const Key& key) {
  const auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  std::pair<typename Map::key_type, typename Map::mapped_type> out(it->first,
                                                                   std::move(it->second));
  m.erase(it);
  return out;
}

} // namespace aetherial::actors::kit
