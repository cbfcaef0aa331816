#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <random>
#include <thread>

#include <map>
#include <mutex>
#include <utility>

#include "topics/kafka.hpp"
#include "topics/rdkafka_bridge.hpp"

namespace aetherial::topics {

using namespace detail;

namespace {

/// Applies `op` (pause or resume) to `partitions` of `rk`; `what` names it in errors.
result<void> on_partitions(rd_kafka_t* rk, const std::vector<topic_partition>& partitions,
                           rd_kafka_resp_err_t (*op)(rd_kafka_t*, rd_kafka_topic_partition_list_t*),
                           const char* what) {
  auto list = to_list(partitions);
  if (auto err = op(rk, list.get())) return from_code(err, what);
  if (auto e = partition_error(list.get(), what)) return *e;
  return {};
}

std::vector<property> consumer_defaults(bool read_committed) {
  return {
      {"enable.auto.commit", "false"},       // offsets are committed by the runtime only
      {"enable.auto.offset.store", "false"}, // and only the ones it passes in
      {"auto.offset.reset", "earliest"},     // a new group reads a topic from its start
      {"queued.min.messages", "1000000"},    // the default stalls fetching ~1 s per refill
      {"isolation.level", read_committed ? "read_committed" : "read_uncommitted"},
  };
}

} // namespace

/// The consumer's librdkafka handle and its rebalance handling.
struct consumer::impl : client_state {
  rebalance_listener* listener_ = nullptr;
  /// Committed offsets read by `committed`: the lag of a partition not fetched yet.
  mutable std::mutex committed_mutex_;
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> committed_;
  bool closed_ = false;
  handle_ptr rk_; // last: destroyed first, while the callbacks' state still exists

  template <class F> void notify(std::string_view what, F&& f) {
    if (listener_ == nullptr) return;
    // The listener runs inside a librdkafka callback: nothing may unwind through C.
    try {
      f(*listener_);
    } catch (const std::exception& e) {
      note(make_error(errc::state, std::string(what) + " listener threw: " + e.what()));
    } catch (...) {
      note(make_error(errc::state, std::string(what) + " listener threw"));
    }
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<impl*>(static_cast<client_state*>(opaque));
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    const auto changed = from_list(partitions);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions))
          self->note(from_error(e, "incremental assign"));
      } else if (auto code = rd_kafka_assign(rk, partitions)) {
        self->note(from_code(code, "assign"));
      }
      self->notify("on_assigned", [&](rebalance_listener& l) { l.on_assigned(changed); });
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      if (rd_kafka_assignment_lost(rk))
        self->note(make_error(errc::broker, "assignment lost (session timed out or group "
                                            "fenced): commits for revoked partitions will fail"));
      self->notify("on_revoked", [&](rebalance_listener& l) { l.on_revoked(changed); });
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions))
          self->note(from_error(e, "incremental unassign"));
      } else if (auto code = rd_kafka_assign(rk, nullptr)) {
        self->note(from_code(code, "unassign"));
      }
    } else {
      self->note(from_code(err, "rebalance"));
      (void)rd_kafka_assign(rk, nullptr);
    }
  }

  void close() {
    if (closed_ || !rk_) return;
    closed_ = true;
    if (auto err = rd_kafka_consumer_close(rk_.get())) note(from_code(err, "close"));
  }
};

rd_kafka_t* detail::consumer_handle(const consumer::impl& c) noexcept {
  return c.rk_.get();
}

consumer::consumer(std::shared_ptr<impl> p) : impl_(std::move(p)) {}

consumer::~consumer() {
  if (!impl_) return;
  impl_->close();
  // Messages still held keep the client; it is destroyed with the last of them. Nothing
  // reaches the rebalance listener after close.
  impl_->listener_ = nullptr;
}

