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
  /// Queues `source` on the dead-letter topic with `reason` and its origin in headers.
  [[nodiscard]] virtual result<void> dead_letter(std::string_view dlq_topic,
                                                 const topics::record& source,
                                                 std::string_view reason) = 0;
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
                           std::string_view reason) override {
    return topics::send_dead_letter(producer_, dlq_topic, source, reason);
  }

private:
  topics::producer& producer_;
};

} // namespace aetherial::runtime
