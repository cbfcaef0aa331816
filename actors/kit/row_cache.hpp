#pragma once
// Rows of one table kept decoded in the agent between events, and written back to the table
// only when the agent flushes (agent::flush: before every checkpoint) or the cache is full.
//
// A row is decoded once when first used, and encoded once per flush however many events
// changed it in between: a hot key costs no codec work per event. What the tables hold after
// a flush, and every decision, is the same as writing each row back after every event (the
// conformance tests run every kind both ways); only when the bytes reach the table differs.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "actors/table.hpp"

namespace aetherial::actors::kit {

/// The rows of `table` as `Record`s, with their codec. `Empty` says a record stands for no row
/// (a flush erases it). Decode throws for a stored value that is not a row; Encode must not
/// throw for a record the agent made.
template <class Record, bytes (*Encode)(const Record&), Record (*Decode)(const bytes&),
          bool (*Empty)(const Record&)>
class row_cache {
public:
  /// Keeps at most `capacity` rows (at least 1); past that, a miss writes every changed row
  /// back and forgets them all first.
  row_cache(std::string table, std::size_t capacity)
      : table_(std::move(table)), capacity_(capacity > 0 ? capacity : 1) {}

  /// The record of `key`, loaded from `tables` on first use (an empty record when there is no
  /// row). The caller may change it: it is written back at the next flush.
  Record& at(table_store& tables, std::string_view key) {
    auto it = rows_.find(key);
    if (it == rows_.end()) {
      if (rows_.size() >= capacity_) {
        flush(tables);
        rows_.clear();
      }
      entry e;
      e.stored = tables.get(table_, key);
      if (e.stored) e.record = Decode(*e.stored);
      it = rows_.emplace(std::string(key), std::move(e)).first;
    }
    it->second.touched = true;
    return it->second.record;
  }

  /// Writes every row used since the last flush back to `tables`, in key order, when its bytes
  /// differ from the stored ones (an empty record erases the row). The rows stay cached.
  void flush(table_store& tables) {
    for (auto& [key, e] : rows_) {
      if (!e.touched) continue;
      e.touched = false;
      if (Empty(e.record)) {
        if (e.stored) tables.erase(table_, key);
        e.stored.reset();
        continue;
      }
      bytes now = Encode(e.record);
      if (e.stored && *e.stored == now) continue;
      tables.put(table_, key, now);
      e.stored = std::move(now);
    }
  }

  /// Forgets every row without writing any back (after a restore: the tables are others).
  void clear() noexcept { rows_.clear(); }

  /// Rows cached (for tests).
  [[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }
  [[nodiscard]] const std::string& table() const noexcept { return table_; }

private:
  struct entry {
    Record record{};
    std::optional<bytes> stored; ///< the row's bytes in the table as of the last flush
    bool touched = false;        ///< used since the last flush
  };

  std::string table_;
  std::size_t capacity_;
  std::map<std::string, entry, std::less<>> rows_;
};

} // namespace aetherial::actors::kit
