#include "topics/acls.hpp"

#include <sstream>

namespace aetherial::topics {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

/// Topics the runtime writes: every internal topic, and platform.health (incidents the
/// runtime and agents raise).
bool runtime_writes(std::string_view logical) {
  return starts_with(logical, "aetherial.")
             ? logical != catalog::effect_results && logical != "aetherial.commands"
             : logical == catalog::health;
}

/// Topics the runtime reads: agent inputs, platform.reference (its broadcaster copies it),
/// and its own journal, snapshots and changelog (recovery).
bool runtime_reads(const topic_spec& t) {
  return t.agent_input || t.name == catalog::reference || t.name == catalog::journal ||
         t.name == catalog::snapshots || t.name == catalog::changelog;
}

} // namespace

std::vector<acl_binding> least_privilege_acls(const catalog& cat, const acl_principals& who,
                                              const std::string& group) {
  std::vector<acl_binding> out;
  const auto topic = [&](const std::string& principal, const topic_spec& t, const char* op) {
    if (!principal.empty()) out.push_back({"topic", cat.name(t.name), false, principal, op});
  };
  const auto prefixed = [&](const std::string& principal, const char* type, const std::string& name,
                            const char* op) {
    if (!principal.empty()) out.push_back({type, name, true, principal, op});
  };

  for (const auto& t : cat.topics()) {
    topic(who.runtime, t, "describe");
    topic(who.runtime, t, "create");
    if (runtime_reads(t)) topic(who.runtime, t, "read");
    if (runtime_writes(t.name)) topic(who.runtime, t, "write");
  }
  prefixed(who.runtime, "group", group + ".", "read");
  prefixed(who.runtime, "transactional_id", group + ".", "write");
  prefixed(who.runtime, "transactional_id", group + ".", "describe");

  const std::string commands = "aetherial.commands";
  for (const auto& t : cat.topics()) {
    if (t.name == commands) {
      topic(who.gateway, t, "describe");
      topic(who.gateway, t, "write");
    } else if (t.name == catalog::replies) {
      topic(who.gateway, t, "describe");
      topic(who.gateway, t, "read");
    }
  }

  for (const auto& t : cat.topics())
    if (starts_with(t.name, "platform.")) {
      topic(who.platform, t, "describe");
      topic(who.platform, t, "write");
    }

  for (const auto& t : cat.topics()) {
    if (t.name == catalog::effects) {
      topic(who.effects, t, "describe");
      topic(who.effects, t, "read");
    } else if (t.name == catalog::effect_results) {
      topic(who.effects, t, "describe");
      topic(who.effects, t, "write");
    }
  }
  prefixed(who.effects, "group", group + ".effects", "read");

  for (const auto& t : cat.topics()) {
    topic(who.auditor, t, "describe");
    topic(who.auditor, t, "read");
  }
  return out;
}

std::string format_acls(const std::vector<acl_binding>& acls) {
  std::ostringstream out;
  for (const auto& a : acls) {
    out << "--add --allow-principal " << a.principal << " --operation " << a.operation << " --"
        << (a.resource_type == "transactional_id" ? "transactional-id" : a.resource_type) << " "
        << a.name << " --resource-pattern-type " << (a.prefixed ? "prefixed" : "literal") << "\n";
  }
  return out.str();
}

std::string format_acls_tsv(const std::vector<acl_binding>& acls) {
  std::ostringstream out;
  for (const auto& a : acls)
    out << a.resource_type << '\t' << a.name << '\t' << (a.prefixed ? "prefixed" : "literal")
        << '\t' << a.principal << '\t' << a.operation << '\n';
  return out.str();
}

} // namespace aetherial::topics
