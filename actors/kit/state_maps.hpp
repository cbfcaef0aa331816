#pragma once
// Ordered containers <-> the sorted vectors of the state schemas (schemas/state/*.fbs).
//
// A map is stored as a vector of key/value entries in std::map order, a set as a sorted
// vector, so the same state always gives the same bytes. Reading back requires keys strictly
// increasing: anything else was not written by the encoder and is refused.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_tables.hpp"

namespace aetherial::actors::kit {

/// An entry of a vector of tables (held by unique_ptr; null is refused) or of structs.
template <class T> [[nodiscard]] const T* entry_of(const std::unique_ptr<T>& p) noexcept {
  return p.get();
}
template <class T> [[nodiscard]] const T* entry_of(const T& v) noexcept {
  return &v;
}

/// One entry per element of `m`, in key order; `to(key, value)` makes the entry.
template <class Entries, class Map, class To> [[nodiscard]] Entries pack_map(const Map& m, To to) {
  Entries out;
  out.reserve(m.size());
  for (const auto& [k, v] : m)
    out.push_back(to(k, v));
  return out;
}

/// Rebuilds `out` from `entries`: `from(entry, key, value)` fills one element and says
/// whether the entry is valid. False unless every entry is and keys strictly increase.
template <class Map, class Entries, class From>
[[nodiscard]] bool unpack_map(const Entries& entries, Map& out, From from) {
  out.clear();
  for (const auto& e : entries) {
    const auto* entry = entry_of(e);
    if (entry == nullptr) return false;
    typename Map::key_type k{};
    typename Map::mapped_type v{};
    if (!from(*entry, k, v)) return false;
    if (!out.empty() && !(out.rbegin()->first < k)) return false;
    out.emplace_hint(out.end(), std::move(k), std::move(v));
  }
  return true;
}

/// One table per element of `m`, in key order: the key in the table's member `key`, the value's
/// fields copied with `copy_fields` (state_tables.hpp).
template <class T, class Map, class Key, class Fields>
[[nodiscard]] std::vector<std::unique_ptr<T>> pack_records(const Map& m, Key T::*key,
                                                           Fields fields) {
  return pack_map<std::vector<std::unique_ptr<T>>>(m, [&](const auto& k, const auto& v) {
    auto t = std::make_unique<T>();
    (*t).*key = k;
    copy_fields(*t, v, fields);
    return t;
  });
}

/// Rebuilds `out` from tables written by pack_records; false unless every table is there,
/// keys strictly increase and `valid(value)` accepts every value.
template <class T, class Map, class Key, class Fields, class Valid>
[[nodiscard]] bool unpack_records(const std::vector<std::unique_ptr<T>>& in, Map& out, Key T::*key,
                                  Fields fields, Valid valid) {
  return unpack_map(in, out,
                    [&](const T& t, typename Map::key_type& k, typename Map::mapped_type& v) {
                      k = t.*key;
                      copy_fields(v, t, fields);
                      return valid(static_cast<const typename Map::mapped_type&>(v));
                    });
}

/// As unpack_records, every value accepted.
template <class T, class Map, class Key, class Fields>
[[nodiscard]] bool unpack_records(const std::vector<std::unique_ptr<T>>& in, Map& out, Key T::*key,
                                  Fields fields) {
  return unpack_records(in, out, key, fields, [](const auto&) { return true; });
}

/// The elements of an ordered set, in order.
template <class Set> [[nodiscard]] std::vector<typename Set::value_type> pack_set(const Set& s) {
  return std::vector<typename Set::value_type>(s.begin(), s.end());
}

/// Rebuilds an ordered set; false unless the elements strictly increase.
template <class Set>
[[nodiscard]] bool unpack_set(const std::vector<typename Set::value_type>& v, Set& out) {
  out.clear();
  for (const auto& x : v) {
    if (!out.empty() && !(*out.rbegin() < x)) return false;
    out.insert(out.end(), x);
  }
  return true;
}

} // namespace aetherial::actors::kit
