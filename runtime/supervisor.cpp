#include "runtime/supervisor.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "runtime/clock.hpp"
#include "runtime/event_ids.hpp"

namespace aetherial::runtime {

restart_tracker::verdict restart_tracker::on_failure(time_point now) {
  failures_.push_back(now);
  while (!failures_.empty() && now - failures_.front() > policy_.window)
    failures_.pop_front();
  verdict v;
  v.recent_failures = failures_.size();
  if (static_cast<int>(failures_.size()) >= policy_.max_failures) {
    v.quarantine = true;
    return v;
  }
  const auto doublings = std::min<std::size_t>(failures_.size() - 1, 16);
  v.backoff = std::min<std::chrono::milliseconds>(policy_.initial_backoff * (1LL << doublings),
                                                  policy_.max_backoff);
  return v;
}

bool retry_counter::give_up(std::int32_t partition, const std::string& topic, std::int64_t offset) {
  const auto key = std::make_pair(partition, std::make_pair(topic, offset));
  if (++attempts_[key] < limit_) return false;
  attempts_.erase(key);
  return true;
}

int retry_counter::attempts(std::int32_t partition, const std::string& topic,
                            std::int64_t offset) const {
  auto it = attempts_.find(std::make_pair(partition, std::make_pair(topic, offset)));
  return it == attempts_.end() ? 0 : it->second;
}

void retry_counter::forget(std::int32_t partition) {
  auto it = attempts_.lower_bound(
      std::make_pair(partition, std::make_pair(std::string(), std::int64_t{INT64_MIN})));
  while (it != attempts_.end() && it->first.first == partition)
    it = attempts_.erase(it);
}

namespace {

/// Publishes the quarantine as a HealthIncident on platform.health.
void publish_incident(const supervisor_env& env, std::int32_t p, const std::string& reason,
                      std::int64_t now_ms) {
  const auto& agent = env.host.kind->name;
  flatbuffers::FlatBufferBuilder b;
  const auto id = "quarantine-" + agent + "-" + std::to_string(p);
  const auto service = "aetherial/" + agent;
  auto inc =
      schemas::fbs::CreateHealthIncidentDirect(b, id.c_str(), service.c_str(), "agent_quarantined",
                                               schemas::fbs::Severity::critical, reason.c_str());
  schemas::envelope_header h;
  h.id = runtime_event_id("quarantine/" + agent + "/" + std::to_string(p),
                          static_cast<std::uint64_t>(now_ms));
  h.key = service;
  h.event_time_ms = now_ms;
  h.principal = "runtime:" + env.instance_id;
  h.correlation = id;
  auto bytes = schemas::finish_envelope(b, h, schemas::fbs::Payload::HealthIncident, inc.Union());
  if (auto r = env.host.sink->send(env.host.catalog->name(topics::catalog::health), service,
                                   bytes.data(), bytes.size());
      !r)
    spdlog::error("agent {} partition {}: quarantine incident not sent: {}", agent, p,
                  r.error_value().message);
}

} // namespace

caf::behavior supervisor_actor(caf::stateful_actor<supervisor_state>* self, supervisor_env env,
                               caf::actor coordinator) {
  self->state.retries = retry_counter(env.retry_limit);
  const auto& agent = env.host.kind->name;
  auto spawn_host = [=](std::int32_t p) {
    auto h = self->spawn<caf::monitored>(host_actor, env.host, p, coordinator,
                                         caf::actor_cast<caf::actor>(self));
    auto& sh = self->state.hosts[p];
    sh.host = h;
    sh.restarting = false;
    self->send(coordinator, host_up_atom::value, p, h);
  };

  self->set_down_handler([=](caf::down_msg& msg) {
    auto& hosts = self->state.hosts;
    auto it = std::find_if(hosts.begin(), hosts.end(), [&](const auto& kv) {
      return kv.second.host && kv.second.host.address() == msg.source;
    });
    if (it == hosts.end()) return; // stopped on purpose
    const auto p = it->first;
    auto& sh = it->second;
    sh.host = nullptr;
    const auto reason = to_string(msg.reason);
    const auto v = sh.restarts.on_failure(self->clock().now());
    env.host.metrics->restarts(agent).Increment();
    self->send(coordinator, host_down_atom::value, p, reason);
    if (v.quarantine) {
      sh.quarantined = true;
      env.host.metrics->quarantined(agent).Increment();
      spdlog::error("agent {} partition {}: {} failures within {} ms, quarantined (last: {})",
                    agent, p, v.recent_failures, env.policy.window.count(), reason);
      self->send(coordinator, quarantine_atom::value, p, reason);
      publish_incident(env, p, reason, wall_ms());
      return;
    }
    spdlog::warn("agent {} partition {} stopped ({}); restarting in {} ms", agent, p, reason,
                 v.backoff.count());
    sh.restarting = true;
    self->delayed_send(self, v.backoff, restart_atom::value, p);
  });

  return {
      [=](start_atom, std::int32_t p) {
        auto& sh = self->state.hosts[p];
        if (sh.host) return;
        sh.restarts = restart_tracker(env.policy);
        sh.quarantined = false;
        self->state.retries.forget(p);
        spawn_host(p);
      },
      [=](restart_atom, std::int32_t p) {
        auto it = self->state.hosts.find(p);
        if (it == self->state.hosts.end() || !it->second.restarting) return;
        spdlog::info("agent {} partition {}: restarted", agent, p);
        spawn_host(p);
      },
      [=](failure_atom, const host_failure& f) {
        if (!f.in) return;
        const auto& rec = f.in->rec;
        const std::string topic(rec.topic);
        auto& retries = self->state.retries;
        if (!retries.give_up(f.partition, topic, rec.offset)) return;
        const auto reason = "agent " + agent + " failed " + std::to_string(retries.limit()) +
                            " times on this event: " + f.what;
        (void)dead_letter(env.host, rec, reason, "agent_error");
        self->send(coordinator, skip_atom::value, f.partition, topic, rec.offset);
      },
      [=](stop_atom, std::int32_t p) {
        auto it = self->state.hosts.find(p);
        if (it == self->state.hosts.end()) return;
        if (it->second.quarantined) env.host.metrics->quarantined(agent).Decrement();
        if (it->second.host) {
          self->demonitor(it->second.host);
          self->send_exit(it->second.host, caf::exit_reason::user_shutdown);
        }
        self->state.hosts.erase(it);
        self->state.retries.forget(p);
      },
      [=](crash_atom, std::int32_t p) {
        auto it = self->state.hosts.find(p);
        if (it == self->state.hosts.end() || !it->second.host) return;
        spdlog::warn("agent {} partition {}: killing the host", agent, p);
        self->send_exit(it->second.host, caf::exit_reason::kill);
      },
      [=](stop_atom) {
        for (auto& [p, sh] : self->state.hosts)
          if (sh.host) {
            self->demonitor(sh.host);
            self->send_exit(sh.host, caf::exit_reason::user_shutdown);
          }
        self->state.hosts.clear();
        self->quit();
      },
  };
}

} // namespace aetherial::runtime
