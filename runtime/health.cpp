#include "runtime/health.hpp"

#include <algorithm>
#include <cstdio>

namespace aetherial::runtime {
namespace {

double seconds(steady_clock::duration d) {
  return std::max(0.0, std::chrono::duration<double>(d).count());
}

/// `s` as a JSON string literal.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// Seconds with one decimal, as a JSON number.
std::string number(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

std::string lag_json(std::int64_t lag) {
  return lag < 0 ? "null" : std::to_string(lag);
}

void append_reason(std::string& reasons, const std::string& r) {
  if (!reasons.empty()) reasons += "; ";
  reasons += r;
}

} // namespace

std::string_view to_string(agent_state s) noexcept {
  switch (s) {
    case agent_state::starting: return "starting";
    case agent_state::recovering: return "recovering";
    case agent_state::consuming: return "consuming";
    case agent_state::paused: return "paused";
    case agent_state::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(node_phase p) noexcept {
  switch (p) {
    case node_phase::starting: return "starting";
    case node_phase::running: return "running";
    case node_phase::stopping: return "stopping";
    case node_phase::restarting: return "restarting";
    case node_phase::failed: return "failed";
  }
  return "unknown";
}

health_board::health_board(health_options options, clock_fn now)
    : options_(options), now_(std::move(now)) {}

health_board::agent_entry* health_board::find(const std::string& agent) {
  auto it = agents_.find(agent);
  return it == agents_.end() ? nullptr : &it->second;
}

void health_board::node_starting() {
  std::lock_guard<std::mutex> lock(mutex_);
  phase_ = node_phase::starting;
  phase_reason_.clear();
  agents_.clear();
}

void health_board::node_running() {
  std::lock_guard<std::mutex> lock(mutex_);
  phase_ = node_phase::running;
  phase_reason_.clear();
}

void health_board::node_stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  // A failure already reported keeps its reason: the node stops because of it.
  if (phase_ == node_phase::restarting || phase_ == node_phase::failed) return;
  phase_ = node_phase::stopping;
}

void health_board::node_restarting(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  phase_ = node_phase::restarting;
  phase_reason_ = reason;
}

void health_board::node_failed(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  phase_ = node_phase::failed;
  phase_reason_ = reason;
}

void health_board::agent_starting(const std::string& agent) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& a = agents_[agent];
  a = agent_entry{};
  a.tick = now_();
}

void health_board::agent_running(const std::string& agent) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& a = agents_[agent];
  a.tick = now_();
  if (a.state == agent_state::starting) a.state = agent_state::consuming;
}

void health_board::tick(const std::string& agent) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto* a = find(agent); a != nullptr && a->state != agent_state::failed) a->tick = now_();
}

void health_board::pause_agent(const std::string& agent, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto* a = find(agent);
  if (a == nullptr || a->state == agent_state::failed) return;
  a->state = agent_state::paused;
  a->reason = reason;
}

void health_board::resume_agent(const std::string& agent) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto* a = find(agent);
  if (a == nullptr || a->state != agent_state::paused) return;
  a->state = agent_state::consuming;
  a->reason.clear();
  // Paused time is not stalled time.
  const auto now = now_();
  for (auto& [p, part] : a->parts)
    part.progress = now;
}

void health_board::agent_failed(const std::string& agent, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& a = agents_[agent];
  if (a.state == agent_state::failed) return;
  a.state = agent_state::failed;
  a.reason = reason;
  a.tick = now_(); // its loop ends here
}

void health_board::partition_recovering(const std::string& agent, std::int32_t p) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto* a = find(agent)) {
    auto& part = a->parts[p];
    if (part.state == agent_state::paused) return; // a quarantined partition stays paused
    part.state = agent_state::recovering;
  }
}

void health_board::partition_consuming(const std::string& agent, std::int32_t p) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto* a = find(agent)) {
    auto& part = a->parts[p];
    if (part.state == agent_state::paused) return; // a restarted host stays quarantined
    part.state = agent_state::consuming;
    part.reason.clear();
    part.progress = now_();
  }
}

void health_board::partition_paused(const std::string& agent, std::int32_t p,
                                    const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto* a = find(agent)) {
    auto& part = a->parts[p];
    part.state = agent_state::paused;
    part.reason = reason;
  }
}

void health_board::partition_revoked(const std::string& agent, std::int32_t p) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto* a = find(agent)) a->parts.erase(p);
}

void health_board::progress(const std::string& agent, std::int32_t p) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto* a = find(agent)) {
    auto it = a->parts.find(p);
    if (it != a->parts.end()) it->second.progress = now_();
  }
}

void health_board::lag(const std::string& agent, const std::vector<topics::topic_partition>& lag) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto* a = find(agent);
  if (a == nullptr) return;
  std::map<std::int32_t, std::int64_t> total;
  for (const auto& tp : lag)
    total[tp.partition] += tp.offset;
  const auto now = now_();
  for (auto& [p, part] : a->parts) {
    auto it = total.find(p);
    part.lag = it == total.end() ? -1 : it->second;
    // Caught up counts as progress: an idle partition is not a stalled one.
    if (part.lag == 0 && part.state == agent_state::consuming) part.progress = now;
  }
}

