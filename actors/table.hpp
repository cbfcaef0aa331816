#pragma once
// Keyed state: tables of an agent, next to its small scalar state.
//
// A table maps byte-string keys to byte-string values (values in the project's one codec,
// FlatBuffers) and is read and written only through the context of the event being handled,
// so an agent stays a pure function of its inputs. Who keeps the tables is the caller's
// business: the runtime keeps them in RocksDB and checkpoints only the keys that changed;
// tests and the audit keep them in memory (`memory_table_store`). Iteration is in byte order
// of the keys, the same in every store, so it may reach outputs.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aetherial::actors {

using bytes = std::vector<std::uint8_t>;

/// Longest table name and key. Names are 1 to 256 bytes without NUL; keys any bytes. Names
/// starting with '$' are the runtime's (`$state`: runtime/state_spill.hpp), never an agent's.
inline constexpr std::size_t max_table_name_bytes = 256;
inline constexpr std::size_t max_table_key_bytes = 64 * 1024;
/// Largest value: a row stays one changelog record well under Kafka's default 1 MB limit.
inline constexpr std::size_t max_table_value_bytes = 512 * 1024;

/// Throws std::invalid_argument when `table` or `key` break the limits above: every store
/// refuses them the same way, so an agent fails on the record that wrote one, in tests too.
void check_table_key(std::string_view table, std::string_view key);
/// Throws std::invalid_argument when a value of `size` bytes is past max_table_value_bytes.
void check_table_value(std::size_t size);

/// The tables of one agent instance (one agent kind, one partition).
class table_store {
public:
  virtual ~table_store() = default;

  /// The value of `key` in `table`; nullopt when there is none.
  [[nodiscard]] virtual std::optional<bytes> get(std::string_view table,
                                                 std::string_view key) const = 0;
  /// Sets the value of `key` in `table`.
  virtual void put(std::string_view table, std::string_view key, bytes value) = 0;
  /// Removes `key` from `table` (nothing when absent).
  virtual void erase(std::string_view table, std::string_view key) = 0;
  /// Calls `visit` with every key of `table` in [from, to) (`to` empty: to the end), in byte
  /// order, until it returns false. `visit` must not change the store.
  virtual void
  scan(std::string_view table, std::string_view from, std::string_view to,
       const std::function<bool(std::string_view key, const bytes& value)>& visit) const = 0;
};

/// Every key of `table` in byte order (for a caller that changes the rows it visits).
[[nodiscard]] std::vector<std::string> keys_of(const table_store& tables, std::string_view table);

/// Tables in memory: tests, the audit's replay, and agents run without a runtime.
class memory_table_store final : public table_store {
public:
  [[nodiscard]] std::optional<bytes> get(std::string_view table,
                                         std::string_view key) const override;
  void put(std::string_view table, std::string_view key, bytes value) override;
  void erase(std::string_view table, std::string_view key) override;
  void
  scan(std::string_view table, std::string_view from, std::string_view to,
       const std::function<bool(std::string_view key, const bytes& value)>& visit) const override;

  /// Keys of `table` (0 when it has none).
  [[nodiscard]] std::size_t size(std::string_view table) const;
  /// Every table, by name: for tests that compare two stores.
  [[nodiscard]] const std::map<std::string, std::map<std::string, bytes, std::less<>>, std::less<>>&
  tables() const noexcept {
    return tables_;
  }

private:
  std::map<std::string, std::map<std::string, bytes, std::less<>>, std::less<>> tables_;
};

} // namespace aetherial::actors
