#pragma once
// A child process for the tests that kill processes: fork/exec with stdout captured.

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace aetherial::test {

/// A running child process; killed (SIGKILL) and reaped on destruction if still running.
class child_process {
public:
  explicit child_process(const std::vector<std::string>& argv, const std::string& log_path = "") {
    // Everything is prepared before fork: the parent has other threads (Kafka clients), so
    // the child may only make async-signal-safe calls until exec.
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int log_fd =
        log_path.empty() ? -1 : ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      if (log_fd >= 0) ::dup2(log_fd, STDERR_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    if (log_fd >= 0) ::close(log_fd);
    ::close(fds[1]);
    out_ = ::fdopen(fds[0], "r");
  }
  ~child_process() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (out_) std::fclose(out_);
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Reads one line of the child's stdout (blocking); false at end of file.
  bool read_line(std::string& line) {
    if (!out_) return false;
    char buf[4096];
    if (!std::fgets(buf, sizeof buf, out_)) return false;
    line = buf;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.pop_back();
    return true;
  }
  void signal(int sig) {
    if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
  }
  /// The exit code if the child has exited (reaping it), or -1 while it runs.
  int poll_exit() {
    if (pid_ <= 0) return -1;
    if (reaped_) return status_;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) != pid_) return -1;
    reaped_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
  }
  /// Waits for exit; returns the exit code (128+signal when killed).
  int wait() {
    if (pid_ <= 0) return -1;
    if (reaped_) return status_;
    int st = 0;
    ::waitpid(pid_, &st, 0);
    reaped_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
  }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  bool reaped_ = false;
  int status_ = -1;
};

/// Runs a command to completion and returns (exit code, stdout).
inline std::pair<int, std::string> run_command(const std::vector<std::string>& argv,
                                               const std::string& log_path = "") {
  child_process c(argv, log_path);
  std::string out, line;
  while (c.read_line(line))
    out += line + "\n";
  return {c.wait(), out};
}

} // namespace aetherial::test
