#include "app/cli_flags.hpp"

#include <sstream>

#include <toml++/toml.h>

namespace aetherial::app {
namespace {

void add_kafka_flags(CLI::App* cmd, common_flags& c) {
  cmd->add_option("--brokers", c.brokers, "Kafka bootstrap servers (host:port,...)")
      ->envname("AETHERIAL_BROKERS");
  cmd->add_option("--topic-prefix", c.topic_prefix, "Prefix of every topic name (default none)")
      ->envname("AETHERIAL_TOPIC_PREFIX");
  auto& s = c.security;
  const char* group = "Kafka security";
  cmd->add_option("--security-protocol", s.protocol,
                  "PLAINTEXT (default), SSL, SASL_SSL or SASL_PLAINTEXT")
      ->envname("AETHERIAL_KAFKA_SECURITY_PROTOCOL")
      ->group(group);
  cmd->add_option("--sasl-mechanism", s.mechanism,
                  "SCRAM-SHA-512, SCRAM-SHA-256, PLAIN or OAUTHBEARER (its sasl.oauthbearer.* "
                  "settings by --kafka-property)")
      ->envname("AETHERIAL_KAFKA_SASL_MECHANISM")
      ->group(group);
  cmd->add_option("--sasl-username", s.username, "SASL user name")
      ->envname("AETHERIAL_KAFKA_SASL_USERNAME")
      ->group(group);
  cmd->add_option("--sasl-password-file", s.password_file,
                  "File holding the SASL password (or the environment variable "
                  "AETHERIAL_KAFKA_SASL_PASSWORD; never a flag's value)")
      ->envname("AETHERIAL_KAFKA_SASL_PASSWORD_FILE")
      ->group(group);
  cmd->add_option("--ssl-ca", s.ca_file, "PEM file of the CA the brokers' certificates chain to")
      ->envname("AETHERIAL_KAFKA_SSL_CA")
      ->group(group);
  cmd->add_option("--ssl-cert", s.cert_file, "Client certificate, PEM (mutual TLS)")
      ->envname("AETHERIAL_KAFKA_SSL_CERT")
      ->group(group);
  cmd->add_option("--ssl-key", s.key_file, "The client certificate's private key, PEM")
      ->envname("AETHERIAL_KAFKA_SSL_KEY")
      ->group(group);
  cmd->add_option("--ssl-key-password-file", s.key_password_file,
                  "File holding the key's password (or AETHERIAL_KAFKA_SSL_KEY_PASSWORD)")
      ->group(group);
  cmd->add_option("--kafka-property", c.kafka_properties,
                  "Extra librdkafka property, key=value (repeatable; secrets belong in the "
                  "environment or a config file)")
      ->allow_extra_args(false)
      ->group(group);
}

void add_node_flags(CLI::App* cmd, runtime::node_options& o) {
  cmd->add_option("--partitions", o.partitions, "Partitions of created topics")
      ->envname("AETHERIAL_PARTITIONS")
      ->capture_default_str();
  cmd->add_option("--replication-factor", o.replication_factor, "Replication of created topics")
      ->capture_default_str();
  cmd->add_option("--group", o.group, "Consumer group prefix")
      ->envname("AETHERIAL_GROUP")
      ->capture_default_str();
  cmd->add_option("--data-dir", o.data_dir, "Directory of the RocksDB snapshot store")
      ->envname("AETHERIAL_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--metrics-port", o.metrics_port,
                  "Port of /metrics, /healthz and /readyz (-1 disables, 0 any)")
      ->envname("AETHERIAL_METRICS_PORT")
      ->capture_default_str();
  cmd->add_option("--metrics-bind", o.metrics_bind, "Address /metrics listens on")
      ->capture_default_str();
  cmd->add_option("--health-tick-seconds", o.health_tick_seconds,
                  "/healthz fails when an agent's coordinator loop has not ticked for this long")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--health-stall-seconds", o.health_stall_seconds,
                  "/readyz fails when a partition with lag has applied nothing for this long")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--guarantee",
         [&o](const std::string& name) { o.guarantee = *runtime::parse_guarantee(name); },
         "at_least_once or exactly_once")
      ->envname("AETHERIAL_GUARANTEE")
      ->check(CLI::IsMember({"at_least_once", "exactly_once"}))
      ->default_str(std::string(runtime::to_string(o.guarantee)));
  cmd->add_option("--checkpoint-events", o.checkpoint_events,
                  "Checkpoint once the partitions hold this many events each on average "
                  "(one partition: at most twice this)")
      ->capture_default_str();
  cmd->add_option("--checkpoint-interval-ms", o.checkpoint_interval_ms,
                  "...or after this many milliseconds")
      ->capture_default_str();
  cmd->add_option("--state-chunk-bytes", o.state_chunk_bytes,
                  "An agent state larger than this is kept as table rows of this size, so that "
                  "no snapshot record is larger (4096 to 524288)")
      ->capture_default_str();
  cmd->add_option("--max-inflight", o.max_inflight,
                  "Unacknowledged records per partition before its input is paused")
      ->capture_default_str();
  cmd->add_option("--retry-limit", o.retry_limit,
                  "Attempts before an event that makes an agent throw is dead-lettered")
      ->capture_default_str();
  cmd->add_option("--quarantine-failures", o.restart.max_failures,
                  "Host failures within the window that quarantine a partition")
      ->capture_default_str();
  cmd->add_option("--node-restarts", o.node_restarts,
                  "Times a failed node is started again within 10 minutes before the process "
                  "exits non-zero (0: exit at the first failure)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--fault-crash-on-key", o.fault_crash_on_key,
                  "Testing only: abort the process when an agent applies a record with this key")
      ->group(""); // hidden from --help
  cmd->add_option("--telemetry-interval-ms", o.telemetry_interval_ms,
                  "Period of the runtime's own telemetry")
      ->capture_default_str();
  cmd->add_option("--instance-id", o.instance_id,
                  "This node's name (default: the host name and a hash of the data directory)")
      ->envname("AETHERIAL_INSTANCE_ID");
  cmd->add_option("--agents", o.agents, "Agent kinds to run")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_flag("--static-membership,!--no-static-membership", o.static_membership,
                "Rejoin the consumer group as the same member after a restart");
  cmd->add_option("--keep-snapshots", o.keep_snapshots, "Snapshots kept per partition")
      ->capture_default_str();
  cmd->add_option("--snapshot-key-file", o.snapshot_key_file,
                  "Seal snapshot state at rest (AES-256-GCM) with the keys of this file: "
                  "lines 'ID HEX', the first key seals, every key opens")
      ->envname("AETHERIAL_SNAPSHOT_KEY_FILE");
  cmd->add_option("--scheduler-threads", o.scheduler_threads, "Actor scheduler threads (0: cores)")
      ->capture_default_str();
  cmd->add_option("--scheduler-policy", o.scheduler_policy,
                  "Actor scheduler: sharing (one queue, idle threads sleep) or stealing (a queue "
                  "per thread, idle threads poll)")
      ->check(CLI::IsMember({"sharing", "stealing"}))
      ->capture_default_str();
}

