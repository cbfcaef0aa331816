#pragma once
// Ordered maps of agent state <-> FlatBuffers object-API vectors of key/value entry tables.
//
// A map is stored as `[Entry]` where `table Entry { key:string; value:V; }`, in key order (the
// order std::map iterates), so the same map always gives the same bytes. Reading one back
// insists on strictly increasing keys: anything else did not come from a std::map and is
// refused. `value` is either a scalar or a table whose native type is the map's value type.
// A record whose fields are named as its table's is copied by one list of those names
// (copy_fields, to_tables, from_tables).

#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace aetherial::actors::kit {

/// Copies the fields a record and its object-API table share by name: `fields(x)` ties them
/// (`std::tie(x.a, x.b)`, a generic lambda that serves the record and the table alike), so one
/// list of names serves both directions. Each field has the same type on both sides.
template <class To, class From, class Fields>
void copy_fields(To& to, const From& from, Fields fields) {
  static_assert(std::is_same_v<decltype(fields(to)), decltype(fields(const_cast<From&>(from)))>,
                "a field's type differs between record and table");
  fields(to) = fields(from);
}

/// One table per record of `in`, in order, its fields copied with `copy_fields`.
template <class T, class Seq, class Fields>
[[nodiscard]] std::vector<std::unique_ptr<T>> to_tables(const Seq& in, Fields fields) {
  std::vector<std::unique_ptr<T>> out;
  out.reserve(in.size());
  for (const auto& x : in) {
    auto t = std::make_unique<T>();
    copy_fields(*t, x, fields);
    out.push_back(std::move(t));
  }
  return out;
}

/// Appends to `out` one record per table of `in`, its fields copied with `copy_fields`. False
/// for a missing table or a record `valid(record)` refuses.
template <class T, class Seq, class Fields, class Valid>
[[nodiscard]] bool from_tables(const std::vector<std::unique_ptr<T>>& in, Seq& out, Fields fields,
                               Valid valid) {
  for (const auto& t : in) {
    if (!t) return false;
    typename Seq::value_type x{};
    copy_fields(x, static_cast<const T&>(*t), fields);
    if (!valid(static_cast<const typename Seq::value_type&>(x))) return false;
    out.push_back(std::move(x));
  }
  return true;
}

/// As from_tables, every record accepted.
template <class T, class Seq, class Fields>
[[nodiscard]] bool from_tables(const std::vector<std::unique_ptr<T>>& in, Seq& out, Fields fields) {
  return from_tables(in, out, fields, [](const auto&) { return true; });
}

/// Entries of a map, in key order; `fill(entry, value)` sets everything but the key, or
/// `fill(value)` makes the entry's value.
template <class EntryT, class V, class Fill>
[[nodiscard]] std::vector<std::unique_ptr<EntryT>> to_entries(const std::map<std::string, V>& m,
                                                              Fill fill) {
  std::vector<std::unique_ptr<EntryT>> out;
  out.reserve(m.size());
  for (const auto& [key, value] : m) {
    auto e = std::make_unique<EntryT>();
    e->key = key;
    if constexpr (std::is_invocable_v<Fill&, EntryT&, const V&>)
      fill(*e, value);
    else
      e->value = fill(value);
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

/// Rebuilds a map from its entries; `read(entry, value)`, or `read(value table, value)` for
/// entries whose value table must be there, fills the value and says whether it is sane.
/// False (and `out` unspecified) for a missing entry or value table, keys out of order or
/// repeated, or a value `read` refuses.
template <class EntryT, class V, class Read>
[[nodiscard]] bool from_entries(const std::vector<std::unique_ptr<EntryT>>& in,
                                std::map<std::string, V>& out, Read read) {
  out.clear();
  for (const auto& e : in) {
    if (!e || (!out.empty() && !(out.rbegin()->first < e->key))) return false;
    V value{};
    if constexpr (std::is_invocable_r_v<bool, Read&, const EntryT&, V&>) {
      if (!read(*e, value)) return false;
    } else {
      if (!e->value || !read(*e->value, value)) return false;
    }
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
