// The least-privilege ACL set: who may write which topic (no broker needed; the system test
// tests/system/secure_test.cpp applies it to Apache Kafka).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "topics/acls.hpp"

using namespace aetherial::topics;

namespace {

bool granted(const std::vector<acl_binding>& acls, const std::string& principal,
             const std::string& type, const std::string& name, const std::string& op) {
  return std::any_of(acls.begin(), acls.end(), [&](const acl_binding& a) {
    if (a.principal != principal || a.resource_type != type || a.operation != op) return false;
    return a.prefixed ? name.rfind(a.name, 0) == 0 : name == a.name;
  });
}

} // namespace

BOOST_AUTO_TEST_CASE(only_the_runtime_writes_internal_topics) {
  const catalog cat("prod.");
  const acl_principals who;
  const auto acls = least_privilege_acls(cat, who, "aetherial");
  for (const char* internal : {"aetherial.tasks", "aetherial.decisions", "aetherial.replies",
                               "aetherial.journal", "aetherial.snapshots", "aetherial.effects",
                               "aetherial.telemetry", "aetherial.dlq", "aetherial.changelog"}) {
    const auto topic = cat.name(internal);
    BOOST_TEST(granted(acls, who.runtime, "topic", topic, "write"), internal);
    for (const auto& other : {who.gateway, who.platform, who.effects, who.auditor})
      BOOST_TEST(!granted(acls, other, "topic", topic, "write"), other << " " << internal);
  }
  // Nobody but the runtime writes anything without a prefix of the deployment.
  for (const auto& a : acls)
    if (a.resource_type == "topic") BOOST_TEST(a.name.rfind("prod.", 0) == 0, a.name);
}

BOOST_AUTO_TEST_CASE(each_role_gets_what_it_needs_and_no_more) {
  const catalog cat;
  const acl_principals who;
  const auto acls = least_privilege_acls(cat, who, "aetherial");
  // Platform producers: their inputs only.
  BOOST_TEST(granted(acls, who.platform, "topic", "platform.metrics", "write"));
  BOOST_TEST(granted(acls, who.platform, "topic", "platform.feedback", "write"));
  BOOST_TEST(!granted(acls, who.platform, "topic", "aetherial.commands", "write"));
  BOOST_TEST(!granted(acls, who.platform, "topic", "platform.metrics", "read"));
  // The gateway: commands, and the replies it waits for.
  BOOST_TEST(granted(acls, who.gateway, "topic", "aetherial.commands", "write"));
  BOOST_TEST(granted(acls, who.gateway, "topic", "aetherial.replies", "read"));
  BOOST_TEST(!granted(acls, who.gateway, "topic", "aetherial.decisions", "read"));
  // The effect worker: requests in, results out.
  BOOST_TEST(granted(acls, who.effects, "topic", "aetherial.effects", "read"));
  BOOST_TEST(granted(acls, who.effects, "topic", "aetherial.effect-results", "write"));
  BOOST_TEST(!granted(acls, who.runtime, "topic", "aetherial.effect-results", "write"));
  BOOST_TEST(!granted(acls, who.runtime, "topic", "aetherial.commands", "write"));
  // Auditors read everything and write nothing.
  for (const auto& t : cat.topics()) {
    BOOST_TEST(granted(acls, who.auditor, "topic", t.name, "read"), t.name);
    BOOST_TEST(!granted(acls, who.auditor, "topic", t.name, "write"), t.name);
  }
  // The runtime's groups and transactional ids, under its group prefix only.
  BOOST_TEST(granted(acls, who.runtime, "group", "aetherial.operations", "read"));
  BOOST_TEST(granted(acls, who.runtime, "transactional_id", "aetherial.operations.n1", "write"));
  BOOST_TEST(!granted(acls, who.runtime, "group", "other.operations", "read"));
}

BOOST_AUTO_TEST_CASE(an_empty_principal_gets_no_rule_and_formats_are_stable) {
  acl_principals who;
  who.effects.clear();
  const auto acls = least_privilege_acls(catalog(), who, "g");
  BOOST_TEST(std::none_of(acls.begin(), acls.end(),
                          [](const acl_binding& a) { return a.principal.empty(); }));
  const std::vector<acl_binding> one{{"topic", "t", false, "User:a", "write"},
                                     {"transactional_id", "g.", true, "User:a", "describe"}};
  BOOST_TEST(format_acls(one) ==
             "--add --allow-principal User:a --operation write --topic t "
             "--resource-pattern-type literal\n"
             "--add --allow-principal User:a --operation describe --transactional-id g. "
             "--resource-pattern-type prefixed\n");
  BOOST_TEST(
      format_acls_tsv(one) ==
      "topic\tt\tliteral\tUser:a\twrite\ntransactional_id\tg.\tprefixed\tUser:a\tdescribe\n");
}