/// Identity tokens; `run` and `audit` must agree on them.
void add_token_flags(CLI::App* cmd, runtime::node_options& o) {
  const char* group = "Identity tokens";
  cmd->add_option("--token-keys", o.token_keys,
                  "JWKS file (or PEM public keys) that identity tokens are verified with")
      ->envname("AETHERIAL_TOKEN_KEYS")
      ->group(group);
  cmd->add_option("--token-issuer", o.tokens.issuer, "Required issuer (iss) of tokens")
      ->envname("AETHERIAL_TOKEN_ISSUER")
      ->group(group);
  cmd->add_option("--token-audience", o.tokens.audience, "Required audience (aud) of tokens")
      ->envname("AETHERIAL_TOKEN_AUDIENCE")
      ->group(group);
  cmd->add_option_function<std::int64_t>(
         "--token-leeway-seconds", [&o](std::int64_t s) { o.tokens.leeway_ms = s * 1000; },
         "Clock skew allowed between a token's issuer and event times")
      ->check(CLI::Range(0, 3600))
      ->default_str(std::to_string(o.tokens.leeway_ms / 1000))
      ->group(group);
  cmd->add_option_function<std::int64_t>(
         "--token-max-lifetime-seconds",
         [&o](std::int64_t s) { o.tokens.max_lifetime_ms = s * 1000; },
         "Longest token lifetime accepted")
      ->check(CLI::Range(60, 30 * 86400))
      ->default_str(std::to_string(o.tokens.max_lifetime_ms / 1000))
      ->group(group);
  cmd->add_flag("--allow-unsigned", o.tokens.allow_unsigned,
                "Development mode: act on commands and approvals without a token as the "
                "principal and role they claim")
      ->envname("AETHERIAL_ALLOW_UNSIGNED")
      ->group(group);
}

