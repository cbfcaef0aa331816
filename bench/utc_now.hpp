#pragma once
// The wall-clock time a benchmark result records (benchmarks only: agents never read it).

#include <ctime>
#include <string>

namespace aetherial::bench {

/// Now, in UTC, as ISO 8601 ("2026-12-01T10:00:00Z").
inline std::string utc_now() {
  const auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

} // namespace aetherial::bench
