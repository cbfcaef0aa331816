#pragma once
// Kafka clients over librdkafka: producer (idempotent, optionally transactional), consumer
// group member (range assignment, pause/resume, manual commits), a group-less reader
// for recovery and audit, topic administration, dead-letter routing, and the embedded
// broker (librdkafka's in-process mock cluster).
//
// No librdkafka type or error code leaves topics/: errors are aetherial::error with
// module "topics" and a topics::errc code.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemas/result.hpp"
#include "topics/catalog.hpp"

namespace aetherial::topics {

/// Error codes of topics/.
enum class errc : int {
  config = 1,  ///< invalid client configuration (message says which property)
  connect,     ///< brokers unreachable
  timeout,     ///< operation did not finish in time
  broker,      ///< broker returned an error
  queue_full,  ///< producer queue full
  fenced,      ///< transactional producer fenced by a newer instance
  transaction, ///< transaction failed (abortable or fatal, per message)
  state,       ///< call not valid in the client's current state
};

using ms = std::chrono::milliseconds;

/// Client settings shared by every client a process creates.
struct kafka_config {
  std::string brokers;                      ///< bootstrap.servers
  std::string client_id = "aetherial";      ///< client.id
  std::map<std::string, std::string> extra; ///< any librdkafka property, applied last
};

/// A record header.
struct header {
  std::string key;
  std::string value;
};

/// A consumed record (owns its bytes).
struct record {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::int64_t timestamp_ms = 0; ///< Kafka record timestamp
  std::string key;
  std::vector<std::uint8_t> value;
  std::vector<header> headers;
  bool null_value = false; ///< the value was null (a tombstone), not merely empty
};

/// Bytes viewed, not owned.
struct byte_view {
  const std::uint8_t* ptr = nullptr;
  std::size_t len = 0;
  [[nodiscard]] const std::uint8_t* data() const noexcept { return ptr; }
  [[nodiscard]] std::size_t size() const noexcept { return len; }
  [[nodiscard]] bool empty() const noexcept { return len == 0; }
  [[nodiscard]] const std::uint8_t* begin() const noexcept { return ptr; }
  [[nodiscard]] const std::uint8_t* end() const noexcept { return ptr + len; }
};

/// The fields of a consumed record without owning them: of a `record`, or of a `message`
/// still in librdkafka's buffers. Valid while what it views lives.
struct record_view {
  record_view() = default;
  /// Views `r` (implicit: a record can go wherever a view is taken; a view of a temporary
  /// lives no longer than the full expression).
  record_view(const record& r) noexcept; // NOLINT(google-explicit-constructor)

  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::int64_t timestamp_ms = 0;
  std::string_view key;
  byte_view value;
  bool null_value = false;

  /// The record's headers (parsed on demand for a message).
  [[nodiscard]] std::vector<header> headers() const;
  /// The value of the last header named `name` (viewed, not copied); nullopt when there is
  /// none. A header without a value reads as empty.
  [[nodiscard]] std::optional<std::string_view> header_value(std::string_view name) const;
  /// An owned copy.
  [[nodiscard]] record to_record() const;

private:
  friend class message;
  const std::vector<header>* owned_headers_ = nullptr;
  const void* message_ = nullptr; ///< the librdkafka message viewed, if any
};

/// A consumed record left in librdkafka's buffers, not copied (move-only). It keeps its
/// consumer's client alive: the client is destroyed once its last message is.
class message {
public:
  message() = default;
  ~message();
  message(message&& o) noexcept;
  message& operator=(message&& o) noexcept;
  message(const message&) = delete;
  message& operator=(const message&) = delete;

  /// The fields; empty for a default-constructed message.
  [[nodiscard]] const record_view& view() const noexcept { return view_; }
  /// Whether it holds a record (false when default-constructed or moved from).
  [[nodiscard]] bool holds() const noexcept { return msg_ != nullptr; }

