#pragma once
// A scratch key-value store on disk for work larger than memory (the audit's index of recorded
// events): RocksDB in a fresh directory that is removed when the store is closed. Nothing in
// it survives the process; writes skip the write-ahead log.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "schemas/result.hpp"

namespace aetherial::storage {

/// One scratch store; safe to use from several threads.
class scratch_store {
public:
  /// Creates a fresh directory under `parent` (the system's temporary directory when empty)
  /// and opens the store in it. `memory_bytes` bounds the memtables and the block cache.
  [[nodiscard]] static result<std::unique_ptr<scratch_store>>
  create(const std::string& parent = {}, std::size_t memory_bytes = 64 << 20);
  ~scratch_store();
  scratch_store(const scratch_store&) = delete;
  scratch_store& operator=(const scratch_store&) = delete;

  result<void> put(std::string_view key, std::string_view value);
  [[nodiscard]] result<std::optional<std::string>> get(std::string_view key) const;
  /// Calls `visit` with every key starting with `prefix`, in byte order, until it returns
  /// false. `visit` may read the store but not write it.
  result<void>
  scan(std::string_view prefix,
       const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  /// The directory it lives in (removed by the destructor).
  [[nodiscard]] const std::string& path() const noexcept;

private:
  struct impl;
  explicit scratch_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace aetherial::storage
