#include "topics/rdkafka_bridge.hpp"

#include <algorithm>
#include <array>

namespace aetherial::topics::detail {

error make_error(errc code, std::string message) {
  return error{"topics", static_cast<int>(code), std::move(message)};
}

errc classify(rd_kafka_resp_err_t err) noexcept {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT: return errc::timeout;
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION: return errc::connect;
    case RD_KAFKA_RESP_ERR__QUEUE_FULL: return errc::queue_full;
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH: return errc::fenced;
    case RD_KAFKA_RESP_ERR__STATE:
    case RD_KAFKA_RESP_ERR__NOT_CONFIGURED:
    case RD_KAFKA_RESP_ERR__PREV_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__DESTROY: return errc::state;
    case RD_KAFKA_RESP_ERR__INVALID_TYPE:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE: return errc::config;
    default: return errc::broker;
  }
}

error from_code(rd_kafka_resp_err_t err, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += rd_kafka_err2str(err);
  msg += " (";
  msg += rd_kafka_err2name(err);
  msg += ")";
  return make_error(classify(err), std::move(msg));
}

error from_error(rd_kafka_error_t* e, std::string_view what, bool transactional) {
  const rd_kafka_resp_err_t code = rd_kafka_error_code(e);
  std::string msg(what);
  msg += ": ";
  errc kind = classify(code);
  if (rd_kafka_error_is_fatal(e)) {
    msg += "fatal error, the producer must be recreated: ";
    if (transactional && kind != errc::fenced) kind = errc::transaction;
  } else if (rd_kafka_error_txn_requires_abort(e)) {
    msg += "abortable error, call abort_transaction() and start a new transaction: ";
    kind = errc::transaction;
  } else if (rd_kafka_error_is_retriable(e)) {
    msg += "retriable error, the call may be repeated: ";
  }
  msg += rd_kafka_error_string(e);
  msg += " (";
  msg += rd_kafka_error_name(e);
  msg += ")";
  rd_kafka_error_destroy(e);
  return make_error(kind, std::move(msg));
}

int to_ms(ms timeout) noexcept {
  const auto n = std::max<ms::rep>(0, timeout.count());
  return static_cast<int>(std::min<ms::rep>(n, 0x7fffffff));
}

void client_state::install(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_error_cb(conf, &client_state::on_error);
}

void client_state::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<client_state*>(opaque);
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  std::string text = reason != nullptr ? reason : "";
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    std::array<char, 512> buf{};
    code = rd_kafka_fatal_error(rk, buf.data(), buf.size());
    text = std::string("fatal: ") + buf.data();
  }
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    self->last_client_err_ = code;
    self->last_client_reason_ = text;
    if (code == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
        code == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED)
      self->auth_lost_ = "authentication failed: " + text;
  }
  self->note(make_error(classify(code), text + " (" + rd_kafka_err2name(code) + ")"));
}

std::optional<std::string> client_state::authentication_lost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return auth_lost_;
}

void client_state::note(error e) {
  std::lock_guard<std::mutex> lock(mu_);
  if (errors_.size() == max_kept_errors) {
    errors_.pop_front();
    ++dropped_;
  }
  errors_.push_back(std::move(e));
}

std::vector<error> client_state::take_errors() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<error> out;
  out.reserve(errors_.size() + 1);
  if (dropped_ > 0) {
    out.push_back(make_error(errc::state, std::to_string(dropped_) + " earlier errors dropped"));
    dropped_ = 0;
  }
  for (auto& e : errors_)
    out.push_back(std::move(e));
  errors_.clear();
  return out;
}

error client_state::timeout_error(std::string_view what) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string msg(what);
  msg += ": timed out";
  if (last_client_err_ == RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_error(errc::timeout, std::move(msg));
  msg += " (last client error: " + last_client_reason_ + ")";
  const bool unreachable = classify(last_client_err_) == errc::connect;
  return make_error(unreachable ? errc::connect : errc::timeout, std::move(msg));
}

