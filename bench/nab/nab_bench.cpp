// nab_bench: runs the anomaly detector over NAB-format CSVs, writes NAB result files, and
// scores result files with NAB's rules (bench/nab/README.md).
//
//   nab_bench run   [--data DIR] [--out DIR] [--detector NAME] [--set key=value]...
//   nab_bench score --results DIR/<detector> [--windows FILE] [--profiles FILE]

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "actors/anomaly/detector.hpp"
#include "bench/nab/nab_scoring.hpp"

namespace fs = std::filesystem;
namespace nab = aetherial::bench::nab;
namespace anomaly = aetherial::actors::anomaly;

namespace {

struct options {
  std::string data;
  std::string windows;
  std::string profiles;
  std::string out = "nab-results";
  std::string results;
  std::string detector = "aetherial";
  std::string json;
  std::string trace;
  std::vector<std::string> settings;
  std::size_t limit = 0;
  bool fixed_warmup = false;
  bool no_write = false;
  bool per_file = false;
};

std::string default_data_dir() {
  return (fs::path(AETHERIAL_SOURCE_DIR) / "bench" / "nab" / "data" / "data")
      .lexically_normal()
      .string();
}

/// Applies "key=value" to a detector config; false for an unknown key or a bad number.
bool apply_setting(anomaly::detector_config& c, const std::string& kv, bool& fixed_warmup) {
  const auto eq = kv.find('=');
  if (eq == std::string::npos) return false;
  const std::string key = kv.substr(0, eq);
  double v = 0.0;
  try {
    v = std::stod(kv.substr(eq + 1));
  } catch (...) {
    return false;
  }
  const auto u = static_cast<std::uint32_t>(std::max(0.0, v));
  static const std::map<std::string, anomaly::statistic> weights = {
      {"w.high", anomaly::statistic::high},     {"w.low", anomaly::statistic::low},
      {"w.jump", anomaly::statistic::jump},     {"w.level", anomaly::statistic::level},
      {"w.spread", anomaly::statistic::spread}, {"w.daily", anomaly::statistic::daily},
      {"w.weekly", anomaly::statistic::weekly}, {"w.shape", anomaly::statistic::shape}};
  if (const auto it = weights.find(key); it != weights.end()) {
    c.weights.resize(anomaly::statistic_count, 1.0);
    c.weights[static_cast<std::size_t>(it->second)] = v;
  } else if (key == "warmup_points") {
    c.warmup_points = u;
    fixed_warmup = true;
  } else if (key == "history") {
    c.history = u;
  } else if (key == "tail_quantile") {
    c.tail_quantile = v;
  } else if (key == "tail_shape") {
    c.tail_shape = v;
  } else if (key == "body_quantile") {
    c.body_quantile = v;
  } else if (key == "min_history") {
    c.min_history = u;
  } else if (key == "short_window") {
    c.short_window = u;
  } else if (key == "long_window") {
    c.long_window = u;
  } else if (key == "profile_alpha") {
    c.profile_alpha = v;
  } else if (key == "profile_min_periods") {
    c.profile_min_periods = u;
  } else if (key == "shape_length") {
    c.shape_length = u;
  } else if (key == "shape_history") {
    c.shape_history = u;
  } else if (key == "rearm_ratio") {
    c.rearm_ratio = v;
  } else if (key == "rearm_decay") {
    c.rearm_decay = v;
  } else if (key == "score_half") {
    c.score_half = v;
  } else if (key == "max_surprise") {
    c.max_surprise = v;
  } else {
    return false;
  }
  return true;
}

/// Every CSV under `dir`, as (category/name.csv, path), sorted.
std::vector<std::pair<std::string, fs::path>> list_csvs(const fs::path& dir) {
  std::vector<std::pair<std::string, fs::path>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".csv") continue;
    out.emplace_back(fs::relative(e.path(), dir).generic_string(), e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string format_time(std::int64_t s) {
  const std::int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  const std::int64_t sec = s - days * 86400;
  // civil_from_days (H. Hinnant).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld", static_cast<long long>(y),
                m, d, static_cast<long long>(sec / 3600), static_cast<long long>(sec / 60 % 60),
                static_cast<long long>(sec % 60));
  return buf;
}

/// The score as written to a result file, so in-memory scoring equals scoring the files.
double written(double score, char* buf, std::size_t n) {
  std::snprintf(buf, n, "%.9g", score);
  return std::strtod(buf, nullptr);
}

bool in_window(const std::vector<nab::window>& ws, std::int64_t t) {
  for (const auto& w : ws)
    if (t >= w.start_s && t <= w.end_s) return true;
  return false;
}

nlohmann::json report(const std::string& detector, const std::vector<nab::profile_result>& rs,
                      std::size_t files, bool per_file) {
  nlohmann::json j;
  j["detector"] = detector;
  j["files"] = files;
  for (const auto& r : rs) {
    auto& p = j["profiles"][r.profile];
    p["score"] = r.normalized;
    p["threshold"] = r.threshold;
    p["raw"] = r.raw;
    p["null"] = r.null_score;
    p["perfect"] = r.perfect_score;
    p["windows"] = r.windows;
    p["detected"] = r.detected;
    p["false_positives"] = r.false_positives;
    if (per_file)
      for (const auto& f : r.files)
        p["per_file"][f.key] = {{"raw", f.raw},
                                {"windows", f.windows},
                                {"detected", f.detected},
                                {"false_positives", f.false_positives}};
  }
  return j;
}

void print(const std::string& detector, const std::vector<nab::profile_result>& rs, bool per_file) {
  std::printf("%-22s %8s %10s %9s %9s %9s %6s\n", "profile", "score", "threshold", "raw", "null",
              "perfect", "TP/W,FP");
  for (const auto& r : rs)
    std::printf("%-22s %8.2f %10.6f %9.3f %9.3f %9.3f %d/%d,%d\n", r.profile.c_str(), r.normalized,
                r.threshold, r.raw, r.null_score, r.perfect_score, r.detected, r.windows,
                r.false_positives);
  if (per_file && !rs.empty())
    for (const auto& f : rs.front().files)
      std::printf("  %-58s %7.3f  %d/%d windows, %d FP\n", f.key.c_str(), f.raw, f.detected,
                  f.windows, f.false_positives);
  std::printf("(%s)\n", detector.c_str());
}

int finish(const options& o, const std::vector<nab::scored_series>& corpus,
           const nab::window_map& windows, const std::vector<nab::profile>& profiles,
           const std::string& json_path) {
  std::vector<nab::profile_result> rs;
  for (const auto& p : profiles)
    rs.push_back(nab::score_corpus(corpus, windows, p));
  print(o.detector, rs, o.per_file);
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << report(o.detector, rs, corpus.size(), o.per_file).dump(2) << "\n";
    if (!out) {
      std::cerr << "cannot write " << json_path << "\n";
      return 1;
    }
    std::printf("summary: %s\n", json_path.c_str());
  }
  return 0;
}

