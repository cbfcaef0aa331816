#include "app/status.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "actors/operations/operations_agent.hpp"
#include "actors/operations/runtime_scaling.hpp"
#include "actors/registry.hpp"
#include "schemas/partitioner.hpp"
#include "topics/catalog.hpp"

namespace aetherial::app {
namespace {

constexpr topics::ms request_timeout{10000};

std::string partitions_text(const std::vector<topics::topic_partition>& assignment) {
  // Co-partitioned inputs: members own the same partition numbers of every input topic.
  std::set<std::int32_t> numbers;
  for (const auto& tp : assignment)
    numbers.insert(tp.partition);
  std::string out;
  for (const auto n : numbers)
    out += (out.empty() ? "" : ",") + std::to_string(n);
  return out.empty() ? "-" : out;
}

/// The member that owns partition `p` of `topic`, or "-".
std::string owner_of(const topics::group_description& d, const std::string& topic, std::int32_t p) {
  for (const auto& m : d.members)
    for (const auto& tp : m.assignment)
      if (tp.topic == topic && tp.partition == p)
        return m.instance_id.empty() ? m.member_id : m.instance_id;
  return "-";
}

/// Records of the decisions partition read back for the latest runtime scale decision.
constexpr std::int64_t decisions_tail = 20000;

/// The latest RuntimeScaleDecision among the last `decisions_tail` committed records of the
/// decisions partition its key ("runtime") maps to.
std::optional<runtime_scale_status> last_runtime_scale(const topics::kafka_config& kafka,
                                                       const topics::catalog& cat) {
  auto r = topics::reader::create(kafka, /*read_committed=*/true);
  if (!r) return std::nullopt;
  auto& reader = *r.value();
  const std::string topic = cat.name(topics::catalog::decisions);
  const auto n = reader.partition_count(topic, request_timeout);
  if (!n) return std::nullopt;
  const std::int32_t p = schemas::key_partition("runtime", n.value());
  const auto marks = reader.watermarks(topic, p, request_timeout);
  if (!marks || marks.value().second <= marks.value().first) return std::nullopt;
  const std::int64_t from = std::max(marks.value().first, marks.value().second - decisions_tail);
  if (!reader.assign({{topic, p, from}}) || !reader.bound_to_current_end(request_timeout))
    return std::nullopt;
  std::optional<runtime_scale_status> last;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!reader.at_end() && std::chrono::steady_clock::now() < until) {
    for (const auto& rec : reader.poll(1000, topics::ms{200})) {
      if (rec.key != "runtime") continue;
      std::string why;
      const auto* env =
          schemas::verify_envelope(rec.value.data(), rec.value.size(), rec.value.size(), &why);
      if (env == nullptr) continue;
      const auto* d = env->payload_as_RuntimeScaleDecision();
      if (d == nullptr) continue;
      runtime_scale_status s;
      s.time_ms = env->event_time_ms();
      s.from_instances = d->from_instances();
      s.to_instances = d->to_instances();
      s.total_lag = d->total_lag();
      s.lag_growth_per_s = d->lag_growth_per_s();
      s.reason = d->reason() != nullptr ? d->reason()->str() : std::string();
      s.effect_id =
          actors::operations::runtime_effect_id(schemas::event_id::from(env->causation_id()));
      last = std::move(s);
    }
  }
  return last;
}

std::string utc_text(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

} // namespace

std::int64_t kind_status::lag() const {
  std::int64_t total = 0;
  for (const auto& p : inputs)
    total += p.lag();
  return total;
}

std::vector<kind_status> read_status(const status_options& o) {
  std::vector<std::string> names;
  for (const auto& a : o.agents) {
    if (a == "all") {
      for (const auto& k : actors::agent_kinds())
        names.push_back(k.name);
    } else {
      names.push_back(a);
    }
  }
  const topics::catalog cat(o.topic_prefix);
  std::vector<kind_status> out;
  for (const auto& name : names) {
    kind_status s;
    s.kind = name;
    s.group = o.group + "." + name;
    const auto* kind = actors::find_agent_kind(name);
    if (kind == nullptr) {
      s.describe_error = "no agent kind " + name;
      out.push_back(std::move(s));
      continue;
    }
    if (auto d = topics::describe_group(o.kafka, s.group, request_timeout))
      s.description = std::move(d.value());
    else
      s.describe_error = d.error_value().message;
    std::vector<std::string> inputs;
    for (const auto& t : kind->input_topics)
      inputs.push_back(cat.name(t));
    if (auto p = topics::group_progress(o.kafka, s.group, inputs, request_timeout))
      s.inputs = std::move(p.value());
    else
      s.progress_error = p.error_value().message;
    if (name == actors::operations::kind_name) s.runtime_scale = last_runtime_scale(o.kafka, cat);
    out.push_back(std::move(s));
  }
  return out;
}

std::string render_status(const std::vector<kind_status>& kinds, bool json) {
  if (json) {
    auto doc = nlohmann::json::array();
    for (const auto& k : kinds) {
      nlohmann::json members = nlohmann::json::array();
      for (const auto& m : k.description.members) {
        nlohmann::json owned = nlohmann::json::array();
        for (const auto& tp : m.assignment)
          owned.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
        members.push_back({{"member_id", m.member_id},
                           {"instance_id", m.instance_id},
                           {"client_id", m.client_id},
                           {"host", m.host},
                           {"assignment", owned}});
      }
      nlohmann::json inputs = nlohmann::json::array();
      for (const auto& p : k.inputs)
        inputs.push_back({{"topic", p.topic},
                          {"partition", p.partition},
                          {"committed", p.committed},
                          {"start", p.start},
                          {"end", p.end},
                          {"lag", p.lag()},
                          {"owner", owner_of(k.description, p.topic, p.partition)}});
      nlohmann::json entry = {{"kind", k.kind},
                              {"group", k.group},
                              {"state", k.description.state},
                              {"assignor", k.description.assignor},
                              {"members", members},
                              {"inputs", inputs},
                              {"lag", k.lag()}};
      if (k.runtime_scale) {
        const auto& r = *k.runtime_scale;
        entry["runtime_scale"] = {{"time_ms", r.time_ms},
                                  {"from_instances", r.from_instances},
                                  {"to_instances", r.to_instances},
                                  {"total_lag", r.total_lag},
                                  {"lag_growth_per_s", r.lag_growth_per_s},
                                  {"reason", r.reason},
                                  {"effect_id", r.effect_id}};
      }
      if (!k.describe_error.empty()) entry["describe_error"] = k.describe_error;
      if (!k.progress_error.empty()) entry["progress_error"] = k.progress_error;
      doc.push_back(std::move(entry));
    }
    return doc.dump(2) + "\n";
  }
  std::ostringstream out;
  for (const auto& k : kinds) {
    out << k.kind << " (group " << k.group << "): ";
    if (!k.describe_error.empty())
      out << "not described: " << k.describe_error;
    else
      out << k.description.state << ", " << k.description.members.size() << " member"
          << (k.description.members.size() == 1 ? "" : "s");
    if (k.progress_error.empty()) out << ", lag " << k.lag();
    out << "\n";
    for (const auto& m : k.description.members)
      out << "  member " << (m.instance_id.empty() ? m.member_id : m.instance_id) << " on "
          << m.host << ": partitions " << partitions_text(m.assignment) << "\n";
    if (k.runtime_scale) {
      const auto& r = *k.runtime_scale;
      out << "  runtime scaling: " << r.from_instances << " -> " << r.to_instances
          << " instances decided at " << utc_text(r.time_ms) << " (effect " << r.effect_id
          << "): " << r.reason << "\n";
    }
    if (!k.progress_error.empty()) {
      out << "  offsets not read: " << k.progress_error << "\n";
      continue;
    }
    char line[256];
    std::snprintf(line, sizeof line, "  %-36s %9s %12s %12s %10s  %s\n", "INPUT", "PARTITION",
                  "COMMITTED", "END", "LAG", "OWNER");
    out << line;
    for (const auto& p : k.inputs) {
      std::snprintf(line, sizeof line, "  %-36s %9d %12s %12lld %10lld  %s\n", p.topic.c_str(),
                    p.partition, p.committed >= 0 ? std::to_string(p.committed).c_str() : "none",
                    static_cast<long long>(p.end), static_cast<long long>(p.lag()),
                    owner_of(k.description, p.topic, p.partition).c_str());
      out << line;
    }
  }
  return out.str();
}

command_output status(const status_options& o) {
  command_output r;
  if (o.kafka.brokers.empty()) {
    r.exit_code = 2;
    r.err = "aetherial status: --brokers is required\n";
    return r;
  }
  for (const auto& a : o.agents)
    if (a != "all" && actors::find_agent_kind(a) == nullptr) {
      r.exit_code = 2;
      r.err = "aetherial status: no agent kind '" + a + "'\n";
      return r;
    }
  const auto kinds = read_status(o);
  const bool reached = std::any_of(kinds.begin(), kinds.end(), [](const kind_status& k) {
    return k.describe_error.empty() || k.progress_error.empty();
  });
  r.out = render_status(kinds, o.json);
  if (!reached) {
    r.exit_code = 2;
    r.err = "aetherial status: the brokers at " + o.kafka.brokers + " did not answer\n";
  }
  return r;
}

} // namespace aetherial::app