result<conf_ptr> make_conf(const kafka_config& cfg, const std::vector<property>& defaults) {
  conf_ptr conf(rd_kafka_conf_new());
  std::array<char, 512> errstr{};
  auto set = [&](const std::string& key, const std::string& value) -> result<void> {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr.data(), errstr.size()) !=
        RD_KAFKA_CONF_OK)
      return make_error(errc::config,
                        "property " + key + "=" + value + ": " + std::string(errstr.data()));
    return {};
  };
  std::vector<property> all;
  if (!cfg.brokers.empty()) all.emplace_back("bootstrap.servers", cfg.brokers);
  if (!cfg.client_id.empty()) all.emplace_back("client.id", cfg.client_id);
  all.insert(all.end(), defaults.begin(), defaults.end());
  all.insert(all.end(), cfg.extra.begin(), cfg.extra.end());
  for (const auto& [key, value] : all)
    if (auto r = set(key, value); !r) return r.error_value();
  return conf;
}

result<handle_ptr> make_handle(rd_kafka_type_t type, conf_ptr conf) {
  std::array<char, 512> errstr{};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr.data(), errstr.size());
  if (rk == nullptr)
    return make_error(errc::config, std::string("invalid configuration: ") + errstr.data());
  conf.release(); // rd_kafka_new owns it now
  return handle_ptr(rk);
}

result<handle_ptr> make_handle(rd_kafka_type_t type, conf_ptr conf, client_state& state) {
  state.install(conf.get());
  return make_handle(type, std::move(conf));
}

partition_list_ptr to_list(const std::vector<topic_partition>& partitions) {
  partition_list_ptr list(rd_kafka_topic_partition_list_new(
      static_cast<int>(std::max<std::size_t>(1, partitions.size()))));
  for (const auto& tp : partitions)
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
        tp.offset;
  return list;
}

std::vector<topic_partition> from_list(const rd_kafka_topic_partition_list_t* list) {
  std::vector<topic_partition> out;
  if (list == nullptr) return out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    out.push_back(topic_partition{e.topic, e.partition, e.offset});
  }
  return out;
}

std::optional<error> partition_error(const rd_kafka_topic_partition_list_t* list,
                                     std::string_view what) {
  for (int i = 0; i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return from_code(e.err,
                       std::string(what) + " " + e.topic + "[" + std::to_string(e.partition) + "]");
  }
  return std::nullopt;
}

record to_record(const rd_kafka_message_t& m) {
  record r;
  r.topic = rd_kafka_topic_name(m.rkt);
  r.partition = m.partition;
  r.offset = m.offset;
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  r.timestamp_ms = rd_kafka_message_timestamp(&m, &type);
  if (m.key != nullptr) r.key.assign(static_cast<const char*>(m.key), m.key_len);
  r.null_value = m.payload == nullptr;
  if (m.payload != nullptr) {
    const auto* p = static_cast<const std::uint8_t*>(m.payload);
    r.value.assign(p, p + m.len);
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i)
      r.headers.push_back(
          header{name, value != nullptr ? std::string(static_cast<const char*>(value), size) : ""});
  }
  return r;
}

/// Polls `rk` as poll_records describes, handing each good message to `take` (which owns it
/// from then on).
template <class Take>
void poll_each(rd_kafka_t* rk, client_state& state, std::size_t max, ms timeout,
               const eof_callback& on_eof, Take&& take) {
  using clock = std::chrono::steady_clock;
  if (max == 0) return;
  const auto deadline = clock::now() + timeout;
  for (std::size_t taken = 0; taken < max;) {
    // Only the first record is waited for; the rest is whatever is already fetched.
    int wait = 0;
    if (taken == 0) wait = to_ms(std::chrono::duration_cast<ms>(deadline - clock::now()));
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, wait);
    if (m == nullptr) {
      if (taken > 0 || wait == 0) break;
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      take(m);
      ++taken;
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (on_eof && m->rkt != nullptr) on_eof(rd_kafka_topic_name(m->rkt), m->partition, m->offset);
      // The caller may be done now (every partition at its end): no waiting out the timeout.
      rd_kafka_message_destroy(m);
      break;
    } else {
      std::string what = "consume";
      if (m->rkt != nullptr)
        what += std::string(" ") + rd_kafka_topic_name(m->rkt) + "[" +
                std::to_string(m->partition) + "]";
      what += ": " + std::string(rd_kafka_message_errstr(m));
      state.note(make_error(classify(m->err), what + " (" + rd_kafka_err2name(m->err) + ")"));
    }
    rd_kafka_message_destroy(m);
  }
}

} // namespace aetherial::topics::detail

