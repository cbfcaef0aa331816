#pragma once

#include <functional>
// Private to topics/: the librdkafka plumbing every client shares (configuration, handles,
// error translation, partition lists, records). Never include it outside topics/: it brings
// in rdkafka.h, and no librdkafka type may leave this folder.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topics/kafka.hpp"

namespace aetherial::topics::detail {

/// Owning pointers to librdkafka objects.
struct conf_deleter {
  void operator()(rd_kafka_conf_t* c) const noexcept { rd_kafka_conf_destroy(c); }
};
struct handle_deleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
struct partition_list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
struct queue_deleter {
  void operator()(rd_kafka_queue_t* q) const noexcept { rd_kafka_queue_destroy(q); }
};
using conf_ptr = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;
using handle_ptr = std::unique_ptr<rd_kafka_t, handle_deleter>;
using partition_list_ptr = std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;

/// A librdkafka property and its value.
using property = std::pair<std::string, std::string>;

[[nodiscard]] error make_error(errc code, std::string message);

/// The errc a librdkafka error code belongs to.
[[nodiscard]] errc classify(rd_kafka_resp_err_t err) noexcept;

/// "<what>: <librdkafka's text>", classified.
[[nodiscard]] error from_code(rd_kafka_resp_err_t err, std::string_view what);

/// Translates and destroys a librdkafka error object. The message says whether it is fatal,
/// abortable or retriable; for a `transactional` call a fatal or abortable error is
/// errc::transaction (errc::fenced when a newer instance took over).
[[nodiscard]] error from_error(rd_kafka_error_t* e, std::string_view what,
                               bool transactional = false);

/// Milliseconds for librdkafka's int timeouts (negative clamps to 0).
[[nodiscard]] int to_ms(ms timeout) noexcept;

/// Client-level events of one librdkafka handle (its error callback); the handle's opaque
/// points to it. Owned by the client impl, which outlives its handle.
class client_state {
public:
  virtual ~client_state() = default;

  /// Installs the error callback and this object as the configuration's opaque.
  void install(rd_kafka_conf_t* conf);

  /// Errors reported since the last call, oldest first (bounded; the excess is counted).
  [[nodiscard]] std::vector<error> take_errors();
  /// Records an error for take_errors().
  void note(error e);
  /// A timeout error for `what`, naming the last client-level error seen (a timeout while
  /// every broker is unreachable is errc::connect).
  [[nodiscard]] error timeout_error(std::string_view what);
  /// Set once the brokers refused the client's credentials (SASL authentication failed):
  /// the client keeps retrying with the same credentials, so its owner must recreate it (which
  /// reads them again) or exit. nullopt while authentication has not failed.
  [[nodiscard]] std::optional<std::string> authentication_lost() const;

  static constexpr std::size_t max_kept_errors = 256;

private:
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  mutable std::mutex mu_;
  std::deque<error> errors_;
  std::optional<std::string> auth_lost_;
  std::size_t dropped_ = 0;
  rd_kafka_resp_err_t last_client_err_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string last_client_reason_;
};

/// A configuration holding bootstrap.servers and client.id, then `defaults`, then
/// `cfg.extra` (so a deployment can override any default). Invalid → errc::config.
[[nodiscard]] result<conf_ptr> make_conf(const kafka_config& cfg,
                                         const std::vector<property>& defaults);

/// Creates a client; takes ownership of `conf` on success and on failure.
[[nodiscard]] result<handle_ptr> make_handle(rd_kafka_type_t type, conf_ptr conf);

/// As make_handle, reporting its client-level events to `state` (installed on `conf` first).
[[nodiscard]] result<handle_ptr> make_handle(rd_kafka_type_t type, conf_ptr conf,
                                             client_state& state);

[[nodiscard]] partition_list_ptr to_list(const std::vector<topic_partition>& partitions);
[[nodiscard]] std::vector<topic_partition> from_list(const rd_kafka_topic_partition_list_t* list);

/// The first per-partition error of `list`, if any.
[[nodiscard]] std::optional<error> partition_error(const rd_kafka_topic_partition_list_t* list,
                                                   std::string_view what);

/// Copies a consumed message into a record.
[[nodiscard]] record to_record(const rd_kafka_message_t& m);

/// Called for a partition EOF event (only delivered with enable.partition.eof=true).
/// Called when a partition is read to its end, with the offset the end is at.
using eof_callback =
    std::function<void(const char* topic, std::int32_t partition, std::int64_t offset)>;

/// Polls a consumer handle: waits up to `timeout` for the first record, then takes what is
/// already there without waiting, up to `max`. A partition EOF event goes to `on_eof` (if
/// any) and ends the poll; other errors go to `state`.
[[nodiscard]] std::vector<record> poll_records(rd_kafka_t* rk, client_state& state, std::size_t max,
                                               ms timeout, const eof_callback& on_eof = {});

/// Like poll_records, leaving the records in librdkafka's buffers; each message keeps
/// `client` (which owns `rk`) alive.
[[nodiscard]] std::vector<message> poll_messages(rd_kafka_t* rk, client_state& state,
                                                 const std::shared_ptr<const void>& client,
                                                 std::size_t max, ms timeout,
                                                 const eof_callback& on_eof = {});

/// The librdkafka handle of a consumer group member (for its group metadata).
[[nodiscard]] rd_kafka_t* consumer_handle(const consumer::impl& c) noexcept;

/// Metadata of every topic of the cluster. (Asking for one topic by name would let a
/// broker with auto.create.topics.enable create it.)
class metadata {
public:
  [[nodiscard]] static result<metadata> fetch(rd_kafka_t* rk, client_state& state, ms timeout);
  [[nodiscard]] const rd_kafka_metadata_t& get() const noexcept { return *md_; }

private:
  struct deleter {
    void operator()(const rd_kafka_metadata_t* md) const noexcept { rd_kafka_metadata_destroy(md); }
  };
  explicit metadata(const rd_kafka_metadata_t* md) : md_(md) {}
  std::unique_ptr<const rd_kafka_metadata_t, deleter> md_;
};

} // namespace aetherial::topics::detail