result<std::unique_ptr<consumer>> consumer::create(const kafka_config& cfg,
                                                   const std::string& group_id,
                                                   rebalance_listener* listener,
                                                   bool isolation_read_committed) {
  if (group_id.empty()) return make_error(errc::config, "consumer: group.id must not be empty");
  auto defaults = consumer_defaults(isolation_read_committed);
  defaults.insert(defaults.end(), {
                                      {"group.id", group_id},
                                      // Not cooperative-sticky: librdkafka 2.0.2 aborts when such a
                                      // member is destroyed before its first assignment
                                      // (confluentinc/librdkafka#4312, fixed in 2.3.0).
                                      {"partition.assignment.strategy", "range"},
                                      // The mock cluster needs >= 3000; a real broker's
                                      // group.min.session.timeout.ms is 6000.
                                      {"session.timeout.ms", "6000"},
                                      // Six heartbeats per session: rebalances are noticed fast.
                                      {"heartbeat.interval.ms", "1000"},
                                  });
  auto conf = make_conf(cfg, defaults);
  if (!conf) return conf.error_value();
  auto p = std::make_shared<impl>();
  p->listener_ = listener;
  rd_kafka_conf_set_rebalance_cb(conf->get(), &impl::on_rebalance);
  auto rk = make_handle(RD_KAFKA_CONSUMER, std::move(conf.value()), *p);
  if (!rk) return rk.error_value();
  p->rk_ = std::move(rk.value());
  // Client-level events (errors) are served by consumer_poll too.
  (void)rd_kafka_poll_set_consumer(p->rk_.get());
  return std::unique_ptr<consumer>(new consumer(std::move(p)));
}

result<void> consumer::subscribe(const std::vector<std::string>& topics) {
  std::vector<topic_partition> tps;
  tps.reserve(topics.size());
  for (const auto& t : topics)
    tps.push_back(topic_partition{t, RD_KAFKA_PARTITION_UA, RD_KAFKA_OFFSET_INVALID});
  auto list = to_list(tps);
  if (auto err = rd_kafka_subscribe(impl_->rk_.get(), list.get()))
    return from_code(err, "subscribe");
  return {};
}

std::vector<record> consumer::poll(std::size_t max, ms timeout) {
  return poll_records(impl_->rk_.get(), *impl_, max, timeout);
}

std::vector<message> consumer::poll_messages(std::size_t max, ms timeout) {
  return detail::poll_messages(impl_->rk_.get(), *impl_, impl_, max, timeout);
}

result<void> consumer::pause(const std::vector<topic_partition>& partitions) {
  return on_partitions(impl_->rk_.get(), partitions, &rd_kafka_pause_partitions, "pause");
}

result<void> consumer::resume(const std::vector<topic_partition>& partitions) {
  return on_partitions(impl_->rk_.get(), partitions, &rd_kafka_resume_partitions, "resume");
}

result<void> consumer::seek(const topic_partition& position, ms timeout) {
  auto list = to_list({position});
  if (rd_kafka_error_t* e = rd_kafka_seek_partitions(impl_->rk_.get(), list.get(), to_ms(timeout)))
    return from_error(e, "seek");
  if (auto e = partition_error(list.get(), "seek")) return *e;
  return {};
}

result<void> consumer::commit(const std::vector<topic_partition>& offsets) {
  if (offsets.empty()) return {};
  auto list = to_list(offsets);
  if (auto err = rd_kafka_commit(impl_->rk_.get(), list.get(), 0 /* synchronous */))
    return from_code(err, "commit");
  if (auto e = partition_error(list.get(), "commit")) return *e;
  return {};
}

result<std::vector<topic_partition>>
consumer::committed(const std::vector<topic_partition>& partitions, ms timeout) {
  auto list = to_list(partitions);
  const auto err = rd_kafka_committed(impl_->rk_.get(), list.get(), to_ms(timeout));
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return impl_->timeout_error("committed");
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, "committed");
  if (auto e = partition_error(list.get(), "committed")) return *e;
  auto out = from_list(list.get());
  {
    std::lock_guard<std::mutex> lock(impl_->committed_mutex_);
    for (const auto& tp : out)
      impl_->committed_[{tp.topic, tp.partition}] = tp.offset;
  }
  return out;
}

void consumer::close() {
  impl_->close();
}