health_verdict health_board::liveness() const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = now_();
  const double window = seconds(options_.tick_window);
  // While the node stops or is started again, its old loops have ended on purpose.
  const bool replacing = phase_ == node_phase::stopping || phase_ == node_phase::restarting;
  std::string reasons, agents;
  for (const auto& [name, a] : agents_) {
    const double since = seconds(now - a.tick);
    if (!replacing && phase_ != node_phase::failed && since > window) {
      if (a.state == agent_state::failed)
        append_reason(reasons, "agent " + name + " failed " + number(since) +
                                   " s ago and the node was not restarted (" + a.reason + ")");
      else
        append_reason(reasons, "agent " + name + ": coordinator loop has not ticked for " +
                                   number(since) + " s (window " + number(window) + " s)");
    }
    agents += (agents.empty() ? "" : ",") + quote(name) +
              ":{\"state\":" + quote(to_string(a.state)) +
              ",\"seconds_since_tick\":" + number(since) + "}";
  }
  health_verdict v;
  std::string status;
  if (phase_ == node_phase::failed) {
    status = "failed";
    reasons = "the node failed and will not be restarted: " + phase_reason_;
  } else if (!reasons.empty()) {
    status = "stuck";
  } else {
    v.ok = true;
    status = phase_ == node_phase::restarting ? "restarting" : "alive";
    if (phase_ == node_phase::restarting) reasons = phase_reason_;
  }
  v.body = "{\"status\":" + quote(status);
  if (!reasons.empty()) v.body += ",\"reason\":" + quote(reasons);
  v.body += ",\"agents\":{" + agents + "}}";
  return v;
}

health_verdict health_board::readiness() const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = now_();
  const double stall = seconds(options_.stall_window);
  bool all_consuming = true;
  std::string agents, stalled_reasons;
  for (const auto& [name, a] : agents_) {
    std::string state, reasons, parts;
    std::int64_t lag_total = 0;
    double since_progress = 0;
    for (const auto& [p, part] : a.parts) {
      const double since = seconds(now - part.progress);
      lag_total = (lag_total < 0 || part.lag < 0) ? -1 : lag_total + part.lag;
      std::string part_state(to_string(part.state));
      std::string why;
      if (part.state == agent_state::recovering) {
        why = "partition " + std::to_string(p) + ": recovering";
      } else if (part.state == agent_state::paused) {
        why = "partition " + std::to_string(p) + ": paused (" + part.reason + ")";
      } else if (part.lag != 0 && since > stall) {
        part_state = "stalled";
        why = "partition " + std::to_string(p) + ": no progress for " + number(since) +
              " s while lag is " +
              (part.lag < 0 ? std::string("unknown") : std::to_string(part.lag));
      }
      if (part.state == agent_state::consuming) since_progress = std::max(since_progress, since);
      if (!why.empty()) {
        if (state.empty()) state = part_state;
        append_reason(reasons, why);
      }
      parts += (parts.empty() ? "" : ",") + quote(std::to_string(p)) +
               ":{\"state\":" + quote(part_state) + ",\"lag\":" + lag_json(part.lag) +
               ",\"seconds_since_progress\":" + number(since) + "}";
    }
    if (a.state == agent_state::failed || a.state == agent_state::paused) {
      state = std::string(to_string(a.state));
      reasons =
          a.state == agent_state::failed ? "failed: " + a.reason : "paused (" + a.reason + ")";
    } else if (a.state == agent_state::starting) {
      state = "starting";
      reasons = "not subscribed yet";
    } else if (a.parts.empty()) {
      state = "unassigned";
      reasons = "no partition assigned";
    }
    const bool ok = state.empty();
    if (ok) state = "consuming";
    all_consuming = all_consuming && ok;
    if (!ok) append_reason(stalled_reasons, "agent " + name + ": " + reasons);
    agents += (agents.empty() ? "" : ",") + quote(name) + ":{\"state\":" + quote(state) +
              ",\"lag\":" + lag_json(a.parts.empty() ? 0 : lag_total) +
              ",\"seconds_since_progress\":" + number(since_progress);
    if (!ok) {
      agents += ",\"reason\":" + quote(reasons);
      if (!parts.empty()) agents += ",\"partitions\":{" + parts + "}";
    }
    agents += "}";
  }
  health_verdict v;
  std::string status, reason;
  if (phase_ != node_phase::running) {
    status = std::string(to_string(phase_));
    reason = phase_reason_.empty() ? "the node is " + status : phase_reason_;
  } else if (agents_.empty()) {
    status = "stalled";
    reason = "no agent runs";
  } else if (!all_consuming) {
    status = "stalled";
    reason = stalled_reasons;
  } else {
    v.ok = true;
    status = "consuming";
  }
  v.body = "{\"status\":" + quote(status);
  if (!reason.empty()) v.body += ",\"reason\":" + quote(reason);
  v.body += ",\"agents\":{" + agents + "}}";
  return v;
}

} // namespace aetherial::runtime
