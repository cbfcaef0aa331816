#include "runtime/applier.hpp"

#include <exception>

#include "schemas/json.hpp"
#include "topics/catalog.hpp"

namespace aetherial::runtime {

decoded_event decode_record(const topics::record& r, std::size_t max_bytes) {
  decoded_event d;
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
    d.env = schemas::verify_envelope(d.converted.data(), d.converted.size(), max_bytes, &d.why);
    return d;
  }
  d.env = schemas::verify_envelope(data, size, max_bytes, &d.why);
  return d;
}

apply_outcome apply_record(actors::agent& agent, std::string_view kind, const topics::record& r,
                           std::size_t max_bytes) {
  apply_outcome out;
  auto d = decode_record(r, max_bytes);
  if (d.env == nullptr) {
    out.result = apply_outcome::status::invalid;
    out.reason = std::move(d.why);
    return out;
  }
  actors::context ctx(kind, *d.env);
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
  return out;
}

std::string_view output_topic(actors::output o) noexcept {
  switch (o) {
    case actors::output::decisions: return topics::catalog::decisions;
    case actors::output::replies: return topics::catalog::replies;
    case actors::output::tasks: return topics::catalog::tasks;
    case actors::output::effects: return topics::catalog::effects;
    case actors::output::health: return topics::catalog::health;
  }
  return topics::catalog::decisions;
}

} // namespace aetherial::runtime
