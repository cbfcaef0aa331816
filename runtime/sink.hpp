#pragma once
// Where hosts and supervisors write records: a narrow interface over the Kafka producer, so
// that the actor protocol can be tested without a broker.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "schemas/result.hpp"
#include "topics/kafka.hpp"

namespace aetherial::runtime {

/// Writes records to topics. Implementations are thread-safe: every host of a kind shares one.
class record_sink {
public:
  virtual ~record_sink() = default;
  /// Queues a record (partitioned by `key`).
  [[nodiscard]] virtual result<void> send(std::string_view topic, std::string_view key,
                                          const std::uint8_t* data, std::size_t size) = 0;
  /// Queues the dead-letter copy of `source` (topics::dead_letter_record) on `dlq_topic`.
  [[nodiscard]] virtual result<void> dead_letter(std::string_view dlq_topic,
                                                 const topics::record& source,
                                                 const topics::dead_letter_info& info) = 0;
};

/// record_sink over a topics::producer (which must outlive it).
class producer_sink final : public record_sink {
public:
  explicit producer_sink(topics::producer& p) : producer_(p) {}
  result<void> send(std::string_view topic, std::string_view key, const std::uint8_t* data,
                    std::size_t size) override {
    return producer_.send(topic, -1, key, data, size);
  }
  result<void> dead_letter(std::string_view dlq_topic, const topics::record& source,
                           const topics::dead_letter_info& info) override {
    return topics::send_dead_letter(producer_, dlq_topic, source, info);
  }

private:
  topics::producer& producer_;
};

} // namespace aetherial::runtime