/// Bounds on input records; `run` and `audit` must agree on them.
void add_limit_flags(CLI::App* cmd, schemas::input_limits& l) {
  cmd->add_option("--max-event-bytes", l.max_event_bytes, "Larger input records are dead-lettered")
      ->capture_default_str();
  cmd->add_option("--max-string-bytes", l.max_string_bytes,
                  "Longest string field without a max_len of its own in the schema")
      ->capture_default_str();
  cmd->add_option("--max-output-bytes", l.max_output_bytes,
                  "An input whose decision would be larger is dead-lettered (stay below the "
                  "broker's message.max.bytes)")
      ->capture_default_str();
  cmd->add_option("--duplicate-window", l.duplicate_window,
                  "Input event ids remembered per agent and partition; an input repeating one "
                  "is dead-lettered as a duplicate (0: no check)")
      ->capture_default_str();
  cmd->add_option("--min-event-time-ms", l.min_event_time_ms,
                  "Earliest accepted event time (ms since the epoch)")
      ->capture_default_str();
  cmd->add_option("--max-event-time-ms", l.max_event_time_ms,
                  "Accepted event times end before this (ms since the epoch)")
      ->capture_default_str();
}

void add_settings_flags(CLI::App* cmd, settings_flags& s) {
  cmd->add_option("--agent-setting", s.values,
                  "Agent setting key=value, e.g. operations.autoscaling.default_max_replicas=20 "
                  "(repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--agent-setting-file", s.files,
                  "Agent setting key=path: the value is the file's content (for secrets, e.g. "
                  "analytics.salt=/run/secrets/salt; repeatable)")
      ->allow_extra_args(false);
}

/// `table` flattened to dotted keys ("a.b.c" -> value text), each with its line.
struct flat_entry {
  std::string key, value;
  std::uint32_t line = 0;
};

std::string scalar_text(const toml::node& n, const std::string& file, const std::string& key) {
  if (auto s = n.value<std::string>()) return *s;
  if (auto b = n.value_exact<bool>()) return *b ? "true" : "false";
  if (auto i = n.value_exact<std::int64_t>()) return std::to_string(*i);
  if (auto d = n.value_exact<double>()) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << *d;
    return out.str();
  }
  throw CLI::ConfigError(file + ":" + std::to_string(n.source().begin.line) + ": key '" + key +
                         "' must be a string, number or boolean");
}

void flatten(const toml::table& t, const std::string& prefix, const std::string& file,
             std::vector<flat_entry>& out) {
  for (const auto& [k, node] : t) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table())
      flatten(*sub, key, file, out);
    else
      out.push_back({key, scalar_text(node, file, key), node.source().begin.line});
  }
}

std::string where(const std::string& file, const toml::node& n) {
  return file + ":" + std::to_string(n.source().begin.line);
}

