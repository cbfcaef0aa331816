#pragma once
// Small helpers shared by the Content agent's parts (items, courses, effects).

#include <cstddef>
#include <string>
#include <string_view>

#include "actors/agent.hpp"
#include "actors/kit/format.hpp"

namespace aetherial::actors::content {

using kit::view;

/// `s` in double quotes.
inline std::string quoted(std::string_view s) {
  std::string q = "\"";
  q += s;
  q += '"';
  return q;
}

/// `s` with ASCII letters lowercased.
inline std::string lower_ascii(std::string_view s) {
  std::string l(s);
  for (auto& c : l)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return l;
}

/// Erases the entry with the smallest `seq` (ties: the smallest key) other than `keep`.
template <class Map> void evict_oldest(Map& m, std::size_t cap, const std::string& keep) {
  while (m.size() > cap) {
    auto victim = m.end();
    for (auto i = m.begin(); i != m.end(); ++i)
      if (i->first != keep && (victim == m.end() || i->second.seq < victim->second.seq)) victim = i;
    if (victim == m.end()) return;
    m.erase(victim);
  }
}

/// The id of an effect: deterministic, and unique per cause, so a replay asks for the same
/// effect by the same id and a worker can deduplicate.
inline std::string effect_id_of(std::string_view kind, std::string_view subject,
                                const context& ctx) {
  return "content/" + std::string(kind) + "/" + std::string(subject) + "/" +
         ctx.cause_id().to_string();
}

} // namespace aetherial::actors::content
