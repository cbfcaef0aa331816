#include <array>
#include <atomic>
#include <chrono>

#include "topics/kafka.hpp"
#include "topics/rdkafka_bridge.hpp"

namespace aetherial::topics {

using namespace detail;

/// The producer's librdkafka handle and its delivery-report counters.
struct producer::impl : client_state {
  bool transactional_ = false;
  std::atomic<std::uint64_t> failures_{0};
  mutable std::mutex report_mu_;
  std::string last_failure_;
  handle_ptr rk_; // last: destroyed first, while the callbacks' state still exists

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    auto* self = static_cast<impl*>(static_cast<client_state*>(opaque));
    self->failures_.fetch_add(1, std::memory_order_relaxed);
    std::string text = std::string(rd_kafka_topic_name(m->rkt)) + "[" +
                       std::to_string(m->partition) + "]: " + rd_kafka_err2str(m->err) + " (" +
                       rd_kafka_err2name(m->err) + ")";
    std::lock_guard<std::mutex> lock(self->report_mu_);
    self->last_failure_ = std::move(text);
  }

  /// The producer's fatal error (idempotence or transaction state lost): it must be
  /// recreated.
  [[nodiscard]] error fatal_error(const std::string& what) const {
    std::array<char, 512> reason{};
    const auto code = rd_kafka_fatal_error(rk_.get(), reason.data(), reason.size());
    return make_error(classify(code) == errc::fenced ? errc::fenced : errc::state,
                      what + ": fatal error, the producer must be recreated: " + reason.data() +
                          " (" + rd_kafka_err2name(code) + ")");
  }

  [[nodiscard]] result<void> require_transactional(std::string_view what) const {
    if (!transactional_)
      return make_error(errc::state,
                        std::string(what) + ": not a transactional producer (no transactional.id)");
    return {};
  }
};

producer::producer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

producer::~producer() {
  if (impl_ && impl_->rk_) {
    // Records still queued get a bounded chance to leave; rd_kafka_destroy fails the rest.
    (void)rd_kafka_flush(impl_->rk_.get(), 5000);
    impl_->rk_.reset();
  }
}

result<std::unique_ptr<producer>> producer::create(const kafka_config& cfg,
                                                   const std::string& transactional_id) {
  std::vector<property> defaults = {
      {"enable.idempotence", "true"},    // no duplicates or reordering on retries
      {"acks", "all"},                   // required by idempotence
      {"partitioner", "murmur2_random"}, // the Java client's key partitioning
      {"linger.ms", "5"},                // batch for up to 5 ms
      {"compression.type", "lz4"},       // cheap, and FlatBuffers compress well
  };
  if (!transactional_id.empty()) defaults.emplace_back("transactional.id", transactional_id);
  auto conf = make_conf(cfg, defaults);
  if (!conf) return conf.error_value();
  auto p = std::make_unique<impl>();
  p->transactional_ = !transactional_id.empty();
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &impl::on_delivery);
  auto rk = make_handle(RD_KAFKA_PRODUCER, std::move(conf.value()), *p);
  if (!rk) return rk.error_value();
  p->rk_ = std::move(rk.value());
  return std::unique_ptr<producer>(new producer(std::move(p)));
}

result<void> producer::send(std::string_view topic, std::int32_t partition, std::string_view key,
                            const std::uint8_t* value, std::size_t size,
                            const std::vector<header>& headers, ms block) {
  const std::string topic_name(topic);
  std::vector<rd_kafka_vu_t> vus(5 + headers.size());
  std::size_t n = 0;
  vus[n].vtype = RD_KAFKA_VTYPE_TOPIC;
  vus[n++].u.cstr = topic_name.c_str();
  vus[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vus[n++].u.i32 = partition < 0 ? RD_KAFKA_PARTITION_UA : partition;
  vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vus[n++].u.i = RD_KAFKA_MSG_F_COPY;
  // An empty key is no key (random partition); a null `value` is a null value (a tombstone
  // on a compacted topic), a non-null one of size 0 an empty value.
  if (!key.empty()) {
    vus[n].vtype = RD_KAFKA_VTYPE_KEY;
    vus[n].u.mem.ptr = const_cast<char*>(key.data());
    vus[n++].u.mem.size = key.size();
  }
  if (value != nullptr) {
    vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
    vus[n].u.mem.ptr = const_cast<std::uint8_t*>(value);
    vus[n++].u.mem.size = size;
  }
  for (const auto& h : headers) {
    vus[n].vtype = RD_KAFKA_VTYPE_HEADER;
    vus[n].u.header.name = h.key.c_str();
    vus[n].u.header.val = h.value.data();
    vus[n++].u.header.size = static_cast<ssize_t>(h.value.size());
  }

  const auto deadline = std::chrono::steady_clock::now() + block;
  for (;;) {
    rd_kafka_error_t* e = rd_kafka_produceva(impl_->rk_.get(), vus.data(), n);
    if (e == nullptr) return {};
    if (rd_kafka_error_code(e) == RD_KAFKA_RESP_ERR__FATAL) {
      rd_kafka_error_destroy(e);
      return impl_->fatal_error("send to " + topic_name);
    }
    if (rd_kafka_error_code(e) != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      return from_error(e, "send to " + topic_name, impl_->transactional_);
    const auto left = std::chrono::duration_cast<ms>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return from_error(e, "send to " + topic_name + " (blocked " + std::to_string(block.count()) +
                               " ms)");
    rd_kafka_error_destroy(e);
    // Serving delivery reports is what frees queue space.
    rd_kafka_poll(impl_->rk_.get(), std::min(to_ms(left), 100));
  }
}

result<void> producer::flush(ms timeout) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk_.get(), to_ms(timeout));
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT)
    return impl_->timeout_error("flush (" + std::to_string(rd_kafka_outq_len(impl_->rk_.get())) +
                                " records and requests still queued)");
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, "flush");
  return {};
}