/// The option of `command` a config key names (its long name), or null.
const CLI::Option* option_named(const CLI::App& command, const std::string& key) {
  for (const auto* o : command.get_options())
    for (const auto& l : o->get_lnames())
      if (l == key && o->get_configurable()) return o;
  return nullptr;
}

/// Keys of a TOML table with their nodes (nodes keep their source lines; copies would not).
using toml_entries = std::vector<std::pair<std::string, const toml::node*>>;

toml_entries entries_of(const toml::table& t) {
  toml_entries out;
  for (const auto& [k, node] : t)
    out.emplace_back(std::string(k.str()), &node);
  return out;
}

/// The config items of one table of flags for `command`.
void add_flags(const toml_entries& t, const std::string& file, const CLI::App& command,
               std::vector<std::string> parents, std::vector<CLI::ConfigItem>& out) {
  static const std::map<std::string, std::string> pair_tables = {
      {"agent-settings", "agent-setting"},
      {"agent-setting-files", "agent-setting-file"},
      {"kafka-properties", "kafka-property"}};
  for (const auto& [key, node_ptr] : t) {
    const toml::node& node = *node_ptr;
    if (auto pt = pair_tables.find(key); pt != pair_tables.end()) {
      const auto* table = node.as_table();
      if (table == nullptr)
        throw CLI::ConfigError(where(file, node) + ": [" + key + "] must be a table of " +
                               "key = value pairs");
      if (option_named(command, pt->second) == nullptr)
        throw CLI::ConfigError(where(file, node) + ": `aetherial " + command.get_name() +
                               "` takes no [" + key + "]");
      std::vector<flat_entry> entries;
      flatten(*table, "", file, entries);
      CLI::ConfigItem item;
      item.parents = parents;
      item.name = pt->second;
      for (const auto& e : entries)
        item.inputs.push_back(e.key + "=" + e.value);
      if (!item.inputs.empty()) out.push_back(std::move(item));
      continue;
    }
    if (node.is_table()) continue; // a subcommand's table: the caller's business
    const auto* opt = option_named(command, key);
    if (opt == nullptr)
      throw CLI::ConfigError(where(file, node) + ": unknown key '" + key + "' for `aetherial " +
                             command.get_name() + "` (keys are its long flags without --; see " +
                             "`aetherial " + command.get_name() + " --help`)");
    CLI::ConfigItem item;
    item.parents = parents;
    item.name = key;
    if (const auto* arr = node.as_array()) {
      for (const auto& el : *arr)
        item.inputs.push_back(scalar_text(el, file, key));
    } else {
      item.inputs.push_back(scalar_text(node, file, key));
    }
    out.push_back(std::move(item));
  }
}

} // namespace

std::vector<CLI::ConfigItem> read_toml_config(std::string_view text, const std::string& file,
                                              const CLI::App& app, const std::string& command) {
  toml::table doc;
  try {
    doc = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw CLI::ConfigError(file + ":" + std::to_string(e.source().begin.line) + ":" +
                           std::to_string(e.source().begin.column) +
                           ": not valid TOML: " + std::string(e.description()));
  }
  std::vector<CLI::ConfigItem> items;
  const CLI::App* active = command.empty() ? nullptr : app.get_subcommand(command);
  // Top-level tables named after subcommands hold that subcommand's keys.
  for (const auto& [k, node] : doc) {
    if (!node.is_table()) continue;
    const std::string key(k.str());
    if (key == "agent-settings" || key == "agent-setting-files" || key == "kafka-properties")
      continue;
    const CLI::App* sub = nullptr;
    for (const auto* s : app.get_subcommands({}))
      if (s->get_name() == key) sub = s;
    if (sub == nullptr)
      throw CLI::ConfigError(where(file, node) + ": unknown table [" + key + "] (tables are " +
                             "subcommands, [agent-settings], [agent-setting-files] and " +
                             "[kafka-properties])");
    std::vector<CLI::ConfigItem> sub_items;
    add_flags(entries_of(*node.as_table()), file, *sub, {key}, sub_items);
    if (sub == active) items.insert(items.end(), sub_items.begin(), sub_items.end());
  }
  // Top-level keys: the running subcommand's flags (or the program's own, e.g. log-level).
  toml_entries own, for_command;
  for (const auto& [k, node] : doc) {
    const std::string key(k.str());
    if (node.is_table() && key != "agent-settings" && key != "agent-setting-files" &&
        key != "kafka-properties")
      continue;
    (option_named(app, key) ? own : for_command).emplace_back(key, &node);
  }
  add_flags(own, file, app, {}, items);
  if (!for_command.empty()) {
    if (active == nullptr)
      throw CLI::ConfigError(where(file, *for_command.front().second) + ": unknown key '" +
                             for_command.front().first + "'");
    add_flags(for_command, file, *active, {command}, items);
  }
  return items;
}