std::vector<topic_partition> consumer::lag() const {
  std::vector<topic_partition> out;
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (rd_kafka_assignment(impl_->rk_.get(), &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      assigned == nullptr)
    return out;
  partition_list_ptr owned(assigned);
  (void)rd_kafka_position(impl_->rk_.get(), assigned);
  for (int i = 0; i < assigned->cnt; ++i) {
    const auto& tp = assigned->elems[i];
    std::int64_t low = 0, high = 0;
    if (rd_kafka_get_watermark_offsets(impl_->rk_.get(), tp.topic, tp.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0)
      continue;
    // Before its first fetch a partition has no position: it starts at the committed offset
    // (its group's, read at assignment), not at the log's start; unknown, it is not reported.
    std::int64_t position = tp.offset;
    if (position < 0) {
      std::lock_guard<std::mutex> lock(impl_->committed_mutex_);
      const auto c = impl_->committed_.find({tp.topic, tp.partition});
      if (c == impl_->committed_.end()) continue;
      position = c->second >= 0 ? c->second : low; // nothing committed: from the start
    }
    out.push_back({tp.topic, tp.partition, std::max<std::int64_t>(0, high - position)});
  }
  return out;
}

std::vector<error> consumer::take_errors() {
  return impl_->take_errors();
}

std::optional<std::string> consumer::fatal_error() const {
  std::array<char, 512> reason{};
  const auto code = rd_kafka_fatal_error(impl_->rk_.get(), reason.data(), reason.size());
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::string(reason.data()) + " (" + rd_kafka_err2name(code) + ")";
  return impl_->authentication_lost();
}

/// The reader's librdkafka handle: a consumer that assigns and never joins its group.
struct reader::impl : client_state {
  /// How far one assigned partition is read.
  struct progress {
    std::int64_t bound = -1; ///< the end to reach; -1: wherever the end is met
    std::int64_t next = -1;  ///< offset after the last record delivered
    std::int64_t eof = -1;   ///< offset at which the end of the partition was last met
    [[nodiscard]] bool done() const {
      if (bound >= 0) return next >= bound || eof >= bound;
      return eof >= 0 && eof >= next; // met the end after the last record delivered
    }
  };
  std::map<std::pair<std::string, std::int32_t>, progress> parts_;
  handle_ptr rk_;
  ~impl() override;
  /// Notes where a partition's end was met.
  [[nodiscard]] eof_callback on_eof();
};

reader::impl::~impl() {
  if (!rk_) return;
  (void)rd_kafka_assign(rk_.get(), nullptr);
  // A reader never joined its group: there is nothing to leave or commit, so skip the
  // consumer close that would otherwise wait on the group coordinator.
  rd_kafka_destroy_flags(rk_.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

reader::reader(std::shared_ptr<impl> p) : impl_(std::move(p)) {}

// Messages still held keep the client; it is destroyed with the last of them.
reader::~reader() = default;

result<std::unique_ptr<reader>> reader::create(const kafka_config& cfg, bool read_committed) {
  // rd_kafka_consumer_poll needs a group.id; a reader never joins or commits, so a unique
  // one keeps it clear of every real group (and of any offsets committed under it).
  std::random_device rd;
  const auto tag = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  auto defaults = consumer_defaults(read_committed);
  defaults.emplace_back("group.id", "aetherial.reader." + std::to_string(tag));
  // EOF events tell when a partition is read to its end, transaction markers included.
  defaults.emplace_back("enable.partition.eof", "true");
  // A reader wants the end of a partition soon, not a full fetch wait per empty partition.
  defaults.emplace_back("fetch.wait.max.ms", "50");
  auto conf = make_conf(cfg, defaults);
  if (!conf) return conf.error_value();
  auto p = std::make_shared<impl>();
  auto rk = make_handle(RD_KAFKA_CONSUMER, std::move(conf.value()), *p);
  if (!rk) return rk.error_value();
  p->rk_ = std::move(rk.value());
  (void)rd_kafka_poll_set_consumer(p->rk_.get());
  return std::unique_ptr<reader>(new reader(std::move(p)));
}

result<void> reader::assign(const std::vector<topic_partition>& from) {
  // A logical start (the beginning, the end) is resolved here, for all partitions in one
  // ListOffsets round: librdkafka resolves it only once it has a connection to the
  // partition's leader, and before that it waits out a 500 ms timer.
  std::vector<topic_partition> resolved = from;
  std::vector<topic_partition> logical;
  for (const auto& tp : from)
    if (tp.offset == RD_KAFKA_OFFSET_BEGINNING || tp.offset == RD_KAFKA_OFFSET_END)
      logical.push_back(tp);
  if (!logical.empty()) {
    auto list = to_list(logical);
    const auto err = rd_kafka_offsets_for_times(impl_->rk_.get(), list.get(), 10000);
    if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return impl_->timeout_error("list offsets");
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, "list offsets");
    if (auto e = partition_error(list.get(), "list offsets of")) return *e;
    std::map<std::pair<std::string, std::int32_t>, std::int64_t> at;
    for (const auto& tp : from_list(list.get()))
      at[{tp.topic, tp.partition}] = tp.offset;
    for (auto& tp : resolved)
      if (tp.offset == RD_KAFKA_OFFSET_BEGINNING || tp.offset == RD_KAFKA_OFFSET_END)
        if (auto it = at.find({tp.topic, tp.partition}); it != at.end() && it->second >= 0)
          tp.offset = it->second;
  }
  auto list = to_list(resolved);
  if (auto err = rd_kafka_assign(impl_->rk_.get(), list.get())) return from_code(err, "assign");
  impl_->parts_.clear();
  for (const auto& tp : from)
    impl_->parts_[{tp.topic, tp.partition}] = impl::progress{};
  return {};
}

result<void> reader::bound_to_current_end(ms timeout) {
  auto& parts = impl_->parts_;
  if (parts.empty()) return {};
  // Two ListOffsets rounds for all partitions at once (earliest, then latest), not a
  // watermark query per partition. Under read_committed the latest is the last stable offset:
  // the end a reader can reach while a transaction is still open.
  const auto offsets = [&](std::int64_t which) -> result<std::vector<topic_partition>> {
    std::vector<topic_partition> tps;
    tps.reserve(parts.size());
    for (const auto& [tp, p] : parts)
      tps.push_back({tp.first, tp.second, which});
    auto list = to_list(tps);
    const auto err = rd_kafka_offsets_for_times(impl_->rk_.get(), list.get(), to_ms(timeout));
    if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return impl_->timeout_error("list offsets");
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, "list offsets");
    if (auto e = partition_error(list.get(), "list offsets of")) return *e;
    return from_list(list.get());
  };
  auto low = offsets(RD_KAFKA_OFFSET_BEGINNING);
  if (!low) return low.error_value();
  auto high = offsets(RD_KAFKA_OFFSET_END);
  if (!high) return high.error_value();
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> start;
  for (const auto& tp : low.value())
    start[{tp.topic, tp.partition}] = tp.offset;
  for (const auto& tp : high.value()) {
    auto it = parts.find({tp.topic, tp.partition});
    if (it == parts.end()) continue;
    it->second.bound = tp.offset;
    const auto s = start.find({tp.topic, tp.partition});
    if (s != start.end() && s->second >= tp.offset) it->second.eof = tp.offset; // empty
  }
  return {};
}

result<std::pair<std::int64_t, std::int64_t>>
reader::watermarks(const std::string& topic, std::int32_t partition, ms timeout) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  const auto err = rd_kafka_query_watermark_offsets(impl_->rk_.get(), topic.c_str(), partition,
                                                    &low, &high, to_ms(timeout));
  const std::string what = "watermarks of " + topic + "[" + std::to_string(partition) + "]";
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return impl_->timeout_error(what);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, what);
  return std::make_pair(low, high);
}

