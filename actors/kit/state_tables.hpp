#pragma once
// Ordered maps of agent state <-> FlatBuffers object-API vectors of key/value entry tables.
//
// A map is stored as `[Entry]` where `table Entry { key:string; value:V; }`, in key order (the
// order std::map iterates), so the same map always gives the same bytes. Reading one back
// insists on strictly increasing keys: anything else did not come from a std::map and is
// refused. `value` is either a scalar or a table whose native type is the map's value type.

#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace aetherial::actors::kit {

/// Entries of a map, in key order; `fill(entry, value)` sets everything but the key.
template <class EntryT, class V, class Fill>
[[nodiscard]] std::vector<std::unique_ptr<EntryT>> to_entries(const std::map<std::string, V>& m,
                                                              Fill fill) {
  std::vector<std::unique_ptr<EntryT>> out;
  out.reserve(m.size());
  for (const auto& [key, value] : m) {
    auto e = std::make_unique<EntryT>();
    e->key = key;
    fill(*e, value);
    out.push_back(std::move(e));
  }
  return out;
}

/// Entries of a map whose values are the entry's `value` as they are (a scalar, or the
/// native type of the value table).
template <class EntryT, class V>
[[nodiscard]] std::vector<std::unique_ptr<EntryT>> to_entries(const std::map<std::string, V>& m) {
  return to_entries<EntryT>(m, [](EntryT& e, const V& v) {
    if constexpr (std::is_scalar_v<V>)
      e.value = v;
    else
      e.value = std::make_unique<V>(v);
  });
}

/// Rebuilds a map from its entries; `read(entry, value)` fills the value and says whether it
/// is sane. False (and `out` unspecified) for a missing entry, keys out of order or repeated,
/// or a value `read` refuses.
template <class EntryT, class V, class Read>
[[nodiscard]] bool from_entries(const std::vector<std::unique_ptr<EntryT>>& in,
                                std::map<std::string, V>& out, Read read) {
  out.clear();
  for (const auto& e : in) {
    if (!e || (!out.empty() && !(out.rbegin()->first < e->key))) return false;
    V value{};
    if (!read(*e, value)) return false;
    out.emplace_hint(out.end(), e->key, std::move(value));
  }
  return true;
}

/// Rebuilds a map whose values are the entry's `value` as they are; `valid(value)` says
/// whether one is sane. A missing value table is refused.
template <class EntryT, class V, class Valid>
[[nodiscard]] bool from_entries_checked(const std::vector<std::unique_ptr<EntryT>>& in,
                                        std::map<std::string, V>& out, Valid valid) {
  return from_entries(in, out, [&](const EntryT& e, V& v) {
    if constexpr (std::is_scalar_v<V>) {
      v = e.value;
    } else {
      if (!e.value) return false;
      v = *e.value;
    }
    return valid(static_cast<const V&>(v));
  });
}

/// As from_entries_checked, every value accepted.
template <class EntryT, class V>
[[nodiscard]] bool from_entries(const std::vector<std::unique_ptr<EntryT>>& in,
                                std::map<std::string, V>& out) {
  return from_entries_checked(in, out, [](const V&) { return true; });
}

} // namespace aetherial::actors::kit
