#include "app/platform_simulator.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace aetherial::app {

namespace fbs = ::aetherial::schema;

namespace {

constexpr std::string_view metrics_topic = "platform.metrics";
constexpr std::string_view health_topic = "platform.health";
constexpr std::string_view telemetry_topic = "aetherial.telemetry";

// Per-service load besides web, which is shaped by the spike.
struct steady_load {
  const char* name;
  int replicas;
  double rps;
  double cpu_per_request;
};
constexpr steady_load db_load{"db", 3, 300.0, 0.0055};
constexpr steady_load payments_load{"payments", 2, 120.0, 0.0097};

// A rate as text with three decimals, independent of the C locale.
std::string rate(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 3);
  return std::string(buf, r.ec == std::errc{} ? r.ptr : buf);
}

std::string_view view(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view{};
}

} // namespace

platform_simulator::platform_simulator(platform_simulator_config cfg)
    : cfg_(std::move(cfg)), emitted_ms_(cfg_.start_ms), next_sample_ms_(cfg_.start_ms),
      next_telemetry_ms_(cfg_.start_ms), next_query_ms_(cfg_.start_ms + cfg_.query_log_start_ms),
      next_cache_ms_(cfg_.start_ms + cfg_.cache_stats_start_ms) {
  services_["web"].replicas = cfg_.web_replicas;
  services_[db_load.name].replicas = db_load.replicas;
  services_[payments_load.name].replicas = payments_load.replicas;
}

bool platform_simulator::finished() const noexcept {
  const std::int64_t end = end_ms();
  return next_sample_ms_ > end && next_telemetry_ms_ > end && next_query_ms_ > end &&
         next_cache_ms_ > end && (queue_.empty() || queue_.begin()->first.first > end);
}

int platform_simulator::replicas(std::string_view service) const {
  const auto it = services_.find(std::string(service));
  return it == services_.end() ? 0 : it->second.replicas;
}

double platform_simulator::noise(std::uint64_t salt) const {
  const std::uint64_t x = schemas::mix64(cfg_.seed ^ schemas::mix64(salt));
  const double u = static_cast<double>(x >> 11) * (1.0 / 9007199254740992.0); // [0, 1)
  return 1.0 + cfg_.noise * (2.0 * u - 1.0);
}

