#include "runtime/applier.hpp"

#include <algorithm>

#include <cstdint>
#include <exception>

#include "schemas/json.hpp"
#include "schemas/partitioner.hpp"
#include "schemas/validate.hpp"
#include "topics/catalog.hpp"

namespace aetherial::runtime {

namespace {

/// Verification (size, FlatBuffers) of `data`, then the input limits.
const schemas::fbs::Envelope* verify_and_check(const std::uint8_t* data, std::size_t size,
                                               const schemas::input_limits& limits,
                                               std::string* why) {
  const auto* env = schemas::verify_envelope(data, size, limits.max_event_bytes, why);
  if (env == nullptr || !schemas::check_envelope(*env, limits, why)) return nullptr;
  return env;
}

} // namespace

std::optional<std::string> misplaced(const topics::record_view& r, std::int32_t partitions) {
  if (partitions <= 0 || r.key.empty()) return std::nullopt;
  const std::int32_t home = schemas::key_partition(r.key, partitions);
  if (home == r.partition) return std::nullopt;
  return "record with key of " + std::to_string(r.key.size()) + " bytes is on partition " +
         std::to_string(r.partition) + " of " + std::string(r.topic) +
         ", but murmur2 (the Java client's partitioner) puts the key on partition " +
         std::to_string(home) + " of " + std::to_string(partitions) +
         ": produce with that partitioner (librdkafka: partitioner=murmur2_random)";
}

decoded_event decode_record(const topics::record_view& r, const schemas::input_limits& limits,
                            std::vector<std::uint8_t>* aligned) {
  decoded_event d;
  const auto max_bytes = limits.max_event_bytes;
  if (r.null_value) {
    d.why = "null record value (a tombstone; events are never null)";
    return d;
  }
  const auto* data = r.value.data();
  const auto size = r.value.size();
  if (size > 0 && size <= max_bytes && data[0] == '{') {
    schemas::json_defaults defaults;
    const std::uint64_t h = schemas::fnv1a(r.topic);
    defaults.id = {schemas::mix64(h ^ static_cast<std::uint64_t>(r.partition)),
                   schemas::mix64(h + static_cast<std::uint64_t>(r.offset))};
    defaults.event_time_ms = r.timestamp_ms;
    defaults.principal = "json-ingress";
    auto bytes = schemas::envelope_from_json(
        std::string_view(reinterpret_cast<const char*>(data), size), defaults, &d.why);
    if (!bytes) {
      d.why = "invalid JSON event: " + d.why;
      return d;
    }
    d.converted = std::move(*bytes);
    d.env = verify_and_check(d.converted.data(), d.converted.size(), limits, &d.why);
    return d;
  }
  // The largest scalar alignment the schemas use is 8 (doubles, 64-bit ids); a vector's
  // storage comes from operator new, aligned for every scalar.
  if (size > 0 && size <= max_bytes && reinterpret_cast<std::uintptr_t>(data) % 8 != 0) {
    auto& copy = aligned != nullptr ? *aligned : d.converted;
    copy.assign(data, data + size);
    data = copy.data();
  }
  d.env = verify_and_check(data, size, limits, &d.why);
  return d;
}

std::int32_t kind_partitions(const std::vector<std::int32_t>& input_partitions) {
  std::int32_t n = 1;
  for (const auto p : input_partitions)
    n = std::max(n, p);
  return n;
}

apply_outcome apply_record(actors::agent& agent, event_window& seen, std::string_view kind,
                           const topics::record_view& r, const schemas::input_limits& limits,
                           const identity_verifier* identities, actors::table_store* tables,
                           partition_of where) {
  // Decoded and applied in this call: one buffer per thread serves every misaligned record.
  thread_local std::vector<std::uint8_t> aligned;
  return apply_decoded(agent, seen, kind, decode_record(r, limits, &aligned), limits, identities,
                       tables, where);
}

apply_outcome apply_decoded(actors::agent& agent, event_window& seen, std::string_view kind,
                            decoded_event&& d, const schemas::input_limits& limits,
                            const identity_verifier* identities, actors::table_store* tables,
                            partition_of where) {
  apply_outcome out;
  if (d.env == nullptr) {
    out.result = apply_outcome::status::invalid;
    out.reason = std::move(d.why);
    return out;
  }
  if (const auto id = schemas::event_id::from(d.env->id()); !seen.admit(id)) {
    out.result = apply_outcome::status::duplicate;
    out.reason = "duplicate event id " + id.to_string() + " (already applied within the last " +
                 std::to_string(seen.capacity()) + " events of this partition)";
    return out;
  }
  actors::context ctx(kind, *d.env);
  ctx.set_tables(tables);
  ctx.set_partition(where.partition, where.partitions);
  ctx.set_input_topic(where.topic);
  actors::identity who;
  if (identities != nullptr) {
    who = identities->of(*d.env);
    ctx.set_identity(&who);
  }
  try {
    agent.on_event(*d.env, ctx);
  } catch (const std::exception& e) {
    out.result = apply_outcome::status::threw;
    out.reason = e.what();
    return out;
  } catch (...) {
    out.result = apply_outcome::status::threw;
    out.reason = "unknown exception";
    return out;
  }
  out.outputs = ctx.take_outputs();
  // An output the broker would refuse must not block the partition (or vanish): the input
  // is dead-lettered instead, the same way on every replay.
  for (const auto& o : out.outputs) {
    if (o.value.size() + o.key.size() <= limits.max_output_bytes) continue;
    out.result = apply_outcome::status::invalid;
    out.reason = "its " + std::string(actors::output_name(o.to)) + " output of " +
                 std::to_string(o.value.size()) + " bytes exceeds the output limit of " +
                 std::to_string(limits.max_output_bytes) + " bytes";
    out.outputs.clear();
    break;
  }
  return out;
}

std::string_view output_topic(actors::output o) noexcept {
  switch (o) {
    case actors::output::decisions: return topics::catalog::decisions;
    case actors::output::replies: return topics::catalog::replies;
    case actors::output::tasks: return topics::catalog::tasks;
    case actors::output::effects: return topics::catalog::effects;
    case actors::output::health: return topics::catalog::health;
    case actors::output::repartition: return topics::catalog::repartition;
  }
  return topics::catalog::decisions;
}

} // namespace aetherial::runtime
