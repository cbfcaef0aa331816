#include "app/explain.hpp"

#include "runtime/audit.hpp"

namespace aetherial::app {

bool chain_is_unknown(const std::string& chain, const schemas::event_id& id) {
  const std::string unknown = id.to_string() + ": not in the log";
  return chain.empty() || chain.compare(0, unknown.size(), unknown) == 0;
}

command_output explain_event(const std::string& id_text, const chain_reader& read) {
  command_output r;
  const auto id = schemas::event_id::parse(id_text);
  if (!id) {
    r.exit_code = 2;
    r.err = "aetherial explain: '" + id_text + "' is not an event id (32 hex digits)\n";
    return r;
  }
  auto chain = read(*id);
  if (!chain) {
    r.exit_code = 2;
    r.err = "aetherial explain: " + chain.error_value().message + "\n";
    return r;
  }
  if (chain_is_unknown(chain.value(), *id)) {
    r.exit_code = 1;
    r.err = "no event with id " + id->to_string() + " in the log\n";
    return r;
  }
  r.out = chain.value();
  return r;
}

command_output explain_event(const std::string& brokers,
                             const std::map<std::string, std::string>& kafka_properties,
                             const std::string& topic_prefix, const std::string& id_text) {
  if (brokers.empty()) {
    command_output r;
    r.exit_code = 2;
    r.err = "aetherial explain: --brokers is required\n";
    return r;
  }
  topics::kafka_config kc;
  kc.brokers = brokers;
  kc.extra = kafka_properties;
  return explain_event(
      id_text, [&](const schemas::event_id& id) { return runtime::explain(kc, topic_prefix, id); });
}

} // namespace aetherial::app
