#include "bench/nab/nab_scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace aetherial::bench::nab {

namespace {

/// Days from 1970-01-01 to a civil date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// One scored row of the sweep: its anomaly score, its NAB weight if detected, and the
/// window it lies in (-1 outside every window).
struct sweep_point {
  double score;
  double weight;
  int window;
};

/// NAB's sweeper.calcSweepScore for one file; windows get ids from `next_window`.
void sweep_points(const scored_series& s, const std::vector<window>& windows, const profile& p,
                  double probation_percent, int& next_window, std::vector<sweep_point>& out,
                  std::vector<int>& file_of_window, int file_index) {
  const std::size_t n = s.times_s.size();
  const double probation =
      std::min(std::floor(probation_percent * static_cast<double>(n)), probation_percent * 5000);
  const double max_tp = scaled_sigmoid(-1.0);

  // Window edges as row indices: first row at or after the start, last at or before the end.
  struct span {
    std::size_t left;
    std::size_t right;
  };
  std::vector<span> spans;
  for (const auto& w : windows) {
    const auto l = std::lower_bound(s.times_s.begin(), s.times_s.end(), w.start_s);
    const auto r = std::upper_bound(s.times_s.begin(), s.times_s.end(), w.end_s);
    if (l == s.times_s.end() || r == s.times_s.begin() || l >= r) continue;
    spans.push_back({static_cast<std::size_t>(l - s.times_s.begin()),
                     static_cast<std::size_t>(r - s.times_s.begin()) - 1});
  }
  std::sort(spans.begin(), spans.end(),
            [](const span& a, const span& b) { return a.left < b.left; });

  std::size_t next_span = 0;
  bool in_window = false;
  int window_id = -1;
  double width = 0.0;
  std::size_t right = 0;
  bool have_previous = false;
  double previous_width = 0.0;
  std::size_t previous_right = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!in_window && next_span < spans.size() && spans[next_span].left == i) {
      in_window = true;
      right = spans[next_span].right;
      width = static_cast<double>(right - i + 1);
      window_id = next_window++;
      file_of_window.push_back(file_index);
      ++next_span;
    }
    double weight;
    if (in_window) {
      const double position = -(static_cast<double>(right) - static_cast<double>(i) + 1.0) / width;
      weight = scaled_sigmoid(position) * p.tp_weight / max_tp;
    } else {
      double unweighted;
      if (!have_previous) {
        unweighted = scaled_sigmoid(3.0);
      } else {
        const double past = std::abs(static_cast<double>(i) - static_cast<double>(previous_right)) /
                            (previous_width - 1.0);
        unweighted = scaled_sigmoid(past);
      }
      weight = unweighted * p.fp_weight;
    }
    if (static_cast<double>(i) >= probation)
      out.push_back({s.scores[i], weight, in_window ? window_id : -1});
    if (in_window && i == right) {
      have_previous = true;
      previous_right = i;
      previous_width = width;
      in_window = false;
    }
  }
}

} // namespace

double scaled_sigmoid(double x) {
  if (x > 3.0) return -1.0;
  return 2.0 / (1.0 + std::exp(5.0 * x)) - 1.0;
}

std::optional<std::int64_t> parse_time(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
      s > 60)
    return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
         h * 3600 + mi * 60 + s;
}

namespace {

/// `read(json)` over the JSON document in `path`; nullopt with `error` set when the file cannot
/// be opened or parsed, `read` throws (a missing or mistyped field), or `read` says why not.
template <class T, class Read>
std::optional<T> read_json(const std::string& path, std::string& error, Read read) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  try {
    return read(nlohmann::json::parse(in));
  } catch (const std::exception& e) {
    error = path + ": " + e.what();
    return std::nullopt;
  }
}

} // namespace

std::optional<window_map> read_windows(const std::string& path, std::string& error) {
  const auto read = [&error](const nlohmann::json& j) -> std::optional<window_map> {
    window_map out;
    for (const auto& [key, list] : j.items()) {
      auto& ws = out[key];
      for (const auto& pair : list) {
        const auto a = parse_time(pair.at(0).get<std::string>());
        const auto b = parse_time(pair.at(1).get<std::string>());
        if (!a || !b) {
          error = "bad window time in " + key;
          return std::nullopt;
        }
        ws.push_back({*a, *b});
      }
    }
    return out;
  };
  return read_json<window_map>(path, error, read);
}

std::optional<std::vector<profile>> read_profiles(const std::string& path, std::string& error) {
  return read_json<std::vector<profile>>(
      path, error, [](const nlohmann::json& j) -> std::optional<std::vector<profile>> {
        std::vector<profile> out;
        for (const char* name : {"standard", "reward_low_FP_rate", "reward_low_FN_rate"}) {
          const auto& m = j.at(name).at("CostMatrix");
          out.push_back({name, m.at("tpWeight").get<double>(), m.at("fnWeight").get<double>(),
                         m.at("fpWeight").get<double>()});
        }
        return out;
      });
}

