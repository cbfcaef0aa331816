#pragma once
// The detection an incident is raised for, and small helpers shared by the Security agent's
// parts (requests, rate anomalies, incidents and blocks, bans).

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/security/security_agent.hpp"

namespace aetherial::actors::security {

/// One detection, as raised in an incident.
struct security_agent::detection {
  std::string kind;
  fbs::Severity severity = fbs::Severity::warning;
  std::string subject;
  double score = 0.0;
  std::string evidence;
  std::string incident_id; ///< empty: derived from the cause
};

/// Integer division rounding toward negative infinity.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// The subject of an IP address: "ip:<address>".
inline std::string ip_subject(std::string_view ip) {
  return "ip:" + std::string(ip);
}

/// The subject of a user: "user:<name>".
inline std::string user_subject(std::string_view user) {
  return "user:" + std::string(user);
}

// Erases the oldest records (by last-seen time, then key) until at most 90 % of `max` remain.
template <class Record, class Evictable>
void evict_oldest(std::map<std::string, Record>& m, std::size_t max, Evictable evictable) {
  if (m.size() <= max) return;
  std::vector<std::pair<std::int64_t, const std::string*>> order;
  order.reserve(m.size());
  for (const auto& [k, v] : m)
    if (evictable(v)) order.emplace_back(v.last_seen_ms, &k);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : *a.second < *b.second;
  });
  const std::size_t target = max - max / 10;
  std::vector<std::string> victims;
  for (const auto& [t, k] : order) {
    if (m.size() - victims.size() <= target) break;
    victims.push_back(*k);
  }
  for (const auto& k : victims)
    m.erase(k);
}

} // namespace aetherial::actors::security
