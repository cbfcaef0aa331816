#include "runtime/broadcaster.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include "runtime/errc.hpp"

namespace aetherial::runtime {
namespace {

constexpr topics::ms io_timeout{30000};

/// The next offsets to commit for what `batch` holds: per partition, after its last record.
std::vector<topics::topic_partition> next_offsets(const std::vector<topics::record>& batch) {
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> last;
  for (const auto& r : batch)
    last[{r.topic, r.partition}] = r.offset;
  std::vector<topics::topic_partition> out;
  for (const auto& [tp, offset] : last)
    out.push_back({tp.first, tp.second, offset + 1});
  return out;
}

} // namespace

broadcaster::broadcaster(broadcaster_options o) : options_(std::move(o)) {}

broadcaster::~broadcaster() {
  stop();
}

result<std::unique_ptr<broadcaster>> broadcaster::start(broadcaster_options o) {
  if (o.catalog == nullptr) return make_error(errc::configuration, "broadcaster: no catalog");
  std::unique_ptr<broadcaster> b(new broadcaster(std::move(o)));
  auto& opt = b->options_;
  b->source_ = opt.catalog->name(topics::catalog::reference);
  b->target_ = opt.catalog->name(topics::catalog::broadcast);
  auto meta = topics::reader::create(opt.kafka, false);
  if (!meta) return meta.error_value();
  auto n = meta.value()->partition_count(b->target_, io_timeout);
  if (!n) return n.error_value();
  b->partitions_ = n.value();
  auto kafka = opt.kafka;
  kafka.extra.emplace("group.instance.id", opt.instance_id + ".broadcast");
  auto c = topics::consumer::create(kafka, opt.group + ".broadcast", nullptr, opt.exactly_once);
  if (!c) return c.error_value();
  b->consumer_ = std::move(c.value());
  auto p = topics::producer::create(
      opt.kafka, opt.exactly_once ? opt.group + ".broadcast." + opt.instance_id : "");
  if (!p) return p.error_value();
  b->producer_ = std::move(p.value());
  if (opt.exactly_once) {
    if (auto r = b->producer_->init_transactions(io_timeout); !r) return r.error_value();
    if (auto r = b->producer_->begin_transaction(); !r) return r.error_value();
  }
  if (auto r = b->consumer_->subscribe({b->source_}); !r) return r.error_value();
  b->thread_ = std::thread([p = b.get()] { p->run(); });
  return b;
}

result<void> broadcaster::copy_batch(std::vector<topics::record>& batch) {
  for (const auto& r : batch) {
    auto headers = r.headers;
    headers.push_back(
        {std::string(broadcast_source_header),
         r.topic + "/" + std::to_string(r.partition) + "@" + std::to_string(r.offset)});
    for (int p = 0; p < partitions_; ++p)
      if (auto s = producer_->send(target_, p, r.key, r.value.data(), r.value.size(), headers); !s)
        return s;
  }
  const auto offsets = next_offsets(batch);
  if (options_.exactly_once) {
    if (auto r = producer_->send_offsets_to_transaction(offsets, *consumer_, io_timeout); !r)
      return r;
    if (auto r = producer_->commit_transaction(io_timeout); !r) return r;
    if (auto r = producer_->begin_transaction(); !r) return r;
  } else {
    if (auto r = producer_->flush(io_timeout); !r) return r;
    if (auto r = consumer_->commit(offsets); !r) return r;
  }
  copied_ += batch.size();
  return {};
}

void broadcaster::run() {
  while (!stop_.load()) {
    auto batch = consumer_->poll(500, topics::ms{100});
    if (batch.empty()) continue;
    if (auto r = copy_batch(batch); !r) {
      // What was not committed is copied again by the next member to own the partition.
      if (options_.on_fatal)
        options_.on_fatal("broadcaster: " + r.error_value().message +
                          " (the node restarts; the uncommitted records are copied again)");
      return;
    }
  }
}

void broadcaster::stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  if (options_.exactly_once && producer_) (void)producer_->abort_transaction(topics::ms{10000});
  if (consumer_) consumer_->close();
}

} // namespace aetherial::runtime