std::optional<scored_series> read_series(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  std::string line;
  if (!std::getline(in, line)) {
    error = path + ": empty";
    return std::nullopt;
  }
  // Column positions from the header.
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
      header.push_back(cell.substr(0, cell.find_last_not_of("\r ") + 1));
  }
  const auto column = [&](const char* name) -> int {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  const int c_time = column("timestamp");
  const int c_value = column("value");
  const int c_score = column("anomaly_score");
  if (c_time < 0 || c_value < 0) {
    error = path + ": no timestamp,value header";
    return std::nullopt;
  }
  scored_series s;
  std::size_t row = 1;
  std::vector<std::string> cells;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty() || line == "\r") continue;
    cells.clear();
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
      cells.push_back(cell);
    const auto need = static_cast<std::size_t>(std::max({c_time, c_value, c_score}));
    if (cells.size() <= need) {
      error = path + ": short row " + std::to_string(row);
      return std::nullopt;
    }
    const auto t = parse_time(cells[static_cast<std::size_t>(c_time)]);
    if (!t) {
      error = path + ": bad timestamp on row " + std::to_string(row);
      return std::nullopt;
    }
    char* end = nullptr;
    const double v = std::strtod(cells[static_cast<std::size_t>(c_value)].c_str(), &end);
    double a = 0.0;
    if (c_score >= 0) a = std::strtod(cells[static_cast<std::size_t>(c_score)].c_str(), &end);
    s.times_s.push_back(*t);
    s.values.push_back(v);
    s.scores.push_back(std::isfinite(a) ? a : 0.0);
  }
  return s;
}

profile_result score_corpus(const std::vector<scored_series>& corpus, const window_map& windows,
                            const profile& p, double probation_percent) {
  profile_result r;
  r.profile = p.name;
  std::vector<sweep_point> points;
  std::vector<int> file_of_window;
  std::vector<std::size_t> file_end; // points_[file_end[f-1] .. file_end[f]) belong to file f
  int next_window = 0;
  static const std::vector<window> none;
  for (std::size_t f = 0; f < corpus.size(); ++f) {
    const auto it = windows.find(corpus[f].key);
    const auto& ws = it == windows.end() ? none : it->second;
    r.perfect_score += p.tp_weight * static_cast<double>(ws.size());
    sweep_points(corpus[f], ws, p, probation_percent, next_window, points, file_of_window,
                 static_cast<int>(f));
    file_end.push_back(points.size());
  }

  // Windows with at least one scored row start as misses.
  std::vector<char> scored_window(static_cast<std::size_t>(next_window), 0);
  for (const auto& pt : points)
    if (pt.window >= 0) scored_window[static_cast<std::size_t>(pt.window)] = 1;
  double base = 0.0;
  for (char c : scored_window)
    if (c) base -= p.fn_weight;
  r.null_score = base;

  // sweeper.calcScoreByThreshold: descending scores; at each new score value the state for
  // the previous value is a candidate threshold.
  std::vector<std::size_t> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return points[a].score > points[b].score; });
  std::vector<double> part(static_cast<std::size_t>(next_window), -p.fn_weight);
  double windows_sum = base;
  double fp_sum = 0.0;
  double threshold = 1.1;
  double best = base;
  double best_threshold = threshold;
  for (std::size_t k : order) {
    const auto& pt = points[k];
    if (pt.score != threshold) {
      if (windows_sum + fp_sum > best) {
        best = windows_sum + fp_sum;
        best_threshold = threshold;
      }
      threshold = pt.score;
    }
    if (pt.window < 0) {
      fp_sum += pt.weight;
    } else {
      auto& v = part[static_cast<std::size_t>(pt.window)];
      if (pt.weight > v) {
        windows_sum += pt.weight - v;
        v = pt.weight;
      }
    }
  }
  if (windows_sum + fp_sum > best) {
    best = windows_sum + fp_sum;
    best_threshold = threshold;
  }
  r.threshold = best_threshold;

  // Per-file breakdown at the chosen threshold (their sum is the corpus score).
  std::vector<double> hit(static_cast<std::size_t>(next_window), -p.fn_weight);
  std::vector<char> detected(static_cast<std::size_t>(next_window), 0);
  std::size_t begin = 0;
  for (std::size_t f = 0; f < corpus.size(); ++f) {
    file_result fr;
    fr.key = corpus[f].key;
    std::vector<int> seen;
    for (std::size_t k = begin; k < file_end[f]; ++k) {
      const auto& pt = points[k];
      if (pt.window >= 0 && std::find(seen.begin(), seen.end(), pt.window) == seen.end())
        seen.push_back(pt.window);
      if (pt.score < best_threshold) continue;
      if (pt.window < 0) {
        fr.raw += pt.weight;
        ++fr.false_positives;
      } else {
        const auto w = static_cast<std::size_t>(pt.window);
        detected[w] = 1;
        hit[w] = std::max(hit[w], pt.weight);
      }
    }
    for (int w : seen) {
      fr.raw += hit[static_cast<std::size_t>(w)];
      if (detected[static_cast<std::size_t>(w)]) ++fr.detected;
    }
    fr.windows = static_cast<int>(seen.size());
    r.raw += fr.raw;
    r.windows += fr.windows;
    r.detected += fr.detected;
    r.false_positives += fr.false_positives;
    r.files.push_back(std::move(fr));
    begin = file_end[f];
  }
  const double span = r.perfect_score - r.null_score;
  r.normalized = span > 0 ? 100.0 * (r.raw - r.null_score) / span : 0.0;
  return r;
}

} // namespace aetherial::bench::nab