/// The label windows and the scoring profiles: the files `o` names, by default the ones beside
/// the data directory `data`; nullopt (after saying why) when one cannot be read.
std::optional<std::pair<nab::window_map, std::vector<nab::profile>>>
read_labels(options& o, const fs::path& data) {
  if (o.windows.empty()) o.windows = (data / ".." / "combined_windows.json").string();
  if (o.profiles.empty()) o.profiles = (data / ".." / "profiles.json").string();
  std::string error;
  auto windows = nab::read_windows(o.windows, error);
  if (!windows) return std::cerr << error << "\n", std::nullopt;
  auto profiles = nab::read_profiles(o.profiles, error);
  if (!profiles) return std::cerr << error << "\n", std::nullopt;
  return std::make_pair(std::move(*windows), std::move(*profiles));
}

int run(options o) {
  if (o.data.empty()) o.data = default_data_dir();
  const fs::path data(o.data);
  const auto labels = read_labels(o, data);
  if (!labels) return 1;
  const auto& [windows, profiles] = *labels;
  std::string error;

  anomaly::detector_config base;
  bool fixed_warmup = false;
  for (const auto& kv : o.settings)
    if (!apply_setting(base, kv, fixed_warmup)) return std::cerr << "bad --set " << kv << "\n", 1;

  auto files = list_csvs(data);
  if (o.limit > 0 && files.size() > o.limit) files.resize(o.limit);
  if (files.empty()) return std::cerr << "no CSV under " << o.data << "\n", 1;
  const bool tty = isatty(STDERR_FILENO) == 1;
  const auto started = std::chrono::steady_clock::now();
  std::size_t rows = 0;
  std::vector<nab::scored_series> corpus;
  char buf[64];
  for (std::size_t f = 0; f < files.size(); ++f) {
    const auto& [key, path] = files[f];
    if (tty) std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", f + 1, files.size(), key.c_str());
    auto s = nab::read_series(path.string(), error);
    if (!s) return std::cerr << "\n" << error << "\n", 1;
    s->key = key;
    auto config = base;
    if (!fixed_warmup && !o.fixed_warmup)
      config.warmup_points = static_cast<std::uint32_t>(
          std::min(std::floor(0.15 * static_cast<double>(s->times_s.size())), 750.0));
    anomaly::detector d(config);
    std::ofstream trace;
    if (!o.trace.empty()) {
      const fs::path t = fs::path(o.trace) / key;
      fs::create_directories(t.parent_path());
      trace.open(t);
      trace << "i,surprise,cause,score\n";
    }
    for (std::size_t i = 0; i < s->times_s.size(); ++i) {
      s->scores[i] = written(d.score(s->times_s[i] * 1000, s->values[i]), buf, sizeof buf);
      if (trace.is_open())
        trace << i << ',' << d.last_surprise() << ',' << static_cast<int>(d.last_cause()) << ','
              << s->scores[i] << '\n';
    }
    rows += s->times_s.size();
    if (!o.no_write) {
      const fs::path rel(key);
      const fs::path dir = fs::path(o.out) / o.detector / rel.parent_path();
      fs::create_directories(dir);
      const fs::path file = dir / (o.detector + "_" + rel.filename().string());
      std::ofstream out(file);
      out << "timestamp,value,anomaly_score,label\n";
      const auto it = windows.find(key);
      static const std::vector<nab::window> none;
      const auto& ws = it == windows.end() ? none : it->second;
      for (std::size_t i = 0; i < s->times_s.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%.10g", s->values[i]);
        out << format_time(s->times_s[i]) << ',' << buf << ',';
        std::snprintf(buf, sizeof buf, "%.9g", s->scores[i]);
        out << buf << ',' << (in_window(ws, s->times_s[i]) ? 1 : 0) << '\n';
      }
      if (!out) return std::cerr << "\ncannot write " << file << "\n", 1;
    }
    corpus.push_back(std::move(*s));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (tty) std::fprintf(stderr, "\r\033[K");
  std::printf("%zu files, %zu rows in %.2f s (%.0f rows/s)%s%s\n", files.size(), rows, seconds,
              static_cast<double>(rows) / std::max(seconds, 1e-9),
              o.no_write ? "" : ", results in ",
              o.no_write ? "" : (fs::path(o.out) / o.detector).string().c_str());
  std::string json = o.json;
  if (json.empty() && !o.no_write)
    json = (fs::path(o.out) / (o.detector + "_scores.json")).string();
  return finish(o, corpus, windows, profiles, json);
}

int score(options o) {
  const fs::path results(o.results);
  if (!fs::is_directory(results)) return std::cerr << "no directory " << o.results << "\n", 1;
  o.detector = results.filename().string();
  if (o.detector.empty()) o.detector = results.parent_path().filename().string();
  const fs::path data = o.data.empty() ? fs::path(default_data_dir()) : fs::path(o.data);
  const auto labels = read_labels(o, data);
  if (!labels) return 1;
  const auto& [windows, profiles] = *labels;
  std::string error;
  std::vector<nab::scored_series> corpus;
  const std::string prefix = o.detector + "_";
  for (const auto& [rel, path] : list_csvs(results)) {
    fs::path r(rel);
    std::string name = r.filename().string();
    if (name.rfind(prefix, 0) != 0) continue; // e.g. NAB's own *_scores.csv
    auto s = nab::read_series(path.string(), error);
    if (!s) return std::cerr << error << "\n", 1;
    s->key = (r.parent_path() / name.substr(prefix.size())).generic_string();
    if (windows.find(s->key) == windows.end())
      std::cerr << "warning: no labels for " << s->key << "\n";
    corpus.push_back(std::move(*s));
  }
  if (corpus.empty()) return std::cerr << "no result files under " << o.results << "\n", 1;
  return finish(o, corpus, windows, profiles, o.json);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"NAB: run the Aetherial anomaly detector and score results with NAB's rules"};
  app.require_subcommand(1);
  options o;
  auto* r = app.add_subcommand("run", "run the detector over NAB CSVs, write and score results");
  r->add_option("--data", o.data,
                "folder of NAB data CSVs (default bench/nab/data/data in the source tree)");
  r->add_option("--out", o.out, "folder for result files")->capture_default_str();
  r->add_option("--detector", o.detector, "detector name in result paths")->capture_default_str();
  r->add_option("--set", o.settings, "detector setting key=value (repeatable)");
  r->add_option("--trace", o.trace, "write each point's surprise and cause under this folder");
  r->add_option("--limit", o.limit, "only the first N files (sorted)");
  r->add_flag("--fixed-warmup", o.fixed_warmup,
              "keep the configured warm-up instead of NAB's probationary length per file");
  r->add_flag("--no-write", o.no_write, "score in memory without writing result files");
  auto* s = app.add_subcommand("score", "score a folder of NAB result files");
  s->add_option("--results", o.results, "results folder of one detector")->required();
  s->add_option("--data", o.data, "data folder whose parent holds the labels");
  for (auto* c : {r, s}) {
    c->add_option("--windows", o.windows, "combined_windows.json (default beside the data)");
    c->add_option("--profiles", o.profiles, "profiles.json (default beside the data)");
    c->add_option("--json", o.json, "write the summary as JSON here");
    c->add_flag("--per-file", o.per_file, "print the standard profile per file");
  }
  CLI11_PARSE(app, argc, argv);
  try {
    return r->parsed() ? run(o) : score(o);
  } catch (const std::exception& e) {
    std::cerr << "nab_bench: " << e.what() << "\n";
    return 1;
  }
}
