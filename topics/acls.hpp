#pragma once
// The least-privilege ACL set of a deployment, and a way to create it on the brokers.
//
// Each principal gets exactly what its role needs on the catalog's topics (docs/SECURITY.md):
// platform producers write only platform inputs, the gateway only aetherial.commands (and
// reads the replies it waits for), the runtime alone writes the internal topics, the effect
// worker only effect results, auditors read.

#include <string>
#include <vector>

#include "topics/catalog.hpp"

namespace aetherial::topics {

/// One ALLOW rule, in the vocabulary of Kafka's ACLs.
struct acl_binding {
  std::string resource_type; ///< "topic", "group", "transactional_id"
  std::string name;          ///< resource name, or its prefix when `prefixed`
  bool prefixed = false;     ///< PREFIXED pattern (else LITERAL)
  std::string principal;     ///< "User:runtime"
  std::string operation;     ///< "read", "write", "describe", "create"

  friend bool operator==(const acl_binding& a, const acl_binding& b) {
    return a.resource_type == b.resource_type && a.name == b.name && a.prefixed == b.prefixed &&
           a.principal == b.principal && a.operation == b.operation;
  }
};

/// The principals of a deployment ("User:<name>"; empty: that role gets no ACL).
struct acl_principals {
  std::string runtime = "User:runtime";   ///< `aetherial run`
  std::string gateway = "User:gateway";   ///< writes commands (chat, `aetherial ask`)
  std::string platform = "User:platform"; ///< platform producers
  std::string effects = "User:effects";   ///< the effect worker
  std::string auditor = "User:auditor";   ///< `aetherial audit`, `explain`
};

/// The ACL set for `cat` (its prefix included), the runtime's consumer groups and
/// transactional ids starting with `group` + "." , in a fixed order.
[[nodiscard]] std::vector<acl_binding>
least_privilege_acls(const catalog& cat, const acl_principals& who, const std::string& group);

/// One line per binding, in the form of kafka-acls' `--add` options.
[[nodiscard]] std::string format_acls(const std::vector<acl_binding>& acls);

/// One line per binding, tab-separated: resource type, name, pattern ("literal" or
/// "prefixed"), principal, operation. What ops/kafka/acls.sh applies.
[[nodiscard]] std::string format_acls_tsv(const std::vector<acl_binding>& acls);

} // namespace aetherial::topics
