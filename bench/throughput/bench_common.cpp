#include "bench_common.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

namespace aetherial::bench {

namespace {

std::string& program_name() {
  static std::string name = "bench";
  return name;
}

} // namespace

void set_program_name(std::string name) {
  program_name() = std::move(name);
}

double status_mib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  return -1;
}

void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_name().c_str(), what.c_str());
  std::exit(1);
}

std::pair<std::int64_t, bool> topic_records(const topics::kafka_config& kc,
                                            const std::string& topic) {
  auto rd = topics::reader::create(kc);
  if (!rd) fail("cannot create a reader: " + rd.error_value().message);
  auto parts = rd.value()->partition_count(topic, topics::ms{10000});
  if (!parts) fail("cannot read the partitions of " + topic + ": " + parts.error_value().message);
  std::int64_t n = 0;
  bool truncated = false;
  for (int p = 0; p < parts.value(); ++p) {
    auto w = rd.value()->watermarks(topic, p, topics::ms{10000});
    if (!w) fail("cannot read the watermarks of " + topic + ": " + w.error_value().message);
    n += w->second - w->first;
    truncated = truncated || w->first > 0;
  }
  return {n, truncated};
}

void append_json(const std::string& path, const nlohmann::json& record) {
  auto all = nlohmann::json::array();
  if (std::ifstream in(path); in) {
    try {
      in >> all;
    } catch (const nlohmann::json::exception&) {
      all = nlohmann::json::array();
    }
    if (!all.is_array()) all = nlohmann::json::array({all});
  }
  all.push_back(record);
  if (auto dir = std::filesystem::path(path).parent_path(); !dir.empty())
    std::filesystem::create_directories(dir);
  std::ofstream out(path, std::ios::trunc);
  out << all.dump(2) << "\n";
  if (!out) fail("cannot write " + path);
}

std::unique_ptr<topics::embedded_broker> start_embedded(const topics::catalog& cat) {
  auto b = topics::embedded_broker::start(1);
  if (!b) fail("cannot start the embedded broker: " + b.error_value().message);
  if (auto r = b.value()->create_topics(cat); !r)
    fail("cannot create topics on the embedded broker: " + r.error_value().message);
  return std::move(b.value());
}

temp_dir::temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "aetherial-bench-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) fail("cannot create a temporary directory");
  path_ = tmpl;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

} // namespace aetherial::bench