result<void> producer::learn_topics(const std::vector<std::string>& topics, ms timeout) {
  for (const auto& name : topics) {
    // A topic handle makes the client track the topic; the metadata request fills it in.
    std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> rkt(
        rd_kafka_topic_new(impl_->rk_.get(), name.c_str(), nullptr), &rd_kafka_topic_destroy);
    if (!rkt) return from_code(rd_kafka_last_error(), "topic " + name);
    const rd_kafka_metadata_t* md = nullptr;
    auto err = rd_kafka_metadata(impl_->rk_.get(), 0, rkt.get(), &md, to_ms(timeout));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md != nullptr && md->topic_cnt == 1)
      err = md->topics[0].err; // e.g. the topic does not exist
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return impl_->timeout_error("metadata of " + name);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, "metadata of " + name);
  }
  return {};
}

result<int> producer::group_members(const std::string& group, ms timeout) {
  const rd_kafka_group_list* list = nullptr;
  const auto err = rd_kafka_list_groups(impl_->rk_.get(), group.c_str(), &list, to_ms(timeout));
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return impl_->timeout_error("group " + group);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, "group " + group);
  int members = 0;
  for (int i = 0; list != nullptr && i < list->group_cnt; ++i)
    if (list->groups[i].err == RD_KAFKA_RESP_ERR_NO_ERROR && group == list->groups[i].group)
      members = list->groups[i].member_cnt;
  if (list != nullptr) rd_kafka_group_list_destroy(list);
  return members;
}

void producer::poll() {
  rd_kafka_poll(impl_->rk_.get(), 0);
}

std::uint64_t producer::delivery_failures() const noexcept {
  return impl_->failures_.load(std::memory_order_relaxed);
}

std::string producer::last_delivery_error() const {
  std::lock_guard<std::mutex> lock(impl_->report_mu_);
  return impl_->last_failure_;
}

std::optional<std::string> producer::fatal_error() const {
  std::array<char, 512> reason{};
  const auto code = rd_kafka_fatal_error(impl_->rk_.get(), reason.data(), reason.size());
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::string(reason.data()) + " (" + rd_kafka_err2name(code) + ")";
  return impl_->authentication_lost();
}

std::vector<error> producer::take_errors() {
  return impl_->take_errors();
}

result<void> producer::init_transactions(ms timeout) {
  if (auto r = impl_->require_transactional("init_transactions"); !r) return r;
  if (rd_kafka_error_t* e = rd_kafka_init_transactions(impl_->rk_.get(), to_ms(timeout)))
    return from_error(e, "init_transactions", true);
  return {};
}

result<void> producer::begin_transaction() {
  if (auto r = impl_->require_transactional("begin_transaction"); !r) return r;
  if (rd_kafka_error_t* e = rd_kafka_begin_transaction(impl_->rk_.get()))
    return from_error(e, "begin_transaction", true);
  return {};
}

result<void> producer::send_offsets_to_transaction(const std::vector<topic_partition>& offsets,
                                                   consumer& group_member, ms timeout) {
  if (auto r = impl_->require_transactional("send_offsets_to_transaction"); !r) return r;
  if (offsets.empty()) return {};
  rd_kafka_consumer_group_metadata_t* group =
      rd_kafka_consumer_group_metadata(consumer_handle(*group_member.impl_));
  if (group == nullptr)
    return make_error(errc::state, "send_offsets_to_transaction: the consumer has no group");
  auto list = to_list(offsets);
  rd_kafka_error_t* e =
      rd_kafka_send_offsets_to_transaction(impl_->rk_.get(), list.get(), group, to_ms(timeout));
  rd_kafka_consumer_group_metadata_destroy(group);
  if (e != nullptr) return from_error(e, "send_offsets_to_transaction", true);
  return {};
}

result<void> producer::commit_transaction(ms timeout) {
  if (auto r = impl_->require_transactional("commit_transaction"); !r) return r;
  if (rd_kafka_error_t* e = rd_kafka_commit_transaction(impl_->rk_.get(), to_ms(timeout)))
    return from_error(e, "commit_transaction", true);
  return {};
}

result<void> producer::abort_transaction(ms timeout) {
  if (auto r = impl_->require_transactional("abort_transaction"); !r) return r;
  if (rd_kafka_error_t* e = rd_kafka_abort_transaction(impl_->rk_.get(), to_ms(timeout)))
    return from_error(e, "abort_transaction", true);
  return {};
}

} // namespace aetherial::topics
