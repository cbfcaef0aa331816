#pragma once
// A one-line progress display for long commands (audit, replay, benchmarks): redrawn in
// place on a terminal, silent otherwise.

#include <chrono>
#include <cstdint>
#include <string>

namespace aetherial::app {

/// Draws "label: phase  done/total (pct%)" on stderr when it is a terminal, at most 10
/// times a second. Owned by the command that runs; finish() clears the line.
class progress_line {
public:
  explicit progress_line(std::string label);
  ~progress_line();
  void update(const std::string& phase, std::uint64_t done, std::uint64_t total);
  void finish();

private:
  std::string label_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

} // namespace aetherial::app
