#pragma once
// The tables a host gives its agent: the (agent, partition)'s rows in the local store, under
// the changes made since they were stored. A checkpoint hands the changes over and they are
// written with its snapshot in one batch; until the store confirms, reads still see them.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/table.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::runtime {

/// Tables of one (agent, partition) over the snapshot store. A read the store cannot serve
/// throws std::runtime_error (the agent fails on that record; the host restarts).
class host_tables final : public actors::table_store {
public:
  /// `store` null: no stored rows (every table starts empty).
  host_tables(const storage::snapshot_store* store, std::string agent, std::int32_t partition);

  [[nodiscard]] std::optional<actors::bytes> get(std::string_view table,
                                                 std::string_view key) const override;
  void put(std::string_view table, std::string_view key, actors::bytes value) override;
  void erase(std::string_view table, std::string_view key) override;
  void scan(std::string_view table, std::string_view from, std::string_view to,
            const std::function<bool(std::string_view key, const actors::bytes& value)>& visit)
      const override;

  /// Every change the store has not confirmed (earlier handovers included), for the next
  /// checkpoint; `number` identifies this handover for `stored`.
  [[nodiscard]] std::vector<storage::table_change> hand_over(std::uint64_t& number);
  /// The store holds the changes of handover `number` (and of every earlier one).
  void stored(std::uint64_t number);
  /// Drops every change: the tables are the store's rows again. Handover numbers go on, so a
  /// late `stored` of an earlier handover never clears a later one.
  void reset();
  /// Changes not yet handed over or not yet stored (for metrics and tests).
  [[nodiscard]] std::size_t unstored() const noexcept { return recent_.size() + handed_.size(); }

private:
  /// table + '\0' + key -> the new value, or nullopt for an erase.
  using change_map = std::map<std::string, std::optional<actors::bytes>, std::less<>>;

  [[nodiscard]] const std::optional<actors::bytes>* changed(const std::string& full) const;

  const storage::snapshot_store* store_;
  std::string agent_;
  std::int32_t partition_;
  change_map recent_; ///< since the last handover
  change_map handed_; ///< handed over, not confirmed stored
  std::uint64_t handovers_ = 0;
};

} // namespace aetherial::runtime