namespace aetherial::topics {

struct message::access {
  static message make(rd_kafka_message_t* m, std::shared_ptr<const void> client) {
    message out;
    out.msg_ = m;
    out.client_ = std::move(client);
    auto& v = out.view_;
    v.topic = rd_kafka_topic_name(m->rkt);
    v.partition = m->partition;
    v.offset = m->offset;
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    v.timestamp_ms = rd_kafka_message_timestamp(m, &type);
    if (m->key != nullptr) v.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
    v.null_value = m->payload == nullptr;
    if (m->payload != nullptr)
      v.value = byte_view{static_cast<const std::uint8_t*>(m->payload), m->len};
    v.message_ = m;
    return out;
  }
};

message::~message() {
  if (msg_ != nullptr) rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(msg_));
}

message::message(message&& o) noexcept
    : msg_(std::exchange(o.msg_, nullptr)), client_(std::move(o.client_)), view_(o.view_) {
  o.view_ = record_view();
}

message& message::operator=(message&& o) noexcept {
  if (this == &o) return *this;
  if (msg_ != nullptr) rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(msg_));
  msg_ = std::exchange(o.msg_, nullptr);
  client_ = std::move(o.client_); // after the message: the client outlives it
  view_ = o.view_;
  o.view_ = record_view();
  return *this;
}

record_view::record_view(const record& r) noexcept
    : topic(r.topic), partition(r.partition), offset(r.offset), timestamp_ms(r.timestamp_ms),
      key(r.key), value{r.value.data(), r.value.size()}, null_value(r.null_value),
      owned_headers_(&r.headers) {}

std::vector<header> record_view::headers() const {
  if (owned_headers_ != nullptr) return *owned_headers_;
  std::vector<header> out;
  if (message_ == nullptr) return out;
  rd_kafka_headers_t* hs = nullptr;
  const auto* m = static_cast<const rd_kafka_message_t*>(message_);
  if (rd_kafka_message_headers(m, &hs) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name = nullptr;
  const void* bytes = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(hs, i, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
    out.push_back(
        header{name, bytes != nullptr ? std::string(static_cast<const char*>(bytes), size) : ""});
  return out;
}

std::optional<std::string_view> record_view::header_value(std::string_view name) const {
  if (owned_headers_ != nullptr) {
    for (auto it = owned_headers_->rbegin(); it != owned_headers_->rend(); ++it)
      if (it->key == name) return std::string_view(it->value);
    return std::nullopt;
  }
  if (message_ == nullptr) return std::nullopt;
  rd_kafka_headers_t* hs = nullptr;
  const auto* m = static_cast<const rd_kafka_message_t*>(message_);
  if (rd_kafka_message_headers(m, &hs) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  // rd_kafka_header_get_last takes a C string.
  const std::string wanted(name);
  const void* bytes = nullptr;
  std::size_t size = 0;
  if (rd_kafka_header_get_last(hs, wanted.c_str(), &bytes, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  if (bytes == nullptr) return std::string_view();
  return std::string_view(static_cast<const char*>(bytes), size);
}

record record_view::to_record() const {
  record r;
  r.topic = std::string(topic);
  r.partition = partition;
  r.offset = offset;
  r.timestamp_ms = timestamp_ms;
  r.key = std::string(key);
  r.value.assign(value.begin(), value.end());
  r.headers = headers();
  r.null_value = null_value;
  return r;
}

} // namespace aetherial::topics

namespace aetherial::topics::detail {

std::vector<record> poll_records(rd_kafka_t* rk, client_state& state, std::size_t max, ms timeout,
                                 const eof_callback& on_eof) {
  std::vector<record> out;
  out.reserve(std::min<std::size_t>(max, 1024));
  poll_each(rk, state, max, timeout, on_eof, [&](rd_kafka_message_t* m) {
    out.push_back(to_record(*m));
    rd_kafka_message_destroy(m);
  });
  return out;
}

std::vector<message> poll_messages(rd_kafka_t* rk, client_state& state,
                                   const std::shared_ptr<const void>& client, std::size_t max,
                                   ms timeout, const eof_callback& on_eof) {
  std::vector<message> out;
  out.reserve(std::min<std::size_t>(max, 1024));
  poll_each(rk, state, max, timeout, on_eof,
            [&](rd_kafka_message_t* m) { out.push_back(message::access::make(m, client)); });
  return out;
}

result<metadata> metadata::fetch(rd_kafka_t* rk, client_state& state, ms timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, to_ms(timeout));
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) return state.timeout_error("metadata");
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return from_code(err, "metadata");
  return metadata(md);
}

} // namespace aetherial::topics::detail
