#include "runtime/crash_guard.hpp"

#include <sstream>

#include <spdlog/spdlog.h>

namespace aetherial::runtime {

std::vector<std::uint8_t> encode_marker(const crash_marker& m) {
  std::ostringstream out;
  out << "crash1 " << m.recoveries << ' ' << m.applying_topic << ' ' << m.applying_offset << ' '
      << m.suspect_topic << ' ' << m.suspect_offset << ' ' << m.suspect_deaths << ' '
      << (m.clean ? 1 : 0) << ' ' << m.position.size();
  for (auto o : m.position)
    out << ' ' << o;
  const auto text = out.str();
  return {text.begin(), text.end()};
}

std::optional<crash_marker> decode_marker(const std::vector<std::uint8_t>& bytes) {
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  std::string tag;
  crash_marker m;
  std::size_t n = 0;
  int clean = 0;
  if (!(in >> tag) || tag != "crash1") return std::nullopt;
  if (!(in >> m.recoveries >> m.applying_topic >> m.applying_offset >> m.suspect_topic >>
        m.suspect_offset >> m.suspect_deaths >> clean >> n) ||
      n > 1024)
    return std::nullopt;
  m.clean = clean != 0;
  m.position.resize(n);
  for (auto& o : m.position)
    if (!(in >> o)) return std::nullopt;
  return m;
}

crash_verdict decide_recovery(const std::optional<crash_marker>& previous,
                              const std::vector<std::int64_t>& position, int retry_limit) {
  crash_verdict v;
  if (!previous || previous->position != position || previous->clean) {
    v.marker.position = position;
    v.marker.recoveries = 1;
    return v;
  }
  // The process died (or stopped) since the last recovery without a checkpoint moving on.
  v.marker = *previous;
  ++v.marker.recoveries;
  if (v.marker.applying_topic >= 0) {
    // It died while applying this record, carefully noted beforehand.
    if (v.marker.suspect_topic == v.marker.applying_topic &&
        v.marker.suspect_offset == v.marker.applying_offset) {
      ++v.marker.suspect_deaths;
    } else {
      v.marker.suspect_topic = v.marker.applying_topic;
      v.marker.suspect_offset = v.marker.applying_offset;
      v.marker.suspect_deaths = 1;
    }
    v.marker.applying_topic = -1;
    v.marker.applying_offset = -1;
  }
  v.careful = true;
  if (v.marker.suspect_topic >= 0 &&
      v.marker.suspect_deaths >= static_cast<std::uint32_t>(std::max(1, retry_limit))) {
    v.poison = true;
    v.topic = v.marker.suspect_topic;
    v.offset = v.marker.suspect_offset;
    v.deaths = v.marker.suspect_deaths;
  }
  return v;
}

void crash_guard::keep(std::int32_t p, const crash_marker& m) {
  markers_[p] = m;
  if (auto r = store_.put_marker(agent_, p, encode_marker(m)); !r)
    spdlog::error("agent {} partition {}: {}", agent_, p, r.error_value().message);
}

crash_verdict crash_guard::on_recovery(std::int32_t p, const std::vector<std::int64_t>& position) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<crash_marker> previous;
  if (auto stored = store_.get_marker(agent_, p); stored && stored.value())
    previous = decode_marker(*stored.value());
  auto v = decide_recovery(previous, position, retry_limit_);
  keep(p, v.marker);
  return v;
}

void crash_guard::applying(std::int32_t p, int topic, std::int64_t offset) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& m = markers_[p];
  m.applying_topic = topic;
  m.applying_offset = offset;
  keep(p, m);
}

void crash_guard::checkpointed(std::int32_t p, const std::vector<std::int64_t>& position) {
  std::lock_guard<std::mutex> lock(mutex_);
  crash_marker fresh;
  fresh.position = position;
  if (auto it = markers_.find(p); it != markers_.end() && it->second == fresh) return;
  keep(p, fresh);
}

void crash_guard::released(std::int32_t p, const std::vector<std::int64_t>& position) {
  std::lock_guard<std::mutex> lock(mutex_);
  crash_marker fresh;
  fresh.position = position;
  fresh.clean = true;
  keep(p, fresh);
}

} // namespace aetherial::runtime
