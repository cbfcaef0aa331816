// The command line's flag forms and its TOML configuration file: every documented form
// parses, no option swallows the next flag, and every mistake stops with a message that
// names what to fix (file, line and key for the configuration file).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "app/cli_flags.hpp"

using aetherial::app::cli;
using aetherial::app::parse;
using aetherial::app::parse_outcome;

namespace {

parse_outcome parse_args(cli& c, std::vector<std::string> args) {
  args.insert(args.begin(), "aetherial");
  return parse(c, args);
}

/// A temporary TOML file, removed at scope exit.
struct config_file {
  explicit config_file(const std::string& text) {
    static int n = 0;
    path = "cli_flags_test_" + std::to_string(++n) + ".toml";
    std::ofstream(path) << text;
  }
  ~config_file() { std::remove(path.c_str()); }
  std::string path;
};

} // namespace

BOOST_AUTO_TEST_SUITE(cli_flags)

BOOST_AUTO_TEST_CASE(key_value_options_take_one_token_in_either_form) {
  cli c;
  const auto r =
      parse_args(c, {"run", "--agent-setting", "operations.autoscaling.x=5",
                     "--agent-setting=analytics.salt=abc=def", "--kafka-property",
                     "socket.timeout.ms=1000", "--kafka-property=acks=all", "--agent-setting-file",
                     "analytics.salt=/run/secret", "--brokers", "b:9092"});
  BOOST_TEST_REQUIRE(!r.exit_code, r.message);
  const auto& v = c.values;
  BOOST_TEST(v.common.brokers == "b:9092"); // not swallowed by the option before it
  BOOST_TEST(v.settings.values ==
                 (std::vector<std::string>{"operations.autoscaling.x=5", "analytics.salt=abc=def"}),
             boost::test_tools::per_element());
  BOOST_TEST(v.settings.files == std::vector<std::string>{"analytics.salt=/run/secret"},
             boost::test_tools::per_element());
  BOOST_TEST(v.node.kafka_properties.at("socket.timeout.ms") == "1000");
  BOOST_TEST(v.node.kafka_properties.at("acks") == "all");
}

