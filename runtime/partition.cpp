#include "runtime/partition.hpp"

#include <algorithm>

namespace aetherial::runtime {

partition_ledger::partition_ledger(std::int32_t partition, std::vector<std::string> topics)
    : partition_(partition), topics_(std::move(topics)) {}

void partition_ledger::start_at(std::vector<std::int64_t> offsets, std::uint64_t journal_seq) {
  offsets.resize(topics_.size(), -1);
  position_ = offsets;
  checkpointed_ = std::move(offsets);
  journal_seq_ = journal_seq;
  tail_.clear();
  live_ = acked_ = 0;
  recovered_ = true;
}

int partition_ledger::topic_index(std::string_view topic) const noexcept {
  for (std::size_t t = 0; t < topics_.size(); ++t)
    if (topics_[t] == topic) return static_cast<int>(t);
  return -1;
}

partition_ledger::accepted partition_ledger::accept(topics::record&& r,
                                                    std::shared_ptr<const input_record>& out) {
  const int t = topic_index(r.topic);
  if (t < 0) return accepted::foreign;
  return accept(input_record(std::move(r), t), out);
}

partition_ledger::accepted partition_ledger::accept(topics::message&& m,
                                                    std::shared_ptr<const input_record>& out) {
  const int t = topic_index(m.view().topic);
  if (t < 0) return accepted::foreign;
  return accept(input_record(std::move(m), t), out);
}

partition_ledger::accepted partition_ledger::accept(input_record&& in,
                                                    std::shared_ptr<const input_record>& out) {
  if (!recovered_) {
    held_.push_back(std::move(in));
    return accepted::held;
  }
  const auto t = static_cast<std::size_t>(in.topic_index);
  if (position_[t] >= 0 && in.rec.offset < position_[t]) return accepted::covered;
  position_[t] = in.rec.offset + 1;
  auto shared = std::make_shared<const input_record>(std::move(in));
  tail_.push_back({shared, false});
  ++live_;
  out = std::move(shared);
  return accepted::appended;
}

std::vector<input_record> partition_ledger::take_held() {
  auto out = std::move(held_);
  held_.clear();
  return out;
}

void partition_ledger::acknowledge(std::size_t count) noexcept {
  acked_ = std::min(live_, acked_ + count);
}

bool partition_ledger::skip(std::string_view topic, std::int64_t offset) {
  for (auto& e : tail_) {
    if (e.skipped || e.in->rec.topic != topic || e.in->rec.offset != offset) continue;
    e.skipped = true;
    --live_;
    acked_ = std::min(acked_, live_);
    return true;
  }
  return false;
}

input_batch partition_ledger::live_tail() const {
  input_batch out;
  out.reserve(live_);
  for (const auto& e : tail_)
    if (!e.skipped) out.push_back(e.in);
  return out;
}

std::vector<topics::topic_partition>
partition_ledger::as_topic_partitions(const std::vector<std::int64_t>& offsets) const {
  std::vector<topics::topic_partition> out;
  for (std::size_t t = 0; t < offsets.size(); ++t)
    if (offsets[t] >= 0) out.push_back({topics_[t], partition_, offsets[t]});
  return out;
}

std::vector<topics::topic_partition> partition_ledger::position() const {
  return as_topic_partitions(position_);
}

std::vector<topics::topic_partition> partition_ledger::checkpointed() const {
  return as_topic_partitions(checkpointed_);
}

std::optional<journal_entry> partition_ledger::journal(const std::string& agent) const {
  if (tail_.empty()) return std::nullopt;
  journal_entry je;
  je.agent = agent;
  je.partition = partition_;
  je.seq = journal_seq_;
  je.begin = checkpointed();
  for (const auto& e : tail_)
    if (!e.skipped) journal_append(je.segments, e.in->topic_index, e.in->rec.offset);
  return je;
}

void partition_ledger::checkpoint_done(storage::snapshot snap) {
  journal_seq_ = snap.journal_seq;
  checkpointed_ = position_;
  tail_.clear();
  live_ = acked_ = 0;
  last_snapshot_ = std::move(snap);
}

flow flow_control(std::size_t inflight, std::size_t limit, bool quarantined, bool paused) noexcept {
  const bool should_pause = quarantined || inflight >= limit;
  if (should_pause && !paused) return flow::pause;
  if (!should_pause && paused && inflight <= limit / 2) return flow::resume;
  return flow::keep;
}

} // namespace aetherial::runtime