namespace {

/// CLI11's config hook: reads the file with read_toml_config for the chosen subcommand.
class toml_config final : public CLI::Config {
public:
  toml_config(const CLI::App& app, std::string command) : app_(app), command_(std::move(command)) {}
  std::string to_config(const CLI::App*, bool, bool, std::string) const override { return {}; }
  std::vector<CLI::ConfigItem> from_config(std::istream& in) const override {
    std::stringstream text;
    text << in.rdbuf();
    const auto* opt = app_.get_config_ptr();
    const std::string file = opt && opt->count() ? opt->as<std::string>() : "config";
    return read_toml_config(text.str(), file, app_, command_);
  }

private:
  const CLI::App& app_;
  std::string command_;
};

/// The first argument naming a subcommand of `app` (the one that will run).
std::string subcommand_in(const CLI::App& app, const std::vector<std::string>& args) {
  for (std::size_t i = 1; i < args.size(); ++i)
    for (const auto* s : app.get_subcommands({}))
      if (s->get_name() == args[i]) return args[i];
  return {};
}

} // namespace

cli::cli() {
  auto& v = values;
  app.description("Aetherial: an event-sourced actor runtime. Agents consume Kafka events, decide, "
                  "and emit their decisions as Kafka events; every decision can be replayed and "
                  "proven again.");
  app.set_config("--config", "",
                 "TOML configuration file: keys are the long flags, [agent-settings] "
                 "and [kafka-properties] tables hold key = value pairs");
  app.require_subcommand(1);
  app.add_option("--log-level", v.common.log_level, "trace, debug, info, warn, error")
      ->envname("AETHERIAL_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-format", v.common.log_format, "text or json")
      ->envname("AETHERIAL_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  run = app.add_subcommand("run", "Run the agents (embedded broker when no --brokers)");
  add_kafka_flags(run, v.common);
  add_node_flags(run, v.node);
  add_token_flags(run, v.node);
  add_limit_flags(run, v.node.limits);
  add_settings_flags(run, v.settings);

  demo = app.add_subcommand(
      "demo", "Embedded broker + platform simulator: scaling, self-healing, escalation, a host "
              "crash, and an audit of the whole run");
  demo->add_option("--metrics-port", v.demo.metrics_port, "Port of /metrics (-1 disables)")
      ->capture_default_str();
  demo->add_option("--data-dir", v.demo.data_dir, "Snapshot directory (default: a temp dir)");
  demo->add_flag("--no-crash", v.demo.no_crash, "Do not crash an agent host mid-run");
  demo->add_flag("--quiet", v.demo.quiet, "Print only the summary");

  produce = app.add_subcommand("produce", "Produce JSON events (one object per line)");
  add_kafka_flags(produce, v.common);
  produce
      ->add_option("--topic", v.produce_topic,
                   "Logical topic (e.g. platform.metrics; platform.reference for what every "
                   "partition needs, such as knowledge-base articles)")
      ->required();
  produce->add_option("--json", v.produce_file, "File of JSON lines, or - for stdin")->required();
  produce->add_option("--principal", v.produce_principal, "Principal recorded in the envelope")
      ->capture_default_str();

  audit = app.add_subcommand("audit", "Re-run the agents over the log and compare every "
                                      "decision with the recorded one");
  add_kafka_flags(audit, v.common);
  add_settings_flags(audit, v.settings);
  add_limit_flags(audit, v.node.limits);
  add_token_flags(audit, v.node);
  audit->add_option("--agents", v.audit_agents, "Agent kinds to audit")
      ->delimiter(',')
      ->capture_default_str();

  snapshot = app.add_subcommand("snapshot", "Inspect the snapshot store");
  snapshot->require_subcommand(1);
  snapshot->add_option("--data-dir", v.snap_dir, "Data directory of the node")
      ->envname("AETHERIAL_DATA_DIR")
      ->capture_default_str();
  snapshot
      ->add_option("--snapshot-key-file", v.snap_key_file,
                   "Key file that opens sealed snapshot state (as run's)")
      ->envname("AETHERIAL_SNAPSHOT_KEY_FILE");
  snap_ls = snapshot->add_subcommand("ls", "List snapshots");
  snap_show = snapshot->add_subcommand("show", "Show the newest valid snapshot");
  snap_show->add_option("agent", v.snap_agent, "Agent kind")->capture_default_str();
  snap_show->add_option("partition", v.snap_partition, "Partition")->capture_default_str();
  snap_show->add_option("--rows", v.snap_rows, "Rows shown of each table the agent keeps")
      ->capture_default_str();

  topics = app.add_subcommand("topics", "Show the topic catalog (and create it)");
  add_kafka_flags(topics, v.common);
  topics->add_option("--partitions", v.topics_partitions, "Partitions for --create")
      ->capture_default_str();
  topics->add_flag("--create", v.topics_create, "Create missing topics on --brokers");

  broker = app.add_subcommand("broker", "Run the embedded broker on its own, with every "
                                        "topic created, and print its address");
  broker->add_option("--topic-prefix", v.common.topic_prefix, "Prefix of every topic name");
  broker->add_option("--partitions", v.broker_partitions, "Partitions per topic")
      ->capture_default_str();

  ask = app.add_subcommand("ask", "Send a command to the orchestrator and print the replies");
  add_kafka_flags(ask, v.common);
  ask->add_option("text", v.ask_text, "What to ask, e.g. \"Show me today's active users\"")
      ->required();
  ask->add_option("--principal", v.ask_principal,
                  "Who asks (default: the token's subject, else user:cli)")
      ->envname("AETHERIAL_PRINCIPAL");
  ask->add_option("--role", v.ask_role,
                  "The role to act in (user, admin, ...; default: with a token, the token's "
                  "most privileged role, else user)")
      ->envname("AETHERIAL_ROLE");
  ask->add_option("--token-file", v.ask_token_file,
                  "File holding the identity token (JWT) that proves who asks (or the "
                  "environment variable AETHERIAL_TOKEN)")
      ->envname("AETHERIAL_TOKEN_FILE");
  ask->add_option("--conversation", v.ask_conversation,
                  "Conversation id, to continue a dialogue (default: a new one)");
  ask->add_option("--timeout", v.ask_timeout, "Seconds to wait for a final answer")
      ->capture_default_str();

  explain = app.add_subcommand("explain", "Print the chain of events that led to a decision");
  add_kafka_flags(explain, v.common);
  explain->add_option("decision-id", v.explain_id, "The decision's event id (32 hex digits)")
      ->required();

  status = app.add_subcommand("status", "Show each agent kind's consumer group: members, the "
                                        "partitions each owns, committed offsets and lag");
  add_kafka_flags(status, v.common);
  status
      ->add_option("--group", v.status_group,
                   "The runtime's consumer group prefix (--group of run)")
      ->envname("AETHERIAL_GROUP")
      ->capture_default_str();
  status->add_option("--agents", v.status_agents, "Agent kinds to show")
      ->delimiter(',')
      ->capture_default_str();
  status->add_flag("--json", v.status_json, "Print one JSON document");

  acls = app.add_subcommand("acls", "Print the least-privilege Kafka ACLs of a deployment "
                                    "(ops/kafka/acls.sh applies them)");
  acls->add_option("--topic-prefix", v.common.topic_prefix, "Prefix of every topic name");
  acls->add_option("--group", v.acls_group, "The runtime's consumer group prefix (--group of run)")
      ->capture_default_str();
  auto& who = v.acl_principals;
  acls->add_option("--runtime-principal", who.runtime, "Principal of `aetherial run`")
      ->capture_default_str();
  acls->add_option("--gateway-principal", who.gateway,
                   "Principal that writes commands (chat gateway, `aetherial ask`)")
      ->capture_default_str();
  acls->add_option("--platform-principal", who.platform, "Principal of platform producers")
      ->capture_default_str();
  acls->add_option("--effects-principal", who.effects, "Principal of the effect worker")
      ->capture_default_str();
  acls->add_option("--auditor-principal", who.auditor, "Principal of auditors (read only)")
      ->capture_default_str();
  acls->add_flag("--print", "Print the ACLs (the default; ops/kafka/acls.sh apply creates them)");
  acls->add_option("--format", v.acls_format,
                   "text (kafka-acls options, one binding per line) or tsv")
      ->check(CLI::IsMember({"text", "tsv"}))
      ->capture_default_str();

  token = app.add_subcommand(
      "token", "Development: make an Ed25519 signing key, or sign an identity token with one");
  token->add_option("--generate-key", v.token_generate_dir,
                    "Write a new key to DIR/token-key.pem and its public JWKS to "
                    "DIR/token-keys.json (for --token-keys)");
  token->add_option("--key", v.token_key, "PEM private key to sign with (Ed25519 or RSA)");
  token->add_option("--subject", v.token_subject, "The principal (sub), e.g. user:alice");
  token->add_option("--roles", v.token_roles, "Roles the token grants")->delimiter(',');
  token->add_option("--issuer", v.token_issuer, "iss");
  token->add_option("--audience", v.token_audience, "aud");
  token->add_option("--kid", v.token_kid, "Key id")->capture_default_str();
  token->add_option("--ttl-seconds", v.token_ttl_s, "Lifetime")->capture_default_str();
  token->add_option("--issued-at", v.token_issued_at_s,
                    "iat in seconds since the epoch (default: now)");

  version = app.add_subcommand("version", "Print the version");
  produce->add_option("--partitions", v.produce_partitions, "Partitions of the topic")
      ->capture_default_str();
}

parse_outcome parse(cli& c, const std::vector<std::string>& args) {
  parse_outcome out;
  c.app.config_formatter(std::make_shared<toml_config>(c.app, subcommand_in(c.app, args)));
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  if (!reversed.empty()) reversed.pop_back(); // the program name
  std::ostringstream text, errors;
  try {
    c.app.parse(reversed);
    std::string why;
    for (const auto& kv : c.values.common.kafka_properties) {
      auto pair = parse_setting(kv, &why);
      if (!pair) throw CLI::ValidationError("--kafka-property", why);
      c.values.common.kafka_extra[pair->first] = pair->second;
      c.values.node.kafka_properties[pair->first] = pair->second;
    }
    for (const auto* list : {&c.values.settings.values, &c.values.settings.files})
      for (const auto& kv : *list)
        if (!parse_setting(kv, &why)) throw CLI::ValidationError("--agent-setting", why);
  } catch (const CLI::ParseError& e) {
    out.exit_code = c.app.exit(e, text, errors);
    out.message = text.str() + errors.str();
  }
  return out;
}

} // namespace aetherial::app
