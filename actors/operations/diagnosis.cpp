#include "actors/operations/diagnosis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "actors/kit/table_rows.hpp"
#include "actors/kit/task.hpp"
#include "actors/operations/operations_agent.hpp"
#include "actors/operations/state_codec.hpp"
#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

namespace {

namespace stored = ::aetherial::state::operations;

bool sane(double v) {
  return std::isfinite(v) && v >= 0.0;
}

std::string lower(std::string_view v) {
  std::string s(v);
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string percent(double share, int decimals = 0) {
  return fixed(share * 100.0, decimals) + "%";
}

std::string error_percent(double rate) {
  return percent(rate, rate < 0.01 ? 2 : 1);
}

std::string duration(std::int64_t ms) {
  if (ms < 60'000) return integer(ms / 1000) + " s";
  if (ms < 2 * 3'600'000) return integer(ms / 60'000) + " min";
  return integer(ms / 3'600'000) + " h";
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return integer(static_cast<std::int64_t>(n)) + " " + std::string(n == 1 ? one : many);
}

std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

// An escalated problem of a service, within its escalation window.
struct escalation {
  std::string kind;
  std::string incident;
  std::int64_t at_ms = 0;
};

// What the diagnosis knows of one service.
struct service_view {
  std::string name;
  const service_reading* reading = nullptr;
  const service_scaling* scaling = nullptr;
  double target_cpu = 0.0;
  std::int64_t age_ms = 0; // of the reading at the task's time
  bool stale = false;
  double latency_excess = 0.0; // p95 / threshold - 1, when above the threshold
  double error_excess = 0.0;   // error rate / threshold - 1, when above
  double cpu_excess = 0.0;     // cpu / target - 1, when above the tolerance band
  std::vector<std::pair<std::string, const incident_record*>> open; // by incident id
  std::vector<escalation> escalated;                                // by kind

  // How far from healthy: the relative excess over each threshold, plus one per incident.
  [[nodiscard]] double score() const {
    return latency_excess + error_excess + cpu_excess + static_cast<double>(open.size()) +
           static_cast<double>(escalated.size());
  }
  [[nodiscard]] bool unhealthy() const { return score() > 0.0; }
};

std::map<std::string, service_view> collect(const operations_state& s,
                                            const std::map<std::string, service_row>& services,
                                            const operations_config& cfg, std::int64_t now) {
  std::map<std::string, service_view> views;
  const auto& dc = cfg.diagnosis;
  for (const auto& [name, row] : services) {
    if (!row.reading) continue;
    const auto& r = *row.reading;
    auto& v = views[name];
    v.name = name;
    v.reading = &r;
    v.scaling = row.scaling ? &*row.scaling : nullptr;
    v.target_cpu = v.scaling ? v.scaling->target_cpu : cfg.autoscaling.default_target_cpu;
    v.age_ms = std::max<std::int64_t>(now - r.time_ms, 0);
    v.stale = v.age_ms > dc.stale_after_ms;
    if (dc.slow_latency_ms > 0.0 && r.latency_p95_ms > dc.slow_latency_ms)
      v.latency_excess = r.latency_p95_ms / dc.slow_latency_ms - 1.0;
    if (dc.high_error_rate > 0.0 && r.error_rate > dc.high_error_rate)
      v.error_excess = r.error_rate / dc.high_error_rate - 1.0;
    if (v.target_cpu > 0.0 && r.cpu_utilization / v.target_cpu > 1.0 + cfg.autoscaling.tolerance)
      v.cpu_excess = r.cpu_utilization / v.target_cpu - 1.0;
  }
  std::map<std::pair<std::string, std::string>, escalation> escalations; // (service, kind)
  for (const auto& [id, inc] : s.healing.incidents) {
    if (inc.status == incident_status::remediating) {
      auto& v = views[inc.service];
      v.name = inc.service;
      v.open.emplace_back(id, &inc);
    } else if (inc.status == incident_status::escalated &&
               now - inc.closed_ms < cfg.self_healing.recurrence_window_ms) {
      auto& e = escalations[{inc.service, inc.kind}];
      if (e.incident.empty() || inc.closed_ms > e.at_ms) e = {inc.kind, id, inc.closed_ms};
    }
  }
  for (auto& [key, e] : escalations) {
    auto& v = views[key.first];
    v.name = key.first;
    v.escalated.push_back(std::move(e));
  }
  return views;
}

// The measured numbers of a reading: "p95 latency 420 ms, CPU 91% of its 60% target on 2
// replicas, 0.40% errors, 350 rps".
std::string numbers(const service_view& v) {
  const auto& r = *v.reading;
  std::string out = "p95 latency " + fixed(r.latency_p95_ms, 0) + " ms, CPU " +
                    percent(r.cpu_utilization) + " of its " + percent(v.target_cpu) +
                    " target on " +
                    plural(static_cast<std::size_t>(r.replicas), "replica", "replicas") + ", " +
                    error_percent(r.error_rate) + " errors";
  if (r.rps > 0.0) out += ", " + fixed(r.rps, 0) + " rps";
  return out;
}

// Everything known of one service, in sentences.
std::string describe(const service_view& v, const operations_config& cfg, std::int64_t now,
                     std::vector<std::string>& citations) {
  std::string out;
  if (v.reading != nullptr) {
    const char* verdict = v.latency_excess > 0.0 ? "is slow"
                          : v.error_excess > 0.0 ? "is failing requests"
                          : v.cpu_excess > 0.0   ? "is short of CPU"
                                                 : "has a normal load";
    out = v.name + " " + verdict + ": " + numbers(v);
    if (v.stale)
      out += " (its newest sample is from " + utc_time(v.reading->time_ms) + ", " +
             duration(v.age_ms) + " before this question)";
    const auto* sc = v.scaling;
    if (sc != nullptr && sc->decided_replicas > 0 &&
        now - sc->decided_ms <= cfg.diagnosis.recent_decision_ms) {
      out += sc->decided_replicas != v.reading->replicas
                 ? "; scaling to " + integer(sc->decided_replicas) + " replicas was decided at " +
                       utc_time(sc->decided_ms)
                 : "; it was scaled to " + integer(sc->decided_replicas) + " replicas at " +
                       utc_time(sc->decided_ms);
    }
    if (sc != nullptr && v.cpu_excess > 0.0 &&
        std::max(sc->decided_replicas, v.reading->replicas) >= sc->max_replicas)
      out += "; it is at its maximum of " + integer(sc->max_replicas) +
             " replicas, so scaling out cannot add capacity";
    out += ".";
  }
  const std::string who = v.reading != nullptr ? "It" : v.name;
  for (const auto& [id, inc] : v.open) {
    out += out.empty() ? "" : " ";
    out += who + " has an open " + inc->kind + " incident (" + inc->action +
           " in progress, attempt " + integer(inc->attempt) + ", opened at " +
           utc_time(inc->opened_ms) + ").";
    citations.push_back(id);
  }
  for (const auto& e : v.escalated) {
    out += out.empty() ? "" : " ";
    out += who + " has a " + e.kind + " problem that automated remediation could not fix; it was " +
           "escalated to " + cfg.self_healing.escalation_role + " at " + utc_time(e.at_ms) + ".";
    citations.push_back(e.incident);
  }
  if (v.reading == nullptr) out += " No load samples of " + v.name + " have arrived.";
  return out;
}

// The runtime's own lag, when it is behind enough to slow everything down.
std::string runtime_sentence(const runtime_scaling_state& rt, const operations_config& cfg,
                             std::int64_t now) {
  if (rt.samples.empty()) return {};
  const auto& last = rt.samples.back();
  if (last.total_lag < cfg.runtime_scaling.min_lag) return {};
  std::string out = "The event runtime itself is behind: " + integer(last.total_lag) +
                    " events of consumer lag on " +
                    plural(static_cast<std::size_t>(last.instances), "instance", "instances");
  if (now - last.time_ms > cfg.diagnosis.stale_after_ms) out += " as of " + utc_time(last.time_ms);
  if (rt.decided_instances > 0 && rt.decided_instances != last.instances)
    out += "; scaling to " + integer(rt.decided_instances) + " instances was decided at " +
           utc_time(rt.decided_ms);
  return out + ".";
}

void add_service_results(diagnosis& d, const service_view& v) {
  auto& res = d.results;
  res.emplace_back("service", v.name);
  if (v.reading != nullptr) {
    const auto& r = *v.reading;
    res.emplace_back("latency_p95_ms", fixed(r.latency_p95_ms, 1));
    res.emplace_back("cpu_utilization", fixed(r.cpu_utilization, 3));
    res.emplace_back("target_cpu", fixed(v.target_cpu, 3));
    res.emplace_back("error_rate", fixed(r.error_rate, 4));
    res.emplace_back("replicas", integer(r.replicas));
    res.emplace_back("rps", fixed(r.rps, 1));
    res.emplace_back("sample_time_ms", integer(r.time_ms));
  }
  if (v.scaling != nullptr && v.scaling->decided_replicas > 0) {
    res.emplace_back("decided_replicas", integer(v.scaling->decided_replicas));
    res.emplace_back("decided_ms", integer(v.scaling->decided_ms));
  }
  res.emplace_back("open_incidents", integer(static_cast<std::int64_t>(v.open.size())));
  res.emplace_back("escalations", integer(static_cast<std::int64_t>(v.escalated.size())));
  res.emplace_back("score", fixed(v.score(), 3));
}

// Confidence from the share of fresh samples among the services the answer covers.
double confidence_of(const std::vector<const service_view*>& covered) {
  std::size_t with_reading = 0;
  std::size_t fresh = 0;
  for (const auto* v : covered) {
    if (v->reading == nullptr) continue;
    ++with_reading;
    if (!v->stale) ++fresh;
  }
  if (with_reading == 0) return covered.empty() ? 0.0 : 0.3;
  return 0.4 + 0.5 * static_cast<double>(fresh) / static_cast<double>(with_reading);
}

} // namespace

void record_reading(std::optional<service_reading>& reading, const fbs::ServiceLoad& load,
                    std::int64_t time_ms) {
  if (load.replicas() < 1 || !sane(load.rps()) || !sane(load.cpu_utilization()) ||
      !sane(load.latency_p95_ms()) || !sane(load.error_rate()))
    return;
  if (reading && time_ms <= reading->time_ms) return; // stale or redelivered
  service_reading r;
  r.time_ms = time_ms;
  r.replicas = load.replicas();
  r.rps = load.rps();
  r.cpu_utilization = load.cpu_utilization();
  r.latency_p95_ms = load.latency_p95_ms();
  r.error_rate = load.error_rate();
  reading = r;
}

diagnosis diagnose(const operations_state& s, const std::map<std::string, service_row>& services,
                   const operations_config& cfg, std::string_view service, std::int64_t now_ms) {
  diagnosis d;
  const auto views = collect(s, services, cfg, now_ms);
  const std::string runtime = runtime_sentence(s.runtime, cfg, now_ms);
  // Services with a sample or an incident: what this partition watches.
  const std::size_t watched = views.size();

  std::vector<const service_view*> ranked;
  for (const auto& [name, v] : views)
    if (v.unhealthy()) ranked.push_back(&v);
  // Furthest from healthy first; equal scores keep the name order (stable sort over a map).
  std::stable_sort(ranked.begin(), ranked.end(), [](const service_view* a, const service_view* b) {
    return a->score() > b->score();
  });

  const service_view* focus = nullptr;
  const std::string wanted = lower(service);
  if (!wanted.empty())
    for (const auto& [name, v] : views)
      if (lower(name) == wanted) {
        focus = &v;
        break;
      }

  std::string out;
  auto sentence = [&out](const std::string& part) {
    if (part.empty()) return;
    out += out.empty() ? "" : " ";
    out += part;
  };

  if (focus != nullptr) {
    // Only what concerns the service asked about: the task went to the partition of that
    // service, and which other services share it says nothing.
    sentence(describe(*focus, cfg, now_ms, d.citations));
    sentence(runtime);
    d.has_data = true;
    d.top_service = focus->name;
    d.confidence = confidence_of({focus});
    add_service_results(d, *focus);
  } else if (!wanted.empty()) {
    // The task went to the partition that holds the service's samples and incidents, if any.
    sentence("There is no load data and no incident for " + std::string(service) +
             ", so nothing says why it would be slow.");
    sentence(runtime);
    d.has_data = !runtime.empty();
    d.confidence = d.has_data ? 0.3 : 0.0;
  } else {
    if (views.empty()) {
      sentence("The Operations agent has no load data for any service yet: no metrics have "
               "arrived, so it cannot say what is slow.");
      sentence(runtime);
      d.has_data = !runtime.empty();
      d.confidence = d.has_data ? 0.3 : 0.0;
    } else if (!ranked.empty()) {
      const std::size_t detailed = std::max<std::size_t>(cfg.diagnosis.max_detailed, 1);
      std::vector<const service_view*> covered;
      std::vector<std::string> rest;
      for (std::size_t i = 0; i < ranked.size(); ++i) {
        if (i < detailed) {
          sentence(describe(*ranked[i], cfg, now_ms, d.citations));
          covered.push_back(ranked[i]);
        } else {
          rest.push_back(ranked[i]->name);
        }
      }
      if (!rest.empty()) sentence("Also away from healthy: " + name_list(rest) + ".");
      sentence(runtime);
      if (watched > 0)
        sentence("Of the " + plural(watched, "service", "services") + " watched, " +
                 integer(static_cast<std::int64_t>(ranked.size())) +
                 (ranked.size() == 1 ? " needs" : " need") + " attention.");
      d.has_data = true;
      d.top_service = ranked.front()->name;
      d.confidence = confidence_of(covered);
      add_service_results(d, *ranked.front());
    } else {
      // Every watched service is within its thresholds: name the slowest one.
      const service_view* slowest = nullptr;
      for (const auto& [name, v] : views)
        if (v.reading != nullptr &&
            (slowest == nullptr || v.reading->latency_p95_ms > slowest->reading->latency_p95_ms))
          slowest = &v;
      std::string all = "None of the " + plural(watched, "service", "services") +
                        " watched is above " + fixed(cfg.diagnosis.slow_latency_ms, 0) +
                        " ms p95 latency, " + error_percent(cfg.diagnosis.high_error_rate) +
                        " errors or its CPU target, and none has an open incident";
      if (slowest != nullptr) all += "; the slowest is " + slowest->name + ": " + numbers(*slowest);
      sentence(all + ".");
      sentence(runtime);
      std::vector<const service_view*> covered;
      for (const auto& [name, v] : views)
        covered.push_back(&v);
      d.has_data = true;
      d.confidence = confidence_of(covered);
      if (slowest != nullptr) {
        d.top_service = slowest->name;
        add_service_results(d, *slowest);
      }
    }
  }

  if (wanted.empty()) {
    d.results.emplace(d.results.begin(), "services_watched",
                      integer(static_cast<std::int64_t>(watched)));
    d.results.emplace(d.results.begin() + 1, "services_needing_attention",
                      integer(static_cast<std::int64_t>(ranked.size())));
  }
  if (!wanted.empty()) {
    d.results.emplace_back("focus", std::string(service));
    d.results.emplace_back("focus_found", focus != nullptr ? "true" : "false");
  }
  if (!s.runtime.samples.empty()) {
    d.results.emplace_back("runtime_lag", integer(s.runtime.samples.back().total_lag));
    d.results.emplace_back("runtime_instances", integer(s.runtime.samples.back().instances));
  }
  d.text = std::move(out);
  return d;
}

namespace {

// Replies with a diagnosis and reports the task's outcome, both keyed by its conversation.
void emit_diagnosis(const diagnosis& d, const kit::task_spec& t, context& ctx,
                    std::string_view correlation = {}) {
  const std::string type(diagnose_task_type);
  const std::string agent(kind_name);
  std::string conversation = t.conversation_id;
  if (conversation.empty()) conversation = t.task_id;
  if (conversation.empty()) conversation = std::string(view(ctx.cause().key()));

  // Nothing observed yet is an answer, not a failure of this agent.
  const auto status = d.has_data ? fbs::ReplyStatus::answered : fbs::ReplyStatus::no_data;
  kit::emit_reply(ctx, output::replies, conversation,
                  kit::reply_spec{conversation, agent, d.text, status, type, d.confidence,
                                  d.citations, d.results},
                  correlation);
  kit::emit_outcome(ctx, conversation,
                    kit::outcome_spec{t.task_id, type, agent, d.has_data, status, d.text,
                                      conversation, d.results},
                    correlation);
}

} // namespace

bytes diagnosis_part(const operations_state& s, const std::map<std::string, service_row>& services,
                     const operations_config& cfg, std::int64_t now_ms) {
  stored::DiagnosisPartT part;
  operations_state read;
  for (const auto& [id, inc] : s.healing.incidents)
    if (inc.status == incident_status::remediating ||
        (inc.status == incident_status::escalated &&
         now_ms - inc.closed_ms < cfg.self_healing.recurrence_window_ms))
      read.healing.incidents.emplace(id, inc);
  read.runtime = s.runtime;
  part.state = encode_state(read);
  for (const auto& [name, row] : services) {
    if (!row.reading) continue;
    // What a diagnosis reads of the scaling state: the target, the bounds, the last decision.
    service_row kept;
    kept.reading = row.reading;
    if (row.scaling) {
      service_scaling sc;
      sc.has_policy = row.scaling->has_policy;
      sc.min_replicas = row.scaling->min_replicas;
      sc.max_replicas = row.scaling->max_replicas;
      sc.target_cpu = row.scaling->target_cpu;
      sc.decided_replicas = row.scaling->decided_replicas;
      sc.decided_ms = row.scaling->decided_ms;
      kept.scaling = std::move(sc);
    }
    auto entry = std::make_unique<stored::NamedServiceRowT>();
    entry->name = name;
    entry->row = encode_row(kept);
    part.services.push_back(std::move(entry));
  }
  return kit::encode_row<stored::DiagnosisPart>(part);
}

void merge_diagnosis_part(operations_state& into, std::map<std::string, service_row>& services,
                          const bytes& part) {
  const auto p = kit::decode_row<stored::DiagnosisPart>(part, "a diagnosis part");
  const auto read = decode_state(p.state.data(), p.state.size());
  if (!read) kit::impossible_row("a diagnosis part");
  for (const auto& [id, inc] : read->healing.incidents)
    into.healing.incidents.emplace(id, inc);
  // The runtime's telemetry: the newest, the first partition's on a tie.
  const auto newest = [](const runtime_scaling_state& r) {
    return r.samples.empty() ? std::numeric_limits<std::int64_t>::min() : r.samples.back().time_ms;
  };
  if (newest(read->runtime) > newest(into.runtime)) into.runtime = read->runtime;
  for (const auto& entry : p.services) {
    if (!entry || !valid_service_name(entry->name)) kit::impossible_row("a diagnosis part");
    service_row row = decode_row(entry->row);
    if (!row.reading) continue;
    auto [it, fresh] = services.try_emplace(entry->name, row);
    // A service on two partitions (its samples keyed otherwise): the newer sample.
    if (!fresh && (!it->second.reading || row.reading->time_ms > it->second.reading->time_ms))
      it->second = std::move(row);
  }
}

void on_task(const operations_state& s, const operations_config& cfg, service_rows& rows,
             kit::gatherer& gather, const fbs::Task& task, context& ctx) {
  if (view(task.target_agent()) != kind_name || view(task.type()) != diagnose_task_type) return;
  const kit::task_spec t = kit::read_task(task);
  const std::string service = kit::params_as<kit::diagnose_params>(t.params).service;
  auto services = load_services(rows, ctx.tables());
  // A question about every service asks every partition; one about a named service is routed
  // to that service's partition and answered there.
  if (service.empty() && gather.ask(t, diagnosis_part(s, services, cfg, ctx.event_time_ms()), ctx))
    return;
  emit_diagnosis(diagnose(s, services, cfg, service, ctx.event_time_ms()), t, ctx);
}

void finish_diagnosis(const operations_config& cfg, const kit::task_spec& task,
                      const kit::gather_parts& parts, const kit::gather_progress& progress,
                      context& ctx) {
  operations_state merged;
  std::map<std::string, service_row> services;
  for (const auto& [partition, data] : parts)
    merge_diagnosis_part(merged, services, data);
  auto d = diagnose(merged, services, cfg, {}, progress.asked_ms);
  if (const auto note = kit::progress_note(progress); !note.empty()) {
    d.text += " " + note;
    d.confidence = std::min(d.confidence, 0.5);
  }
  for (auto& kv : kit::progress_details(progress))
    d.results.push_back(std::move(kv));
  emit_diagnosis(d, task, ctx, progress.correlation);
}

} // namespace aetherial::actors::operations
