#pragma once
// Helpers of the storage tests: temporary directories and readable failure messages.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace aetherial::storage::test {

/// A fresh temporary directory; owned by the test that creates it, removed by its destructor.
class temp_dir {
public:
  temp_dir() {
    std::string tmpl = "/tmp/aetherial-storage-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// A path inside the directory, e.g. the RocksDB directory of one store.
  [[nodiscard]] std::string sub(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

/// The error text of a failed result, or "ok"; safe to evaluate whether or not it failed.
template <class Result> std::string describe(const Result& r) {
  return r.has_value() ? std::string("ok") : r.error_value().to_string();
}

} // namespace aetherial::storage::test