  struct access; ///< construction, private to topics/

private:
  void* msg_ = nullptr; ///< the rd_kafka_message_t
  std::shared_ptr<const void> client_;
  record_view view_;
};

/// A topic-partition, with an offset where one is meant (next offset to read or commit).
struct topic_partition {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1001; ///< RD_KAFKA_OFFSET_INVALID: "none"
  friend bool operator<(const topic_partition& a, const topic_partition& b) {
    return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
  }
  friend bool operator==(const topic_partition& a, const topic_partition& b) {
    return a.topic == b.topic && a.partition == b.partition;
  }
};

class consumer;

/// Produces records; idempotent (enable.idempotence=true, acks=all), key partitioning
/// compatible with the Java client (murmur2). Thread-safe for `send`.
class producer {
public:
  /// A non-empty `transactional_id` makes a transactional producer (exactly_once).
  [[nodiscard]] static result<std::unique_ptr<producer>>
  create(const kafka_config& cfg, const std::string& transactional_id = "");
  ~producer();
  producer(const producer&) = delete;
  producer& operator=(const producer&) = delete;

  /// Queues one record (copies the bytes). partition < 0: partition by key.
  /// On a full queue it polls and retries for up to `block` before failing with queue_full.
  result<void> send(std::string_view topic, std::int32_t partition, std::string_view key,
                    const std::uint8_t* value, std::size_t size,
                    const std::vector<header>& headers = {}, ms block = ms{5000});

  /// Waits until every queued record is delivered (or failed) or `timeout` passes.
  result<void> flush(ms timeout);

  /// Learns the partitions and leaders of `topics` now, so that the first record to each is
  /// not held for a metadata round trip (the first checkpoint would otherwise wait for it).
  result<void> learn_topics(const std::vector<std::string>& topics, ms timeout);

  /// The members of consumer group `group` (0 when the group is empty or unknown).
  [[nodiscard]] result<int> group_members(const std::string& group, ms timeout);

  /// Serves delivery reports; call regularly from one thread.
  void poll();

  /// Records whose delivery failed since creation, and the last failure's message.
  [[nodiscard]] std::uint64_t delivery_failures() const noexcept;
  [[nodiscard]] std::string last_delivery_error() const;
  /// Client-level errors (brokers down, fatal idempotence errors) since the last call.
  [[nodiscard]] std::vector<error> take_errors();
  /// Why the producer can never deliver again (a fatal idempotence or transactional state, or
  /// credentials the brokers refused): it must be recreated. nullopt while it can.
  [[nodiscard]] std::optional<std::string> fatal_error() const;

  // Transactions (only for a transactional producer).
  result<void> init_transactions(ms timeout);
  result<void> begin_transaction();
  /// Adds the consumer group's offsets (next offsets to read) to the open transaction.
  result<void> send_offsets_to_transaction(const std::vector<topic_partition>& offsets,
                                           consumer& group_member, ms timeout);
  result<void> commit_transaction(ms timeout);
  result<void> abort_transaction(ms timeout);

