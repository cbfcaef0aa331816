#include "runtime/supervisor.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

namespace aetherial::runtime {

caf::behavior supervisor_actor(caf::stateful_actor<supervisor_state>* self, host_env env,
                               restart_policy policy, caf::actor coordinator) {
  auto spawn_host = [=](std::int32_t p) {
    auto h = self->spawn<caf::monitored>(host_actor, env, p, coordinator);
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
    const auto now = std::chrono::steady_clock::now();
    sh.failures.push_back(now);
    while (!sh.failures.empty() && now - sh.failures.front() > policy.window)
      sh.failures.pop_front();
    env.metrics->restarts(env.kind->name).Increment();
    self->send(coordinator, host_down_atom::value, p, reason);
    if (static_cast<int>(sh.failures.size()) >= policy.max_failures) {
      sh.quarantined = true;
      env.metrics->quarantined(env.kind->name).Increment();
      spdlog::error("agent {} partition {}: {} failures within {} ms, quarantined (last: {})",
                    env.kind->name, p, sh.failures.size(), policy.window.count(), reason);
      self->send(coordinator, quarantine_atom::value, p, reason);
      return;
    }
    auto backoff =
        policy.initial_backoff * (1LL << std::min<std::size_t>(sh.failures.size() - 1, 16));
    backoff = std::min<decltype(backoff)>(backoff, policy.max_backoff);
    spdlog::warn("agent {} partition {} stopped ({}); restarting in {} ms", env.kind->name, p,
                 reason, backoff.count());
    sh.restarting = true;
    self->delayed_send(self, backoff, restart_atom::value, p);
  });

  return {
      [=](start_atom, std::int32_t p) {
        auto& sh = self->state.hosts[p];
        if (sh.host) return;
        sh.failures.clear();
        sh.quarantined = false;
        spawn_host(p);
      },
      [=](restart_atom, std::int32_t p) {
        auto it = self->state.hosts.find(p);
        if (it == self->state.hosts.end() || !it->second.restarting) return;
        spdlog::info("agent {} partition {}: restarted", env.kind->name, p);
        spawn_host(p);
      },
      [=](stop_atom, std::int32_t p) {
        auto it = self->state.hosts.find(p);
        if (it == self->state.hosts.end()) return;
        if (it->second.quarantined) env.metrics->quarantined(env.kind->name).Decrement();
        if (it->second.host) {
          self->demonitor(it->second.host);
          self->send_exit(it->second.host, caf::exit_reason::user_shutdown);
        }
        self->state.hosts.erase(it);
      },
      [=](crash_atom, std::int32_t p) {
        auto it = self->state.hosts.find(p);
        if (it == self->state.hosts.end() || !it->second.host) return;
        spdlog::warn("agent {} partition {}: killing the host", env.kind->name, p);
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