result<int> reader::partition_count(const std::string& topic, ms timeout) {
  auto md = metadata::fetch(impl_->rk_.get(), *impl_, timeout);
  if (!md) return md.error_value();
  const auto& m = md->get();
  for (int i = 0; i < m.topic_cnt; ++i) {
    const auto& t = m.topics[i];
    if (topic != t.topic) continue;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(t.err, "topic " + topic);
    return t.partition_cnt;
  }
  return make_error(errc::broker, "topic " + topic + ": does not exist");
}

namespace {

/// Notes how far each partition of a reader was delivered; `view_of` gives a delivered item's
/// record_view. Runs of one partition look the partition up once.
template <class Items, class ViewOf>
void note_delivered(std::map<std::pair<std::string, std::int32_t>, reader::impl::progress>& parts,
                    const Items& items, ViewOf&& view_of) {
  auto at = parts.end();
  std::string_view topic;
  std::int32_t partition = -1;
  for (const auto& item : items) {
    const record_view& v = view_of(item);
    if (at == parts.end() || v.partition != partition || v.topic != topic) {
      topic = v.topic;
      partition = v.partition;
      at = parts.find({std::string(topic), partition});
    }
    if (at != parts.end()) at->second.next = std::max(at->second.next, v.offset + 1);
  }
}

} // namespace