std::vector<std::uint8_t> platform_simulator::finish(flatbuffers::FlatBufferBuilder& b,
                                                     std::int64_t t, std::string_view key,
                                                     std::string_view principal,
                                                     std::string_view correlation,
                                                     schemas::event_id causation, fbs::Payload type,
                                                     flatbuffers::Offset<void> payload) {
  schemas::envelope_header h;
  const std::uint64_t n = ++seq_;
  h.id = {schemas::mix64(cfg_.seed ^ 0x5157'4d55'4c41'544fULL),
          schemas::mix64(cfg_.seed ^ schemas::mix64(n))};
  h.key = std::string(key);
  h.event_time_ms = t;
  h.principal = std::string(principal);
  h.causation = causation;
  h.correlation = std::string(correlation);
  return schemas::finish_envelope(b, h, type, payload);
}

void platform_simulator::schedule(std::int64_t t, std::string topic, std::string key,
                                  std::vector<std::uint8_t> v) {
  queue_.emplace(std::make_pair(t, seq_),
                 scheduled{std::move(topic), std::move(key), std::move(v)});
}

int platform_simulator::ready_replicas(service_model& m, std::int64_t t) {
  auto& p = m.pending;
  while (!p.empty() && p.front().first <= t) {
    m.replicas = p.front().second;
    p.erase(p.begin());
  }
  return m.replicas;
}

void platform_simulator::raise_incident(std::int64_t t, const std::string& id,
                                        const std::string& service, const std::string& kind,
                                        const std::string& detail) {
  flatbuffers::FlatBufferBuilder b;
  auto inc = fbs::CreateHealthIncidentDirect(b, id.c_str(), service.c_str(), kind.c_str(),
                                             fbs::Severity::critical, detail.c_str());
  schedule(t, std::string(health_topic), service,
           finish(b, t, service, "svc:health-monitor", id, {}, fbs::Payload::HealthIncident,
                  inc.Union()));
}

void platform_simulator::sample_services(std::int64_t t) {
  const std::int64_t rel = t - cfg_.start_ms;
  const auto tick =
      static_cast<std::uint64_t>(rel / std::max<std::int64_t>(cfg_.sample_period_ms, 1));
  auto sample = [&](const std::string& name, double rps, double cpu_per_request, double error_rate,
                    std::uint64_t salt) {
    auto& m = services_[name];
    const int r = ready_replicas(m, t);
    const double demand = rps * cpu_per_request * noise(tick * 131 + salt);
    // Utilization is relative to the requested CPU; limits allow bursting to 1.5.
    const double util = std::min(demand / r, 1.5);
    const double latency = 40.0 + 400.0 * std::max(0.0, util - 0.6);
    flatbuffers::FlatBufferBuilder b;
    auto load = fbs::CreateServiceLoadDirect(b, name.c_str(), r, rps, util, latency, error_rate);
    schedule(t, std::string(metrics_topic), name,
             finish(b, t, name, "svc:metrics-pipeline", {}, {}, fbs::Payload::ServiceLoad,
                    load.Union()));
  };

  const bool spike = rel >= cfg_.spike_start_ms && rel < cfg_.spike_end_ms;
  sample("web", spike ? cfg_.web_spike_rps : cfg_.web_base_rps, cfg_.web_cpu_per_request, 0.002, 1);

  if (!db_incident_raised_ && rel >= cfg_.db_incident_ms) {
    db_incident_raised_ = true;
    db_leaking_ = true;
    raise_incident(t, "inc-db-0001", db_load.name, "db_timeout",
                   "connection acquisition timed out after 5000 ms (pool 50/50 in use)");
  }
  sample(db_load.name, db_load.rps, db_load.cpu_per_request, db_leaking_ ? 0.04 : 0.001, 2);

  if (rel >= cfg_.payments_fault_ms && !payments_escalated_) {
    // The failing dependency pushes the 5xx rate up until someone fixes it for real.
    if (rel > cfg_.payments_fault_ms) payments_5xx_ += cfg_.payments_5xx_growth;
    if (!payments_incident_open_ && payments_5xx_ >= cfg_.payments_5xx_threshold - 1e-12) {
      payments_incident_open_ = true;
      ++payments_incidents_;
      std::string id = std::to_string(payments_incidents_);
      id = "inc-pay-" + std::string(4 - std::min<std::size_t>(id.size(), 4), '0') + id;
      raise_incident(t, id, payments_load.name, "http_5xx_burst",
                     "5xx rate " + rate(payments_5xx_) + " at or above " +
                         rate(cfg_.payments_5xx_threshold));
    }
  }
  sample(payments_load.name, payments_load.rps, payments_load.cpu_per_request, payments_5xx_, 3);
}

void platform_simulator::sample_telemetry(std::int64_t t) {
  const std::int64_t rel = t - cfg_.start_ms;
  while (!instances_pending_.empty() && instances_pending_.front().first <= t) {
    instances_ = instances_pending_.front().second;
    instances_pending_.erase(instances_pending_.begin());
  }
  const bool spike = rel >= cfg_.spike_start_ms && rel < cfg_.spike_end_ms;
  const double arrival = spike ? cfg_.runtime_spike_events_per_s : cfg_.runtime_base_events_per_s;
  const double capacity = cfg_.runtime_capacity_per_instance * instances_;
  const double dt = static_cast<double>(cfg_.telemetry_period_ms) / 1000.0;
  // Lag accumulates what arrives beyond capacity; spare capacity drains it.
  const double processed = std::min(capacity, arrival + lag_ / dt);
  lag_ = std::max(0.0, lag_ + (arrival - capacity) * dt);
  flatbuffers::FlatBufferBuilder b;
  auto tel = fbs::CreateRuntimeTelemetryDirect(b, "aetherial-0", instances_,
                                               static_cast<std::int64_t>(std::llround(lag_)),
                                               processed, 0, 0, 0);
  schedule(t, std::string(telemetry_topic), "runtime",
           finish(b, t, "runtime", "runtime:aetherial-0", {}, {}, fbs::Payload::RuntimeTelemetry,
                  tel.Union()));
}

void platform_simulator::sample_query_log(std::int64_t t) {
  const std::int64_t rel = t - cfg_.start_ms;
  if (rel > cfg_.query_log_end_ms) return;
  const bool indexed = index_ready_ms_ >= 0 && t >= index_ready_ms_;
  const auto tick =
      static_cast<std::uint64_t>(rel / std::max<std::int64_t>(cfg_.query_log_period_ms, 1));
  const double duration = (indexed ? 35.0 : 850.0) * noise(tick * 977 + 11);
  const std::int64_t rows = indexed ? 42 : 1'250'000;
  flatbuffers::FlatBufferBuilder b;
  const std::vector<flatbuffers::Offset<flatbuffers::String>> columns{b.CreateString("customer_id"),
                                                                      b.CreateString("status")};
  auto q2 = fbs::CreateSlowQueryDirect(b, "web", "q:orders-by-customer-status", "orders", &columns,
                                       duration, rows);
  schedule(t, std::string(health_topic), "web",
           finish(b, t, "web", "svc:query-log", {}, {}, fbs::Payload::SlowQuery, q2.Union()));
}

void platform_simulator::sample_cache(std::int64_t t) {
  const bool resized = cache_resized_ms_ >= 0 && t >= cache_resized_ms_;
  const std::int64_t rel = t - cfg_.start_ms;
  const auto tick =
      static_cast<std::uint64_t>(rel / std::max<std::int64_t>(cfg_.cache_stats_period_ms, 1));
  const double hit = std::min(0.99, (resized ? 0.91 : 0.55) * noise(tick * 313 + 29));
  flatbuffers::FlatBufferBuilder b;
  auto c = fbs::CreateCacheStatsDirect(b, "web", "profiles", hit, resized ? 1.5 : 42.0,
                                       resized ? 0.72 : 0.97);
  schedule(t, std::string(health_topic), "web",
           finish(b, t, "web", "svc:cache-exporter", {}, {}, fbs::Payload::CacheStats, c.Union()));
}

std::vector<simulated_event> platform_simulator::advance(std::int64_t now_ms) {
  std::vector<simulated_event> out;
  const std::int64_t end = end_ms();
  const std::int64_t limit = std::min(now_ms, end);
  constexpr auto never = std::numeric_limits<std::int64_t>::max();
  for (;;) {
    // Generate the next periodic samples before anything later in the queue.
    const std::int64_t next_gen =
        std::min({next_sample_ms_, next_telemetry_ms_, next_query_ms_, next_cache_ms_});
    const std::int64_t next_queued = queue_.empty() ? never : queue_.begin()->first.first;
    if (next_gen <= limit && next_gen <= next_queued) {
      if (next_sample_ms_ == next_gen) {
        sample_services(next_gen);
        next_sample_ms_ += cfg_.sample_period_ms;
      } else if (next_telemetry_ms_ == next_gen) {
        sample_telemetry(next_gen);
        next_telemetry_ms_ += cfg_.telemetry_period_ms;
      } else if (next_query_ms_ == next_gen) {
        sample_query_log(next_gen);
        next_query_ms_ += cfg_.query_log_period_ms;
      } else {
        sample_cache(next_gen);
        next_cache_ms_ += cfg_.cache_stats_period_ms;
      }
      continue;
    }
    if (next_queued > limit) break;
    auto node = queue_.extract(queue_.begin());
    emitted_ms_ = std::max(emitted_ms_, node.key().first);
    auto& s = node.mapped();
    out.push_back({std::move(s.topic), std::move(s.key), node.key().first, std::move(s.value)});
  }
  return out;
}

bool platform_simulator::observe(const std::uint8_t* data, std::size_t size) {
  std::string why;
  const auto* env = schemas::verify_envelope(data, size, schemas::default_max_event_bytes, &why);
  if (env == nullptr) return false;
  const auto cause = schemas::event_id::from(env->id());
  // Reactions happen after the decision and never before what was already produced, so the
  // stream stays in event-time order whatever the driver's step.
  auto at = [&](std::int64_t delay) {
    return std::max(env->event_time_ms() + delay, emitted_ms_ + 1);
  };

  switch (env->payload_type()) {
    case fbs::Payload::ScaleDecision: {
      const auto* d = env->payload_as_ScaleDecision();
      auto it = services_.find(std::string(view(d->service())));
      if (it != services_.end() && d->to_replicas() >= 1)
        it->second.pending.emplace_back(at(cfg_.actuation_delay_ms), d->to_replicas());
      break;
    }
    case fbs::Payload::RemediationDecision: {
      const auto* d = env->payload_as_RemediationDecision();
      const std::string service(view(d->service()));
      const std::string incident(view(d->incident_id()));
      const std::string action(view(d->action()));
      bool success = false;
      std::string detail;
      if (service == db_load.name) {
        // Only a pool restart releases the leaked connections.
        success = action == "restart_connection_pool";
        if (success) db_leaking_ = false;
        detail = success ? "connection pool restarted, 0/50 connections in use"
                         : action + " done, connections still exhausted";
      } else if (service == payments_load.name) {
        // Each remediation relieves the failing dependency less than the one before.
        const double after = 0.01 + cfg_.payments_relief_decay * payments_remediations_;
        ++payments_remediations_;
        payments_5xx_ = std::max(0.0, after);
        success = payments_5xx_ < cfg_.payments_5xx_threshold;
        if (success) payments_incident_open_ = false;
        detail = action + " done, 5xx rate now " + rate(payments_5xx_);
      } else {
        success = true;
        detail = action + " done";
      }
      flatbuffers::FlatBufferBuilder b;
      const std::string runbook(view(d->runbook()));
      auto o = fbs::CreateRemediationOutcomeDirect(b, incident.c_str(), runbook.c_str(),
                                                   action.c_str(), success, detail.c_str());
      const std::int64_t t = at(cfg_.remediation_delay_ms);
      schedule(t, std::string(health_topic), service,
               finish(b, t, service, "svc:effect-worker", incident, cause,
                      fbs::Payload::RemediationOutcome, o.Union()));
      if (success && service == db_load.name) {
        flatbuffers::FlatBufferBuilder hb;
        auto h = fbs::CreateHealthCheckDirect(hb, service.c_str(), "connection-pool", true,
                                              "SELECT 1 in 3 ms");
        const std::int64_t th = at(cfg_.health_check_delay_ms);
        schedule(th, std::string(health_topic), service,
                 finish(hb, th, service, "svc:health-monitor", incident, cause,
                        fbs::Payload::HealthCheck, h.Union()));
      }
      break;
    }
    case fbs::Payload::EscalationDecision: {
      const auto* d = env->payload_as_EscalationDecision();
      if (view(d->service()) == payments_load.name) payments_escalated_ = true;
      break;
    }
    case fbs::Payload::Recommendation: {
      const auto* d = env->payload_as_Recommendation();
      if (view(d->kind()) == "index" && index_ready_ms_ < 0)
        index_ready_ms_ = env->event_time_ms() + cfg_.apply_delay_ms;
      if (view(d->kind()) == "cache" && cache_resized_ms_ < 0)
        cache_resized_ms_ = env->event_time_ms() + cfg_.apply_delay_ms;
      break;
    }
    case fbs::Payload::RuntimeScaleDecision: {
      const auto* d = env->payload_as_RuntimeScaleDecision();
      if (d->to_instances() >= 1)
        instances_pending_.emplace_back(at(cfg_.actuation_delay_ms), d->to_instances());
      break;
    }
    default: break;
  }
  return true;
}

} // namespace aetherial::app
