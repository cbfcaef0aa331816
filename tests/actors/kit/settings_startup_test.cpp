// The runtime refuses to start with bad or unknown settings of a kind it hosts.
#define BOOST_TEST_MODULE kit_runtime
#include <boost/test/unit_test.hpp>

#include <string>

#include "runtime/options.hpp"

using aetherial::runtime::node_options;

namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& part) {
  for (const auto& p : problems)
    if (p.find(part) != std::string::npos) return true;
  return false;
}

} // namespace

BOOST_AUTO_TEST_CASE(good_settings_pass) {
  node_options o;
  o.agent_settings = {{"analytics.salt", "0123456789abcdef0123"},
                      {"operations.autoscaling.tolerance", "0.2"}};
  aetherial::runtime::expand_agents(o);
  BOOST_TEST(aetherial::runtime::validate(o).empty());
}

BOOST_AUTO_TEST_CASE(bad_and_unknown_settings_refuse_start_up) {
  node_options o;
  o.agent_settings = {{"operations.autoscaling.tolerance", "0,2"}, {"security.partitons", "4"}};
  aetherial::runtime::expand_agents(o);
  const auto problems = aetherial::runtime::validate(o);
  BOOST_TEST(problems.size() == 2u);
  BOOST_TEST(mentions(problems, "bad setting operations.autoscaling.tolerance = \"0,2\""));
  BOOST_TEST(mentions(problems, "unknown setting security.partitons (known: "
                                "security.ban_approver_roles, security.partitions)"));
}

BOOST_AUTO_TEST_CASE(only_the_hosted_kinds_are_checked) {
  node_options o;
  o.agents = {"operations"};
  o.agent_settings = {{"security.partitons", "4"}};
  aetherial::runtime::expand_agents(o);
  BOOST_TEST(aetherial::runtime::validate(o).empty());
  o.agent_settings = {{"operations.nope", "1"}};
  BOOST_TEST(mentions(aetherial::runtime::validate(o), "unknown setting operations.nope"));
}
