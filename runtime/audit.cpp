#include "runtime/audit.hpp"

#include <algorithm>
#include <limits>

#include <map>
#include <set>
#include <sstream>

#include "actors/registry.hpp"
#include "runtime/applier.hpp"
#include "runtime/errc.hpp"
#include "runtime/journal.hpp"
#include "runtime/recovery.hpp"
#include "schemas/json.hpp"
#include "topics/catalog.hpp"

namespace aetherial::runtime {
namespace {

error audit_error(std::string message) {
  return make_error(errc::configuration, std::move(message));
}

/// A recorded output event.
struct recorded {
  std::vector<std::uint8_t> bytes;
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::size_t copies = 0;
  bool conflicting = false; ///< the same id was recorded with different bytes
};

/// A replayed input event, for causal chains.
struct input_ref {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::vector<std::uint8_t> bytes; ///< the verified envelope
};

std::string json_of(const std::vector<std::uint8_t>& b) {
  return schemas::envelope_to_json(b.data(), b.size());
}

/// Reads every record of the given topics into `out`, keyed by event id, for `principal`.
/// Reads every record of the given topics into `out`, per principal, keyed by event id.
result<std::uint64_t>
read_outputs(const topics::kafka_config& cfg, const std::vector<std::string>& names,
             std::map<std::string, std::map<schemas::event_id, recorded>>& by_principal,
             const audit_options& o) {
  std::uint64_t seen = 0;
  for (const auto& name : names) {
    auto read = read_topic(
        cfg, name,
        [&](topics::record& rec) {
          std::string why;
          const auto* env =
              schemas::verify_envelope(rec.value.data(), rec.value.size(), ~std::size_t{0}, &why);
          if (env == nullptr || env->principal() == nullptr) return;
          auto& slot = by_principal[env->principal()->str()][schemas::event_id::from(env->id())];
          if (slot.copies++ == 0) {
            slot.bytes = std::move(rec.value);
            slot.topic = rec.topic;
            slot.partition = rec.partition;
            slot.offset = rec.offset;
          } else if (slot.bytes != rec.value) {
            slot.conflicting = true; // keep the first; any mismatch is a divergence
          }
        },
        [&](std::size_t n) {
          if (o.progress) o.progress("reading " + name, seen + n, 0);
        });
    if (!read) return read.error_value();
    seen += read.value();
  }
  return seen;
}

/// Ids of the agent's input events beyond what its journal covers (a live node's tail, not
/// yet checkpointed): a recorded decision caused by one of them is pending, not divergent.
result<std::set<schemas::event_id>> unjournaled_input_ids(const topics::kafka_config& cfg,
                                                          const std::vector<std::string>& inputs,
                                                          const journal_index& journal,
                                                          const audit_options& o) {
  std::vector<topics::topic_partition> from;
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  for (std::size_t t = 0; t < inputs.size(); ++t) {
    auto parts = rd.value()->partition_count(inputs[t], topics::ms{10000});
    if (!parts) return parts.error_value();
    for (std::int32_t p = 0; p < parts.value(); ++p) {
      std::int64_t end = -2; // never journaled: all of it is tail
      if (auto it = journal.find(p); it != journal.end())
        for (const auto& [seq, e] : it->second)
          for (const auto& s : e.segments)
            if (s.topic_index == static_cast<int>(t)) end = std::max(end, s.first_offset + s.count);
      from.push_back({inputs[t], p, end});
    }
  }
  std::set<schemas::event_id> ids;
  auto read = read_partitions(cfg, from, [&](topics::record& rec) {
    auto decoded = decode_record(rec, o.limits);
    if (decoded.env) ids.insert(schemas::event_id::from(decoded.env->id()));
  });
  if (!read) return read.error_value();
  return ids;
}

std::string causal_chain(const schemas::event_id& decision_id,
                         const std::map<schemas::event_id, recorded>& recorded_by_id,
                         const std::map<schemas::event_id, input_ref>& inputs_by_id,
                         const std::vector<std::uint8_t>* recomputed) {
  std::ostringstream os;
  os << "decision " << decision_id.to_string() << "\n";
  auto rit = recorded_by_id.find(decision_id);
  if (rit != recorded_by_id.end())
    os << "  recorded   (" << rit->second.topic << "/" << rit->second.partition << "@"
       << rit->second.offset << "): " << json_of(rit->second.bytes) << "\n";
  else
    os << "  recorded   : (absent from the log)\n";
  if (recomputed)
    os << "  recomputed : " << json_of(*recomputed) << "\n";
  else
    os << "  recomputed : (replay does not produce it)\n";
  // Walk causation ids back through inputs and decisions.
  schemas::event_id cause{};
  const std::vector<std::uint8_t>* start = recomputed;
  if (!start && rit != recorded_by_id.end()) start = &rit->second.bytes;
  if (start) {
    std::string why;
    if (const auto* env =
            schemas::verify_envelope(start->data(), start->size(), ~std::size_t{0}, &why))
      cause = schemas::event_id::from(env->causation_id());
  }
  for (int depth = 0; depth < 16 && !cause.is_zero(); ++depth) {
    os << "  caused by " << cause.to_string();
    const std::vector<std::uint8_t>* bytes = nullptr;
    if (auto in = inputs_by_id.find(cause); in != inputs_by_id.end()) {
      os << " (input " << in->second.topic << "/" << in->second.partition << "@"
         << in->second.offset << ")";
      bytes = &in->second.bytes;
    } else if (auto d = recorded_by_id.find(cause); d != recorded_by_id.end()) {
      os << " (decision " << d->second.topic << "/" << d->second.partition << "@"
         << d->second.offset << ")";
      bytes = &d->second.bytes;
    }
    if (!bytes) {
      os << " (not found in the audited log)\n";
      break;
    }
    os << ": " << json_of(*bytes) << "\n";
    std::string why;
    const auto* env = schemas::verify_envelope(bytes->data(), bytes->size(), ~std::size_t{0}, &why);
    cause = env ? schemas::event_id::from(env->causation_id()) : schemas::event_id{};
  }
  return os.str();
}

} // namespace

std::string audit_report::summary() const {
  std::ostringstream os;
  os << decisions << " decisions, " << divergences << " divergences";
  if (pending) os << " (" << pending << " recorded decisions not yet checkpointed)";
  return os.str();
}

result<audit_report> run_audit(const audit_options& o) {
  audit_report report;
  const topics::catalog cat(o.topic_prefix);
  std::vector<std::string> agents;
  for (const auto& a : o.agents) {
    if (a != "all") {
      agents.push_back(a);
      continue;
    }
    for (const auto& k : actors::agent_kinds())
      agents.push_back(k.name);
  }
  // The journal first, then every output topic, once for all audited agents: an input the
  // journal names had its outputs written before its journal record, so on a live node
  // every output of a journaled input is read; later outputs are pending.
  auto journals = read_journals(o.kafka, cat.name(topics::catalog::journal), [&](std::size_t n) {
    if (o.progress) o.progress("reading journal", n, 0);
  });
  if (!journals) return journals.error_value();
  std::map<std::string, std::map<schemas::event_id, recorded>> recorded_by_principal;
  std::vector<std::string> output_topics;
  for (auto out : {actors::output::decisions, actors::output::replies, actors::output::tasks,
                   actors::output::effects})
    output_topics.push_back(cat.name(output_topic(out)));
  auto read = read_outputs(o.kafka, output_topics, recorded_by_principal, o);
  if (!read) return read.error_value();
  // Events that claim to come from an agent this build does not have were made by no agent.
  if (std::find(o.agents.begin(), o.agents.end(), "all") != o.agents.end()) {
    for (const auto& [principal, by_id] : recorded_by_principal) {
      if (principal.rfind("agent:", 0) != 0 || by_id.empty()) continue;
      if (actors::find_agent_kind(principal.substr(6)) != nullptr) continue;
      report.divergences += by_id.size();
      if (report.first_divergence.empty())
        report.first_divergence = "the log has " + std::to_string(by_id.size()) +
                                  " event(s) from " + principal + ", which is no agent kind:\n" +
                                  causal_chain(by_id.begin()->first, by_id, {}, nullptr);
    }
  }

  for (const auto& agent_name : agents) {
    const auto* kind = actors::find_agent_kind(agent_name);
    if (!kind) return audit_error("unknown agent kind '" + agent_name + "'");
    auto& recorded_by_id = recorded_by_principal["agent:" + agent_name];
    auto& journal = journals.value()[agent_name];

    std::vector<std::string> inputs;
    for (const auto& t : kind->input_topics)
      inputs.push_back(cat.name(t));

    std::map<schemas::event_id, input_ref> inputs_by_id;
    std::set<schemas::event_id> recomputed_ids;
    for (auto& [partition, entries_by_seq] : journal) {
      std::vector<const journal_entry*> entries;
      for (auto& [seq, e] : entries_by_seq)
        entries.push_back(&e);
      auto batch = fetch_journaled_inputs(o.kafka, inputs, partition, entries);
      if (!batch) return batch.error_value();
      auto agent = kind->make(o.settings);
      actors::memory_table_store tables; // replay rebuilds the keyed state from the log too
      event_window seen(o.limits.duplicate_window);
      std::uint64_t done = 0;
      for (const auto& in : batch.value()) {
        ++report.inputs_replayed;
        auto decoded = decode_record(in->rec, o.limits);
        if (decoded.env) {
          const auto* begin =
              decoded.converted.empty() ? in->rec.value.data() : decoded.converted.data();
          const auto size =
              decoded.converted.empty() ? in->rec.value.size() : decoded.converted.size();
          inputs_by_id[schemas::event_id::from(decoded.env->id())] = {
              in->rec.topic, in->rec.partition, in->rec.offset,
              std::vector<std::uint8_t>(begin, begin + size)};
        }
        auto out =
            apply_record(*agent, seen, agent_name, in->rec, o.limits, o.identities.get(), &tables);
        if (out.result == apply_outcome::status::threw) {
          ++report.divergences;
          if (report.first_divergence.empty())
            report.first_divergence = "replay of " + in->rec.topic + "/" +
                                      std::to_string(in->rec.partition) + "@" +
                                      std::to_string(in->rec.offset) +
                                      " threw, but the live agent applied it: " + out.reason;
          continue;
        }
        for (auto& e : out.outputs) {
          std::string why;
          const auto* env =
              schemas::verify_envelope(e.value.data(), e.value.size(), ~std::size_t{0}, &why);
          const auto id = schemas::event_id::from(env->id());
          recomputed_ids.insert(id);
          auto rit = recorded_by_id.find(id);
          const bool same = rit != recorded_by_id.end() && rit->second.bytes == e.value &&
                            !rit->second.conflicting;
          if (same) {
            ++report.decisions;
            if (rit->second.copies > 1) ++report.duplicates;
            continue;
          }
          ++report.divergences;
          if (report.first_divergence.empty())
            report.first_divergence =
                (rit == recorded_by_id.end()
                     ? std::string("replay produces a decision the log does not have:\n")
                     : std::string("the recorded decision differs from the recomputed one:\n")) +
                causal_chain(id, recorded_by_id, inputs_by_id, &e.value);
        }
        if (o.progress && (++done % 1000 == 0 || done == batch.value().size()))
          o.progress("replaying " + agent_name + " partition " + std::to_string(partition), done,
                     batch.value().size());
      }
    }
    // Recorded decisions that replay did not produce: pending when caused by an input the
    // journal does not cover yet, divergent otherwise (forged, or caused by nothing).
    std::set<schemas::event_id> tail;
    bool tail_read = false;
    for (const auto& [id, rec] : recorded_by_id) {
      if (recomputed_ids.count(id)) continue;
      std::string why;
      const auto* env =
          schemas::verify_envelope(rec.bytes.data(), rec.bytes.size(), ~std::size_t{0}, &why);
      const auto cause = env ? schemas::event_id::from(env->causation_id()) : schemas::event_id{};
      if (!inputs_by_id.count(cause)) {
        if (!tail_read) {
          auto ids = unjournaled_input_ids(o.kafka, inputs, journal, o);
          if (!ids) return ids.error_value();
          tail = std::move(ids.value());
          tail_read = true;
        }
        if (tail.count(cause)) {
          ++report.pending;
          continue;
        }
      }
      ++report.divergences;
      if (report.first_divergence.empty())
        report.first_divergence =
            (inputs_by_id.count(cause)
                 ? std::string("the log has a decision that replay does not produce:\n")
                 : std::string("the log has a decision caused by no input of agent " + agent_name +
                               " (forged, or written by something else):\n")) +
            causal_chain(id, recorded_by_id, inputs_by_id, nullptr);
    }
  }
  return report;
}

result<std::string> explain(const topics::kafka_config& kafka, const std::string& topic_prefix,
                            const schemas::event_id& id) {
  const topics::catalog cat(topic_prefix);
  std::map<schemas::event_id, recorded> events;
  // Recorded outputs were checked as inputs already or made by agents: only their form counts.
  schemas::input_limits recorded_limits;
  recorded_limits.max_event_bytes = ~std::size_t{0};
  recorded_limits.max_string_bytes = ~std::size_t{0};
  recorded_limits.min_event_time_ms = std::numeric_limits<std::int64_t>::min();
  recorded_limits.max_event_time_ms = std::numeric_limits<std::int64_t>::max();
  for (const auto& t : cat.topics()) {
    if (t.compacted || t.name == topics::catalog::journal || t.name == topics::catalog::dlq)
      continue;
    const auto name = cat.name(t.name);
    auto read = read_topic(kafka, name, [&](topics::record& rec) {
      auto decoded = decode_record(rec, recorded_limits);
      if (!decoded.env) return;
      auto& slot = events[schemas::event_id::from(decoded.env->id())];
      if (slot.copies++ > 0) return;
      slot.bytes = decoded.converted.empty() ? std::move(rec.value) : std::move(decoded.converted);
      slot.topic = rec.topic;
      slot.partition = rec.partition;
      slot.offset = rec.offset;
    });
    if (!read) return read.error_value();
  }
  std::ostringstream os;
  schemas::event_id at = id;
  for (int depth = 0; depth < 32 && !at.is_zero(); ++depth) {
    auto it = events.find(at);
    if (it == events.end()) {
      os << (depth == 0 ? "" : "  caused by ") << at.to_string() << ": not in the log\n";
      break;
    }
    os << (depth == 0 ? "" : "  caused by ") << at.to_string() << " (" << it->second.topic << "/"
       << it->second.partition << "@" << it->second.offset << "): " << json_of(it->second.bytes)
       << "\n";
    std::string why;
    const auto* env = schemas::verify_envelope(it->second.bytes.data(), it->second.bytes.size(),
                                               ~std::size_t{0}, &why);
    at = env ? schemas::event_id::from(env->causation_id()) : schemas::event_id{};
  }
  return os.str();
}

} // namespace aetherial::runtime
