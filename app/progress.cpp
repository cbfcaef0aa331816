#include "app/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace aetherial::app {

progress_line::progress_line(std::string label)
    : label_(std::move(label)), tty_(isatty(fileno(stderr)) != 0) {}

progress_line::~progress_line() {
  finish();
}

void progress_line::update(const std::string& phase, std::uint64_t done, std::uint64_t total) {
  if (!tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done != total) return;
  last_ = now;
  drawn_ = true;
  if (total > 0)
    std::fprintf(stderr, "\r\033[K%s: %s  %llu/%llu (%.0f%%)", label_.c_str(), phase.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 100.0 * static_cast<double>(done) / static_cast<double>(total));
  else
    std::fprintf(stderr, "\r\033[K%s: %s  %llu", label_.c_str(), phase.c_str(),
                 static_cast<unsigned long long>(done));
  std::fflush(stderr);
}

void progress_line::finish() {
  if (tty_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

} // namespace aetherial::app