  struct impl;

private:
  explicit producer(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// Receives partition assignment changes; called inside consumer::poll on its thread.
class rebalance_listener {
public:
  virtual ~rebalance_listener() = default;
  virtual void on_assigned(const std::vector<topic_partition>& partitions) = 0;
  /// Called before the partitions go away: commit what was processed now.
  virtual void on_revoked(const std::vector<topic_partition>& partitions) = 0;
};

/// A consumer group member: range assignment (eager or cooperative rebalances are both
/// handled if a caller sets another strategy), manual offset commits
/// (enable.auto.commit=false), pause/resume per partition. Use from one thread.
class consumer {
public:
  /// `isolation_read_committed` for exactly_once deployments.
  [[nodiscard]] static result<std::unique_ptr<consumer>>
  create(const kafka_config& cfg, const std::string& group_id, rebalance_listener* listener,
         bool isolation_read_committed = false);
  ~consumer();
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  result<void> subscribe(const std::vector<std::string>& topics);
  /// Returns up to `max` records; waits at most `timeout` for the first one.
  std::vector<record> poll(std::size_t max, ms timeout);
  /// Like `poll`, without copying the records out of librdkafka's buffers.
  std::vector<message> poll_messages(std::size_t max, ms timeout);
  result<void> pause(const std::vector<topic_partition>& partitions);
  result<void> resume(const std::vector<topic_partition>& partitions);
  /// Moves the fetch position of an assigned partition.
  result<void> seek(const topic_partition& position, ms timeout);
  /// Commits offsets (next offset to read) synchronously.
  result<void> commit(const std::vector<topic_partition>& offsets);
  /// Committed offsets of the group for `partitions` (offset -1001 where none).
  [[nodiscard]] result<std::vector<topic_partition>>
  committed(const std::vector<topic_partition>& partitions, ms timeout);
  /// Leaves the group cleanly (revocation callback runs first).
  void close();
  /// Consumer lag per assigned partition, in records (the `offset` field): the high
  /// watermark last seen by the fetcher minus the position delivered to the application.
  /// Uses cached watermarks: no broker round trip.
  [[nodiscard]] std::vector<topic_partition> lag() const;
  /// Errors poll met since the last call (consume, rebalance and client-level errors,
  /// a listener that threw); poll itself never fails.
  [[nodiscard]] std::vector<error> take_errors();
  /// The consumer's fatal error (e.g. fenced by a newer member with its group.instance.id,
  /// or credentials the brokers refused): it will never deliver again and must be replaced.
  /// nullopt while healthy.
  [[nodiscard]] std::optional<std::string> fatal_error() const;

  struct impl;

private:
  explicit consumer(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_; ///< shared with the messages it delivered
  friend class producer;
};

/// Reads assigned topic-partitions without a group (recovery, replay, audit, tail).
class reader {
public:
  [[nodiscard]] static result<std::unique_ptr<reader>> create(const kafka_config& cfg,
                                                              bool read_committed = false);
  ~reader();
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;

  /// Starts reading each partition at its offset (-2 = beginning, -1 = end).
  result<void> assign(const std::vector<topic_partition>& from);
  /// Low and high watermark of a partition.
  [[nodiscard]] result<std::pair<std::int64_t, std::int64_t>>
  watermarks(const std::string& topic, std::int32_t partition, ms timeout);
  /// Number of partitions of a topic (error if it does not exist).
  [[nodiscard]] result<int> partition_count(const std::string& topic, ms timeout);
  std::vector<record> poll(std::size_t max, ms timeout);
  /// Like `poll`, without copying the records out of librdkafka's buffers.
  std::vector<message> poll_messages(std::size_t max, ms timeout);
  /// Fixes the end of every assigned partition where it is now (the high watermark; under
  /// read_committed the last stable offset), for all partitions in one round: at_end() then
  /// means "read up to where the partition ended at this call", whatever is produced later.
  /// Without it, the end is wherever the reader last met the end of the partition.
  result<void> bound_to_current_end(ms timeout);
  /// True when every assigned partition has been read to its end (see
  /// bound_to_current_end): no record is still to come unless more are produced.
  [[nodiscard]] bool at_end() const;
  /// How many assigned partitions are read to their end right now.
  [[nodiscard]] std::size_t partitions_at_end() const;
  /// Errors poll met since the last call; poll itself never fails.
  [[nodiscard]] std::vector<error> take_errors();

  struct impl;

private:
  explicit reader(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_; ///< shared with the messages it delivered
};

/// Waits until every transaction that had records on `partitions` (offsets ignored) at the
/// call has ended: until each one's last stable offset reaches the high watermark it had at
/// the call. A transaction's commit returns before its markers reach every partition it wrote
/// to, so a read_committed reader that starts right after may stop short of it on some of
/// them; after this call it sees every transaction that committed before the call. Times out
/// while such a transaction stays open (one a dead producer left is aborted only after its
/// transaction.timeout.ms).
[[nodiscard]] result<void> wait_until_stable(const kafka_config& cfg,
                                             const std::vector<topic_partition>& partitions,
                                             ms timeout);

/// Creates the catalog's missing topics through the Admin API (real brokers).
result<void> ensure_topics(const kafka_config& cfg, const catalog& cat, ms timeout);

/// Names of the topics the cluster has.
[[nodiscard]] result<std::vector<std::string>> list_topics(const kafka_config& cfg, ms timeout);

/// One member of a consumer group, as the group coordinator describes it.
struct group_member {
  std::string member_id;
  std::string instance_id; ///< group.instance.id (static membership), empty if none
  std::string client_id;
  std::string host;
  std::vector<topic_partition> assignment;
};

/// A consumer group as its coordinator describes it (DescribeGroups).
struct group_description {
  std::string group;
  std::string state; ///< Stable, PreparingRebalance, CompletingRebalance, Empty, Dead, Unknown
  std::string assignor;
  std::vector<group_member> members;
};

/// Describes one consumer group (a group nobody joined is `Dead` with no members).
[[nodiscard]] result<group_description> describe_group(const kafka_config& cfg,
                                                       const std::string& group, ms timeout);

/// How far a group has consumed one partition.
struct partition_progress {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t committed = -1001; ///< the group's committed offset (-1001: none)
  std::int64_t start = 0;         ///< low watermark
  std::int64_t end = 0;           ///< end of the log: the last stable offset (read_committed)
  /// Records after the committed offset (from the start if none was committed).
  [[nodiscard]] std::int64_t lag() const noexcept {
    const auto from = committed >= 0 ? committed : start;
    return end > from ? end - from : 0;
  }
};

/// The committed offsets of `group` and the watermarks of every partition of `topics`, from
/// the brokers alone (OffsetFetch and ListOffsets; the group need not be running).
[[nodiscard]] result<std::vector<partition_progress>>
group_progress(const kafka_config& cfg, const std::string& group,
               const std::vector<std::string>& topics, ms timeout);

// Dead-letter headers.
inline constexpr std::string_view dlq_reason_header = "aetherial.dlq.reason";
inline constexpr std::string_view dlq_agent_header = "aetherial.dlq.agent";
inline constexpr std::string_view dlq_topic_header = "aetherial.dlq.source.topic";
inline constexpr std::string_view dlq_partition_header = "aetherial.dlq.source.partition";
inline constexpr std::string_view dlq_offset_header = "aetherial.dlq.source.offset";
/// Present when the copy was cut to fit: the original value's size and SHA-256 (hex), and
/// how many of the source's headers were left out ("0" when none).
inline constexpr std::string_view dlq_original_size_header = "aetherial.dlq.original.size";
inline constexpr std::string_view dlq_original_sha256_header = "aetherial.dlq.original.sha256";
inline constexpr std::string_view dlq_dropped_headers_header = "aetherial.dlq.headers.dropped";

/// Why and by whom a record is dead-lettered, and how large its copy may be.
struct dead_letter_info {
  std::string_view reason;
  std::string_view agent;          ///< the consuming agent kind ("" for none)
  std::size_t max_bytes = 1000000; ///< key + value + headers of the copy, at most
};

/// The dead-letter copy of `source`: its key, value and headers with the reason, agent and
/// origin added. A copy that would not fit `info.max_bytes` is cut (long reason and key
/// shortened, source headers left out, the value truncated) and says so in headers with
/// the original size and digest: a dead letter is never lost for its size.
[[nodiscard]] record dead_letter_record(const record& source, const dead_letter_info& info);

/// Queues dead_letter_record(source, info) on `dlq_topic`.
result<void> send_dead_letter(producer& p, std::string_view dlq_topic, const record& source,
                              const dead_letter_info& info);

/// The embedded broker: librdkafka's in-process mock cluster. In memory only: it keeps
/// nothing across restarts. Its limits: no Admin CreateTopics, no real transactions, about
/// 5 MiB per partition (older data silently dropped).
class embedded_broker {
public:
  /// Starts `brokers` in-process brokers on loopback ports the OS chooses (see bootstrap()).
  [[nodiscard]] static result<std::unique_ptr<embedded_broker>> start(int brokers = 1);
  ~embedded_broker();
  embedded_broker(const embedded_broker&) = delete;
  embedded_broker& operator=(const embedded_broker&) = delete;

  /// host:port list clients (and kcat) connect to.
  [[nodiscard]] std::string bootstrap() const;
  result<void> create_topic(const std::string& name, int partitions, int replication_factor = 1);
  /// Creates every topic of the catalog.
  result<void> create_topics(const catalog& cat);

  struct impl;

private:
  explicit embedded_broker(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace aetherial::topics
