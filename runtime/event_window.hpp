#pragma once
// The per-partition window of recently applied input event ids. An input whose id is in the
// window is a duplicate (a producer's retry, a replayed upstream, a forged copy) and is
// dead-lettered instead of applied. The window travels with the agent's state (snapshots,
// recovery, audit replay), so every replay refuses the same inputs.

#include <cstddef>
#include <deque>
#include <set>
#include <vector>

#include "schemas/envelope.hpp"

namespace aetherial::runtime {

/// The last `capacity` distinct event ids admitted on one (agent kind, partition), oldest first.
class event_window {
public:
  explicit event_window(std::size_t capacity = 0) : capacity_(capacity) {}

  /// Admits `id`: false if it is in the window (a duplicate, the window is unchanged), else
  /// remembers it (forgetting the oldest id once full) and returns true. A window of
  /// capacity 0 admits everything and remembers nothing.
  bool admit(const schemas::event_id& id) {
    if (capacity_ == 0) return true;
    if (!members_.insert(id).second) return false;
    order_.push_back(id);
    if (order_.size() > capacity_) {
      members_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }

  /// The remembered ids, oldest first (what a snapshot stores).
  [[nodiscard]] std::vector<schemas::event_id> ids() const {
    return {order_.begin(), order_.end()};
  }

  /// Replaces the window's content by `ids` (oldest first) as far as the capacity allows:
  /// with a smaller capacity than when stored, the newest are kept.
  void restore(const std::vector<schemas::event_id>& ids) {
    clear();
    const auto skip = ids.size() > capacity_ ? ids.size() - capacity_ : 0;
    for (std::size_t i = skip; i < ids.size(); ++i)
      (void)admit(ids[i]);
  }

  void clear() {
    order_.clear();
    members_.clear();
  }

  [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
  std::size_t capacity_;
  std::deque<schemas::event_id> order_;
  std::set<schemas::event_id> members_;
};

} // namespace aetherial::runtime
