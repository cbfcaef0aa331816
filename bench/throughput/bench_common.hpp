#pragma once
// What the throughput and latency benchmarks share: failing with a message, process
// measurements, topic sizes, JSON results and a scratch directory.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace aetherial::bench {

using steady = std::chrono::steady_clock;

/// The program name `fail` prints ("throughput_bench"); set once in main.
void set_program_name(std::string name);
/// Prints "<program>: what" to stderr and exits 1.
[[noreturn]] void fail(const std::string& what);

/// A field of /proc/self/status in MiB ("VmRSS", "VmHWM"); -1 when unreadable.
[[nodiscard]] double status_mib(const std::string& field);
/// Resets the peak resident size (VmHWM) to the current one.
void reset_peak_rss();
/// CPU time (user + system) of this process so far, every thread included.
[[nodiscard]] double cpu_seconds();
[[nodiscard]] double seconds_since(steady::time_point t0);

/// Sum over partitions of (high - low) watermarks of `topic`, and whether any low is > 0.
[[nodiscard]] std::pair<std::int64_t, bool> topic_records(const topics::kafka_config& kc,
                                                          const std::string& topic);

/// Starts the embedded broker (librdkafka's mock cluster, in this process) with the topics of
/// `cat`; fails the program when it cannot.
[[nodiscard]] std::unique_ptr<topics::embedded_broker> start_embedded(const topics::catalog& cat);

/// Appends `record` to the JSON array in `path` (a new array if the file is missing or empty).
void append_json(const std::string& path, const nlohmann::json& record);

/// A fresh directory under the system's temporary directory, removed with its contents.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace aetherial::bench