eof_callback reader::impl::on_eof() {
  return [this](const char* topic, std::int32_t partition, std::int64_t at) {
    auto it = parts_.find({topic, partition});
    if (it != parts_.end()) it->second.eof = std::max(it->second.eof, at);
  };
}

std::vector<record> reader::poll(std::size_t max, ms timeout) {
  auto out = poll_records(impl_->rk_.get(), *impl_, max, timeout, impl_->on_eof());
  note_delivered(impl_->parts_, out, [](const record& r) { return record_view(r); });
  return out;
}

std::vector<message> reader::poll_messages(std::size_t max, ms timeout) {
  auto out = detail::poll_messages(impl_->rk_.get(), *impl_, impl_, max, timeout, impl_->on_eof());
  note_delivered(impl_->parts_, out,
                 [](const message& m) -> const record_view& { return m.view(); });
  return out;
}

std::size_t reader::partitions_at_end() const {
  std::size_t n = 0;
  for (const auto& [tp, p] : impl_->parts_)
    if (p.done()) ++n;
  return n;
}

bool reader::at_end() const {
  for (const auto& [tp, p] : impl_->parts_)
    if (!p.done()) return false;
  return true;
}

std::vector<error> reader::take_errors() {
  return impl_->take_errors();
}

result<void> wait_until_stable(const kafka_config& cfg,
                               const std::vector<topic_partition>& partitions, ms timeout) {
  if (partitions.empty()) return {};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto left = [&] {
    return std::max(ms{1},
                    std::chrono::duration_cast<ms>(deadline - std::chrono::steady_clock::now()));
  };
  // The two readers differ in their isolation level only, whatever the deployment sets.
  auto plain = cfg;
  plain.extra.erase("isolation.level");
  // Watermarks asked by a read_committed client end at the last stable offset.
  auto committed = reader::create(plain, /*read_committed=*/true);
  if (!committed) return committed.error_value();
  auto uncommitted = reader::create(plain, /*read_committed=*/false);
  if (!uncommitted) return uncommitted.error_value();
  // The end of each partition now: transactions that begin later do not count.
  std::vector<std::int64_t> target;
  for (const auto& tp : partitions) {
    auto high = uncommitted.value()->watermarks(tp.topic, tp.partition, left());
    if (!high) return high.error_value();
    target.push_back(high.value().second);
  }
  for (;;) {
    std::string open;
    for (std::size_t i = 0; i < partitions.size() && open.empty(); ++i) {
      const auto& tp = partitions[i];
      auto stable = committed.value()->watermarks(tp.topic, tp.partition, left());
      if (!stable) return stable.error_value();
      if (stable.value().second < target[i])
        open = tp.topic + "[" + std::to_string(tp.partition) + "] (last stable offset " +
               std::to_string(stable.value().second) + ", high watermark at the call " +
               std::to_string(target[i]) + ")";
    }
    if (open.empty()) return {};
    if (std::chrono::steady_clock::now() >= deadline)
      return make_error(errc::timeout, "a transaction stays open on " + open + " for more than " +
                                           std::to_string(timeout.count()) + " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

} // namespace aetherial::topics
