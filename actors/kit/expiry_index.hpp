#pragma once
// Expiry as a table feature: an index table of a table's keys by time, so an agent finds the
// rows due at an event time without scanning every row.
//
// The index is a table of its own ("<table>.expiry" or any name), its keys the big-endian,
// sign-flipped time followed by the row's key, its values empty: byte order is (time, key)
// order, the same in every store. An entry may be filed earlier than its row is really due
// (filed once, when the row is created, and not moved on every write): whoever takes a due
// entry checks the row and files it again at its real time. Every entry is a row of the index
// table, so it is checkpointed, restored and replayed with the rest of the tables.
//
// An index object remembers a lower bound of its filed times, so that asking for due entries
// before anything is due reads nothing, and a scan starts past the entries already taken. The
// bound is only a shortcut: it never changes what is found, so it is not part of the state (an
// index made anew, as after a restore, starts without one).

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "actors/table.hpp"

namespace aetherial::actors::kit {

/// One entry of an index: `key` is filed at `at`.
struct index_entry {
  std::int64_t at = 0;
  std::string key;
};

/// `at` + `ttl` + 1, saturated: the first time past a time-to-live (event times come from
/// producers, so any value may meet it).
[[nodiscard]] constexpr std::int64_t after(std::int64_t at, std::int64_t ttl) noexcept {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (ttl < 0) ttl = 0;
  return at >= max - ttl ? max : at + ttl + 1;
}

/// The time index named `name` (a table of the agent, empty values).
class expiry_index {
public:
  explicit expiry_index(std::string name) : name_(std::move(name)) {}
  /// A copy knows nothing of the original's filed times.
  expiry_index(const expiry_index& other) : name_(other.name_) {}
  expiry_index& operator=(const expiry_index& other) {
    name_ = other.name_;
    earliest_ = std::numeric_limits<std::int64_t>::min();
    return *this;
  }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  /// Files `key` at `at` (nothing when it already is).
  void file(table_store& tables, std::string_view key, std::int64_t at) const;
  /// Removes the entry of `key` at `at` (nothing when there is none).
  void unfile(table_store& tables, std::string_view key, std::int64_t at) const;
  /// Moves `key` from `from` to `to`.
  void refile(table_store& tables, std::string_view key, std::int64_t from, std::int64_t to) const;

  /// The earliest entry filed at or before `until`; nullopt when there is none.
  [[nodiscard]] std::optional<index_entry>
  first(const table_store& tables,
        std::int64_t until = std::numeric_limits<std::int64_t>::max()) const;

  /// Takes the entries filed at or before `now` in (time, key) order, removing each and calling
  /// `due(entry)`: it returns the time to file the key at again (a row not due yet; it must be
  /// later than `now`, or std::logic_error is thrown), or nullopt when the key leaves the index
  /// (its row was erased or needs no expiry). `due` may file and unfile other keys, but only
  /// later than `now`. Returns how many entries were taken.
  std::size_t
  take_due(table_store& tables, std::int64_t now,
           const std::function<std::optional<std::int64_t>(const index_entry&)>& due) const;

  /// The stored form of an entry and back (for tools that show an index).
  [[nodiscard]] static std::string encode(std::int64_t at, std::string_view key);
  [[nodiscard]] static std::optional<index_entry> decode(std::string_view stored);

private:
  std::string name_;
  /// No entry is filed before this (min: not known).
  mutable std::int64_t earliest_ = std::numeric_limits<std::int64_t>::min();
};

/// Expires the rows of `table` whose entries in `index` are due at `now`: each row is read as a
/// `Slot` (a kit::table_slot) and erased when `forget_at(record)` is at or before `now`; a row
/// seen since its entry was filed is filed again at its real time, and an entry whose row is
/// gone leaves the index. Returns how many rows were erased.
template <class Slot, class ForgetAt>
std::size_t expire_rows(const expiry_index& index, table_store& tables, std::string_view table,
                        std::int64_t now, const ForgetAt& forget_at) {
  std::size_t erased = 0;
  index.take_due(tables, now, [&](const index_entry& e) -> std::optional<std::int64_t> {
    Slot slot(tables, table, e.key);
    if (!slot.record) return std::nullopt;
    if (const std::int64_t at = forget_at(*slot.record); at > now) return at;
    slot.erase();
    ++erased;
    return std::nullopt;
  });
  return erased;
}

} // namespace aetherial::actors::kit
