#pragma once
// The per-partition window of recently applied input event ids. An input whose id is in the
// window is a duplicate (a producer's retry, a replayed upstream, a forged copy) and is
// dead-lettered instead of applied. The window travels with the agent's state (snapshots,
// recovery, audit replay), so every replay refuses the same inputs.
//
// A ring of the ids in admission order and an open-addressing index over it: admitting an id
// allocates nothing. The index is keyed with a per-process secret, so that ids chosen to
// collide cannot turn lookups into scans; it only answers "is this id in the ring", so the
// secret never shows in anything the window returns.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "schemas/envelope.hpp"

namespace aetherial::runtime {

/// The last `capacity` distinct event ids admitted on one (agent kind, partition), oldest first.
class event_window {
public:
  explicit event_window(std::size_t capacity = 0);

  /// Admits `id`: false if it is in the window (a duplicate, the window is unchanged), else
  /// remembers it (forgetting the oldest id once full) and returns true. A window of
  /// capacity 0 admits everything and remembers nothing.
  bool admit(const schemas::event_id& id);

  /// The remembered ids, oldest first (what a snapshot stores).
  [[nodiscard]] std::vector<schemas::event_id> ids() const;

  /// Replaces the window's content by `ids` (oldest first) as far as the capacity allows:
  /// with a smaller capacity than when stored, the newest are kept.
  void restore(const std::vector<schemas::event_id>& ids);

  void clear();

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
  static constexpr std::uint32_t empty = 0; ///< an index slot holds ring position + 1

  [[nodiscard]] std::size_t home(const schemas::event_id& id) const noexcept;
  /// The index slot holding `id` (whose home slot is `at`), or the empty slot where it would
  /// go.
  [[nodiscard]] std::size_t find(const schemas::event_id& id, std::size_t at) const noexcept;
  /// Removes the index slot `at` and closes the gap (backward-shift deletion).
  void erase_slot(std::size_t at) noexcept;

  std::size_t capacity_;
  std::vector<schemas::event_id> ring_; ///< the ids, oldest at `oldest_`
  std::vector<std::uint32_t> homes_;    ///< each ring id's home slot in the index
  std::size_t oldest_ = 0;
  std::size_t size_ = 0;
  std::vector<std::uint32_t> index_; ///< power-of-two size, at most half full
  std::size_t mask_ = 0;
};

} // namespace aetherial::runtime
