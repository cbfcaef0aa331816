#include "app/demo.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/platform_simulator.hpp"
#include "app/render.hpp"
#include "runtime/audit.hpp"
#include "runtime/node.hpp"

namespace aetherial::app {
namespace {

using runtime::audit_options;
using runtime::node;
using runtime::node_options;
using runtime::run_audit;

namespace fbs = schemas::fbs;
using steady = std::chrono::steady_clock;

/// What the demo checks about the run, printed at the end.
struct outcomes {
  int web_peak = 0;
  bool web_back_to_two = false;
  bool db_pool_restarted = false;
  bool db_verified = false;
  bool payments_escalated = false;
  std::map<std::string, int> by_type;
};

void track(outcomes& o, const fbs::Envelope& e) {
  ++o.by_type[std::string(schemas::payload_name(e.payload_type()))];
  if (const auto* s = e.payload_as_ScaleDecision(); s && s->service()->str() == "web") {
    o.web_peak = std::max(o.web_peak, s->to_replicas());
    if (o.web_peak >= 5 && s->to_replicas() == 2) o.web_back_to_two = true;
  }
  if (const auto* r = e.payload_as_RemediationDecision();
      r && r->service() && r->service()->str() == "db" && r->action() &&
      r->action()->str() == "restart_connection_pool")
    o.db_pool_restarted = true;
  if (const auto* v = e.payload_as_VerificationDecision();
      v && v->service() && v->service()->str() == "db" && v->success())
    o.db_verified = true;
  if (const auto* x = e.payload_as_EscalationDecision();
      x && x->service() && x->service()->str() == "payments")
    o.payments_escalated = true;
}

std::string temp_data_dir() {
  auto base = std::filesystem::temp_directory_path() / "aetherial-demo-XXXXXX";
  std::string tmpl = base.string();
  if (::mkdtemp(tmpl.data()) == nullptr) return "aetherial-demo-data";
  return tmpl;
}

} // namespace

int run_demo(const demo_options& opts) {
  node_options o;
  o.data_dir = opts.data_dir.empty() ? temp_data_dir() : opts.data_dir;
  o.metrics_port = opts.metrics_port;
  o.partitions = 4;
  o.checkpoint_interval_ms = 500;
  o.telemetry_interval_ms = 0; // the simulator plays the runtime's telemetry in simulated time
  // A fresh secret salt for this run's pseudonymous ids (never printed); the audit below
  // uses the same settings.
  {
    std::random_device rd;
    char salt[33];
    std::snprintf(salt, sizeof salt, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
    o.agent_settings["analytics.salt"] = salt;
  }
  // The demo paces simulated time on the agents' progress: answer fetches without waiting.
  o.kafka_properties["fetch.wait.max.ms"] = "5";
  auto started = node::start(o);
  if (!started && o.metrics_port > 0) {
    spdlog::warn("{}; serving metrics on any free port instead", started.error_value().message);
    o.metrics_port = 0;
    started = node::start(o);
  }
  if (!started) {
    std::fprintf(stderr, "aetherial demo: %s\n", started.error_value().message.c_str());
    return 2;
  }
  auto& nd = *started.value();
  auto say = [&](const std::string& line) {
    if (!opts.quiet) std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  std::printf("Aetherial demo\n  embedded broker: %s (kcat -b %s -L)\n", nd.brokers().c_str(),
              nd.brokers().c_str());
  if (nd.metrics_port() >= 0)
    std::printf("  metrics:         http://localhost:%d/metrics\n", nd.metrics_port());
  std::printf("  snapshots:       %s\n\n", o.data_dir.c_str());
  std::fflush(stdout);

  auto producer = topics::producer::create(nd.kafka());
  auto decisions = topics::reader::create(nd.kafka());
  if (!producer || !decisions) {
    std::fprintf(stderr, "aetherial demo: cannot create Kafka clients\n");
    return 2;
  }
  const auto decisions_topic = nd.catalog().name(topics::catalog::decisions);
  std::vector<topics::topic_partition> from;
  for (int p = 0; p < o.partitions; ++p)
    from.push_back({decisions_topic, p, -2});
  if (auto r = decisions.value()->assign(from); !r) {
    std::fprintf(stderr, "aetherial demo: %s\n", r.error_value().message.c_str());
    return 2;
  }

  platform_simulator sim;
  outcomes seen;
  double produced = 0;
  int web_partition = -1;
  bool crashed = opts.no_crash;
  const std::int64_t crash_at = sim.start_ms() + 7 * 60'000;
  const auto t_start = steady::now();

  auto drain_decisions = [&] {
    int idle = 0;
    while (idle < 3) {
      auto batch = decisions.value()->poll(1000, topics::ms{40});
      if (batch.empty()) {
        ++idle;
        continue;
      }
      idle = 0;
      for (const auto& r : batch) {
        std::string why;
        const auto* e =
            schemas::verify_envelope(r.value.data(), r.value.size(), ~std::size_t{0}, &why);
        if (!e) continue;
        if (web_partition < 0 && e->key() && e->key()->str() == "web") web_partition = r.partition;
        say(render_decision(*e));
        track(seen, *e);
        sim.observe(r.value.data(), r.value.size());
      }
    }
  };

  for (std::int64_t now = sim.start_ms(); !sim.finished(); now += sim.config().sample_period_ms) {
    auto events = sim.advance(now);
    for (const auto& ev : events) {
      auto r = producer.value()->send(nd.catalog().name(ev.topic), -1, ev.key, ev.value.data(),
                                      ev.value.size());
      if (!r)
        spdlog::error("demo: cannot produce: {}", r.error_value().message);
      else
        produced += 1;
    }
    (void)producer.value()->flush(topics::ms{10000});
    // Let the agents catch up before simulated time moves on.
    const auto until = steady::now() + std::chrono::seconds(20);
    while (nd.events_in_total() < produced && steady::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    drain_decisions();
    if (!crashed && now >= crash_at && web_partition >= 0) {
      crashed = true;
      say("[" + clock_time(now) + "] *** killing the operations host of partition " +
          std::to_string(web_partition) +
          "; its supervisor restarts it from the last snapshot and the events since");
      nd.crash_host("operations", web_partition);
    }
  }
  drain_decisions();
  const double run_s = std::chrono::duration<double>(steady::now() - t_start).count();

  // The audit: replay everything recorded and compare decision by decision.
  nd.checkpoint_all();
  audit_options ao;
  ao.kafka = nd.kafka();
  ao.agents = nd.options().agents;
  ao.settings = nd.options().agent_settings;
  auto report = run_audit(ao);
  producer.value().reset();
  decisions.value().reset();
  nd.stop();

  std::printf("\nSummary (%.0f simulated minutes in %.1f s, %.0f events):\n",
              static_cast<double>(sim.end_ms() - sim.start_ms()) / 60000.0, run_s, produced);
  for (const auto& [type, n] : seen.by_type)
    std::printf("  %-22s %d\n", type.c_str(), n);
  auto check = [](bool ok, const char* what) {
    std::printf("  [%s] %s\n", ok ? "ok" : "MISSING", what);
    return ok;
  };
  bool ok = true;
  ok &= check(seen.web_peak >= 5, "traffic spike: web scaled 2 -> 5");
  ok &= check(seen.web_back_to_two, "traffic normal: web scaled back to 2");
  ok &= check(seen.db_pool_restarted && seen.db_verified,
              "db connection timeout healed by restarting the connection pool");
  ok &= check(seen.payments_escalated, "recurring payments failure escalated to an admin");
  if (!report) {
    std::printf("audit: could not run: %s\n", report.error_value().message.c_str());
    return 1;
  }
  std::printf("audit: %s\n", report.value().summary().c_str());
  if (report.value().divergences > 0) {
    std::printf("first divergence:\n%s\n", report.value().first_divergence.c_str());
    return 1;
  }
  return ok ? 0 : 1;
}

} // namespace aetherial::app