BOOST_AUTO_TEST_CASE(a_pair_without_a_key_says_so) {
  cli c;
  auto r = parse_args(c, {"run", "--kafka-property", "novalue"});
  BOOST_TEST_REQUIRE(r.exit_code.has_value());
  BOOST_TEST(*r.exit_code != 0);
  BOOST_TEST(r.message.find("'novalue' is not key=value") != std::string::npos, r.message);
  cli d;
  r = parse_args(d, {"run", "--agent-setting", "=5"});
  BOOST_TEST(r.message.find("'=5' is not key=value") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(bad_values_and_unknown_flags_stop_with_a_message) {
  cli a;
  auto r = parse_args(a, {"run", "--guarantee", "bogus"});
  BOOST_TEST_REQUIRE(r.exit_code.has_value());
  BOOST_TEST(r.message.find("--guarantee") != std::string::npos, r.message);
  cli b;
  r = parse_args(b, {"run", "--no-such-flag"});
  BOOST_TEST_REQUIRE(r.exit_code.has_value());
  BOOST_TEST(r.message.find("--no-such-flag") != std::string::npos, r.message);
  cli c;
  r = parse_args(c, {"run", "--partitions", "four"});
  BOOST_TEST_REQUIRE(r.exit_code.has_value());
  BOOST_TEST(r.message.find("--partitions") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(limit_flags_reach_the_node_options) {
  cli c;
  const auto r = parse_args(c, {"run", "--max-string-bytes", "128", "--max-output-bytes=500000",
                                "--max-event-time-ms", "1", "--min-event-time-ms", "0"});
  BOOST_TEST_REQUIRE(!r.exit_code, r.message);
  BOOST_TEST(c.values.node.limits.max_string_bytes == 128u);
  BOOST_TEST(c.values.node.limits.max_output_bytes == 500000u);
  BOOST_TEST(c.values.node.limits.max_event_time_ms == 1);
}

BOOST_AUTO_TEST_CASE(health_thresholds_reach_the_node_options_within_bounds) {
  cli c;
  const auto r =
      parse_args(c, {"run", "--health-tick-seconds", "45", "--health-stall-seconds=120"});
  BOOST_TEST_REQUIRE(!r.exit_code, r.message);
  BOOST_TEST(c.values.node.health_tick_seconds == 45);
  BOOST_TEST(c.values.node.health_stall_seconds == 120);
  cli d;
  BOOST_TEST_REQUIRE(!parse_args(d, {"run"}).exit_code);
  BOOST_TEST(d.values.node.health_tick_seconds == 30);
  BOOST_TEST(d.values.node.health_stall_seconds == 60);
  cli e;
  const auto bad = parse_args(e, {"run", "--health-stall-seconds", "0"});
  BOOST_TEST_REQUIRE(bad.exit_code.has_value());
  BOOST_TEST(bad.message.find("--health-stall-seconds") != std::string::npos, bad.message);
}

BOOST_AUTO_TEST_CASE(a_config_file_sets_flags_settings_and_kafka_properties) {
  config_file f(R"(# node settings
brokers = "k1:9092,k2:9092"
guarantee = "exactly_once"
agents = ["operations", "security"]
static-membership = false
log-level = "warn"

[agent-settings]
operations.autoscaling.default_max_replicas = 20
"analytics.salt" = "0123456789abcdef"

[kafka-properties]
"security.protocol" = "SASL_SSL"

[audit]
agents = ["analytics"]
)");
  cli c;
  const auto r = parse_args(c, {"--config", f.path, "run", "--partitions", "8"});
  BOOST_TEST_REQUIRE(!r.exit_code, r.message);
  const auto& v = c.values;
  BOOST_TEST(v.common.brokers == "k1:9092,k2:9092");
  BOOST_TEST(v.common.log_level == "warn");
  BOOST_TEST((v.node.guarantee == aetherial::runtime::guarantee::exactly_once));
  BOOST_TEST(v.node.agents == (std::vector<std::string>{"operations", "security"}),
             boost::test_tools::per_element());
  BOOST_TEST(!v.node.static_membership);
  BOOST_TEST(v.node.partitions == 8);
  BOOST_TEST(v.node.kafka_properties.at("security.protocol") == "SASL_SSL");
  const std::vector<std::string> settings{"analytics.salt=0123456789abcdef",
                                          "operations.autoscaling.default_max_replicas=20"};
  auto got = v.settings.values;
  std::sort(got.begin(), got.end());
  BOOST_TEST(got == settings, boost::test_tools::per_element());
  BOOST_TEST(v.audit_agents == std::vector<std::string>{"all"}, // [audit] is audit's only
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_command_line_wins_over_the_config_file) {
  config_file f("brokers = \"from-file:9092\"\n");
  cli c;
  const auto r = parse_args(c, {"--config", f.path, "run", "--brokers", "from-flag:9092"});
  BOOST_TEST_REQUIRE(!r.exit_code, r.message);
  BOOST_TEST(c.values.common.brokers == "from-flag:9092");
}

BOOST_AUTO_TEST_CASE(config_file_mistakes_name_file_line_and_key) {
  struct bad_case {
    std::string text, expected;
  };
  const std::vector<bad_case> cases = {
      {"brokers = \"b:9092\"\nguarantees = \"exactly_once\"\n",
       ":2: unknown key 'guarantees' for `aetherial run`"},
      {"guarantee = \"bogus\"\n", "guarantee"},
      {"[runn]\nbrokers = \"b\"\n", ":1: unknown table [runn]"},
      {"[audit]\nguarantee = \"exactly_once\"\n",
       ":2: unknown key 'guarantee' for `aetherial audit`"},
      {"this is not toml\n", ":1:6: not valid TOML"},
      {"<config><brokers>b</brokers></config>\n", ":1:1: not valid TOML"},
      {"brokers = { host = \"b\" }\n", "unknown table"},
      {"[agent-settings]\nx = [1, 2]\n", ":2: key 'x' must be a string, number or boolean"},
  };
  for (const auto& bc : cases) {
    config_file f(bc.text);
    cli c;
    const auto r = parse_args(c, {"--config", f.path, "run"});
    BOOST_TEST_REQUIRE(r.exit_code.has_value(), "accepted: " << bc.text);
    BOOST_TEST(*r.exit_code != 0);
    BOOST_TEST(r.message.find(bc.expected) != std::string::npos,
               "for " << bc.text << " got: " << r.message);
    if (bc.expected.front() == ':')
      BOOST_TEST(r.message.find(f.path + bc.expected) != std::string::npos, r.message);
  }
}

BOOST_AUTO_TEST_CASE(a_missing_config_file_is_an_error) {
  cli c;
  const auto r = parse_args(c, {"--config", "no-such-file.toml", "run"});
  BOOST_TEST_REQUIRE(r.exit_code.has_value());
  BOOST_TEST(*r.exit_code != 0);
  BOOST_TEST(r.message.find("no-such-file.toml") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_SUITE_END()
