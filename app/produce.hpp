#pragma once
// `aetherial produce`: JSON lines -> envelopes -> a topic. The pure part converts one line;
// `produce` reads the lines and sends them.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "schemas/json.hpp"

namespace aetherial::app {

/// One line converted: the envelope and its key, or why it was rejected.
struct produced_line {
  bool blank = false;              ///< nothing but white space: skipped, not an error
  std::vector<std::uint8_t> bytes; ///< the envelope, when ok
  std::string key;                 ///< its key (the record key)
  std::string error;               ///< "line N: why", when rejected
  [[nodiscard]] bool ok() const { return !blank && error.empty(); }
};

/// Converts line number `line_number` (from 1) of a JSON lines input; `defaults` fill the
/// header fields the line leaves out.
[[nodiscard]] produced_line convert_line(const std::string& line, std::size_t line_number,
                                         const schemas::json_defaults& defaults);

/// What `produce` needs.
struct produce_options {
  std::string brokers;
  std::map<std::string, std::string> kafka_properties; ///< TLS, SASL and other client settings
  std::string topic_prefix;
  std::string topic; ///< logical topic (e.g. platform.metrics)
  std::string principal = "cli";
  int partitions = 4;
  /// Where messages go (each without its newline); stdout / stderr when empty.
  std::function<void(const std::string&)> print;
  std::function<void(const std::string&)> print_error;
};

/// Sends every line of `in`; 0 when all were sent, 1 when some line was rejected or not
/// delivered, 2 when nothing could be sent (unknown topic, no broker).
[[nodiscard]] int produce(const produce_options& options, std::istream& in);

} // namespace aetherial::app
