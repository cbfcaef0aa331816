#pragma once
// The `aetherial` command line's flags and configuration file: every subcommand, its
// options, and what they parse into. Kept apart from main() so tests can parse any
// argument list and read the values or the error.
//
// Forms: `--flag value` and `--flag=value`; repeatable key=value options take one
// `key=value` token per occurrence (`--agent-setting a.b=5 --agent-setting c=d`) and never
// the next flag. `--config FILE` reads a TOML file (see read_toml_config).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/demo.hpp"
#include "app/kafka_security.hpp"
#include "app/settings.hpp"
#include "runtime/node.hpp"
#include "topics/acls.hpp"

namespace aetherial::app {

/// Flags several subcommands share.
struct common_flags {
  std::string brokers;
  std::string topic_prefix;
  std::string log_level = "info";
  std::string log_format = "text";
  kafka_security_flags security;                  ///< TLS and SASL of every Kafka client
  std::vector<std::string> kafka_properties;      ///< --kafka-property key=value, as given
  std::map<std::string, std::string> kafka_extra; ///< the same, parsed
};

/// Everything the command line can set.
struct cli_values {
  common_flags common;
  runtime::node_options node;
  settings_flags settings;
  demo_options demo;
  std::string produce_topic, produce_file, produce_principal = "cli";
  int produce_partitions = 4;
  std::vector<std::string> audit_agents{"all"};
  std::string snap_dir = "aetherial-data", snap_agent = "operations";
  std::string snap_key_file; ///< opens sealed snapshot state

  int snap_partition = 0;
  std::size_t snap_rows = 10; ///< rows shown per table
  int topics_partitions = 4;
  bool topics_create = false;
  int broker_partitions = 4;
  std::string ask_text, ask_principal, ask_role, ask_conversation, ask_token_file;
  std::string token_key, token_subject, token_issuer, token_audience, token_kid = "aetherial-dev",
                                                                      token_generate_dir;
  std::vector<std::string> token_roles;
  std::int64_t token_ttl_s = 3600, token_issued_at_s = 0;
  int ask_timeout = 30;
  std::string explain_id;
  topics::acl_principals acl_principals;
  std::string acls_group = "aetherial", acls_format = "text";
  std::string status_group = "aetherial";
  std::vector<std::string> status_agents{"all"};
  bool status_json = false;
};

/// The parser and its subcommands; `values` receives what was parsed.
struct cli {
  CLI::App app;
  cli_values values;
  CLI::App *run = nullptr, *demo = nullptr, *produce = nullptr, *audit = nullptr,
           *snapshot = nullptr, *snap_ls = nullptr, *snap_show = nullptr, *topics = nullptr,
           *broker = nullptr, *ask = nullptr, *explain = nullptr, *version = nullptr,
           *acls = nullptr, *token = nullptr, *status = nullptr;

  cli();
  cli(const cli&) = delete;
  cli& operator=(const cli&) = delete;
};

/// What parsing ended with: nothing (go on), or an exit code with the text CLI11 printed
/// (help, or the error that says what to fix).
struct parse_outcome {
  std::optional<int> exit_code;
  std::string message;
};

/// Parses `args` (args[0] is the program name) into `c.values`; --help and errors end
/// parsing with an exit code and a message. Also checks what CLI11 cannot: each key=value
/// token has a key, and --kafka-property pairs are moved into the node options.
[[nodiscard]] parse_outcome parse(cli& c, const std::vector<std::string>& args);

/// A TOML configuration file as CLI11 config items for the subcommand `command`: top-level
/// keys are `command`'s long flag names (`brokers = "b:9092"`, `guarantee = "exactly_once"`),
/// `[run]`/`[audit]`/... tables hold keys for that subcommand only, and the tables
/// `[agent-settings]` (values), `[agent-setting-files]` (paths) and `[kafka-properties]`
/// take dotted keys (`operations.autoscaling.default_max_replicas = 20`). Throws
/// CLI::ConfigError naming file, line and key for malformed TOML, an unknown key or table,
/// or a value of the wrong shape.
[[nodiscard]] std::vector<CLI::ConfigItem> read_toml_config(std::string_view text,
                                                            const std::string& file,
                                                            const CLI::App& app,
                                                            const std::string& command);

} // namespace aetherial::app
