#include "runtime/event_window.hpp"

#include <algorithm>
#include <random>

namespace aetherial::runtime {
namespace {

/// The index's hash key: one per process, from the operating system's entropy.
std::uint64_t index_key() {
  static const std::uint64_t key = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  return key;
}

} // namespace

event_window::event_window(std::size_t capacity) : capacity_(capacity) {
  if (capacity_ == 0) return;
  ring_.resize(capacity_);
  homes_.resize(capacity_);
  std::size_t slots = 16;
  while (slots < 2 * capacity_)
    slots *= 2;
  index_.assign(slots, empty);
  mask_ = slots - 1;
}

std::size_t event_window::home(const schemas::event_id& id) const noexcept {
  const auto k = index_key();
  return static_cast<std::size_t>(schemas::mix64(schemas::mix64(id.hi ^ k) ^ id.lo)) & mask_;
}

std::size_t event_window::find(const schemas::event_id& id, std::size_t at) const noexcept {
  while (index_[at] != empty && ring_[index_[at] - 1] != id)
    at = (at + 1) & mask_;
  return at;
}

void event_window::erase_slot(std::size_t at) noexcept {
  // Shifts each following entry of the probe run back into the gap when its home allows it.
  auto gap = at;
  for (auto next = (gap + 1) & mask_; index_[next] != empty; next = (next + 1) & mask_) {
    const std::size_t h = homes_[index_[next] - 1];
    // The entry may move to `gap` unless its home lies cyclically in (gap, next].
    const bool stays = gap <= next ? (gap < h && h <= next) : (gap < h || h <= next);
    if (stays) continue;
    index_[gap] = index_[next];
    gap = next;
  }
  index_[gap] = empty;
}

bool event_window::admit(const schemas::event_id& id) {
  if (capacity_ == 0) return true;
  const auto h = home(id);
  if (index_[find(id, h)] != empty) return false;
  std::size_t pos;
  if (size_ == capacity_) {
    // Full: the oldest id leaves, and its ring position takes the new one.
    pos = oldest_;
    erase_slot(find(ring_[pos], homes_[pos]));
    oldest_ = (oldest_ + 1) % capacity_;
  } else {
    pos = (oldest_ + size_) % capacity_;
    ++size_;
  }
  ring_[pos] = id;
  homes_[pos] = static_cast<std::uint32_t>(h);
  index_[find(id, h)] = static_cast<std::uint32_t>(pos + 1);
  return true;
}

std::vector<schemas::event_id> event_window::ids() const {
  std::vector<schemas::event_id> out;
  out.reserve(size_);
  for (std::size_t i = 0; i < size_; ++i)
    out.push_back(ring_[(oldest_ + i) % capacity_]);
  return out;
}

void event_window::restore(const std::vector<schemas::event_id>& ids) {
  clear();
  const auto skip = ids.size() > capacity_ ? ids.size() - capacity_ : 0;
  for (std::size_t i = skip; i < ids.size(); ++i)
    (void)admit(ids[i]);
}

void event_window::clear() {
  oldest_ = 0;
  size_ = 0;
  std::fill(index_.begin(), index_.end(), empty);
}

} // namespace aetherial::runtime
