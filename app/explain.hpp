#pragma once
// `aetherial explain`: the chain of events that led to a decision (runtime::explain), with
// the command line's reading of the id and of an id the log does not hold.

#include <functional>
#include <map>
#include <string>

#include "app/inspect.hpp"
#include "schemas/envelope.hpp"
#include "schemas/result.hpp"

namespace aetherial::app {

/// Reads the chain of an event id: runtime::explain over Kafka, or a stand-in in tests.
using chain_reader = std::function<result<std::string>(const schemas::event_id&)>;

/// Whether a chain printed by runtime::explain says that `id` itself is not in the log.
[[nodiscard]] bool chain_is_unknown(const std::string& chain, const schemas::event_id& id);

/// `explain` of `id_text`: exit 2 when it is not an event id or the log cannot be read,
/// 1 with "no event with id ..." when the log does not hold it, else 0 with the chain.
[[nodiscard]] command_output explain_event(const std::string& id_text, const chain_reader& read);

/// `explain` against the brokers (exit 2 when none are given).
[[nodiscard]] command_output
explain_event(const std::string& brokers,
              const std::map<std::string, std::string>& kafka_properties,
              const std::string& topic_prefix, const std::string& id_text);

} // namespace aetherial::app
