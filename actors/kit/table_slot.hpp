#pragma once
// One row of a table, loaded into its record for the handling of an event and written back
// only when its bytes changed (an absent record erases the row).

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "actors/table.hpp"

namespace aetherial::actors::kit {

/// The row of `key` in `table` as a `Record`, with its codec.
template <class Record, bytes (*Encode)(const Record&), Record (*Decode)(const bytes&)>
class table_slot {
public:
  /// Loads the row (no record when there is none). Decode throws for a row that is not one.
  table_slot(table_store& tables, std::string_view table, std::string_view key)
      : tables_(&tables), table_(table), key_(key), loaded_(tables.get(table, key)) {
    if (loaded_) record = Decode(*loaded_);
  }

  /// Whether the row was there when loaded (or last saved).
  [[nodiscard]] bool stored() const noexcept { return loaded_.has_value(); }
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

  /// Erases the row (the record, if any, is kept).
  void erase() {
    if (loaded_) tables_->erase(table_, key_);
    loaded_.reset();
  }

  /// Writes the record back when its bytes differ from the stored row; no record erases it.
  void save() {
    if (!record) {
      erase();
      return;
    }
    bytes now = Encode(*record);
    if (loaded_ && *loaded_ == now) return;
    loaded_ = now;
    tables_->put(table_, key_, std::move(now));
  }

  std::optional<Record> record;

private:
  table_store* tables_;
  std::string table_;
  std::string key_;
  std::optional<bytes> loaded_;
};

} // namespace aetherial::actors::kit
