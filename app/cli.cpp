// The `aetherial` command line: flag parsing; the commands live in app/ (ask, produce,
// explain, inspect) and runtime/.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/ask.hpp"
#include "app/demo.hpp"
#include "app/explain.hpp"
#include "app/inspect.hpp"
#include "app/produce.hpp"
#include "app/progress.hpp"
#include "app/settings.hpp"
#include "runtime/audit.hpp"
#include "runtime/node.hpp"

#ifndef AETHERIAL_VERSION
#define AETHERIAL_VERSION "0.0.0"
#endif

namespace rt = aetherial::runtime;
namespace topics = aetherial::topics;

namespace {

struct common_flags {
  std::string brokers;
  std::string topic_prefix;
  std::string log_level = "info";
  std::string log_format = "text";
};

void add_kafka_flags(CLI::App* cmd, common_flags& c) {
  cmd->add_option("--brokers", c.brokers, "Kafka bootstrap servers (host:port,...)")
      ->envname("AETHERIAL_BROKERS");
  cmd->add_option("--topic-prefix", c.topic_prefix, "Prefix of every topic name (default none)")
      ->envname("AETHERIAL_TOPIC_PREFIX");
}

void setup_logging(const common_flags& c) {
  auto logger = spdlog::stderr_color_mt("aetherial");
  spdlog::set_default_logger(logger);
  if (c.log_format == "json")
    spdlog::set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,"msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  else
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_level(spdlog::level::from_str(c.log_level));
}

void add_node_flags(CLI::App* cmd, rt::node_options& o) {
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
  cmd->add_option("--metrics-port", o.metrics_port, "Port of /metrics (-1 disables, 0 any)")
      ->envname("AETHERIAL_METRICS_PORT")
      ->capture_default_str();
  cmd->add_option("--metrics-bind", o.metrics_bind, "Address /metrics listens on")
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--guarantee", [&o](const std::string& name) { o.guarantee = *rt::parse_guarantee(name); },
         "at_least_once or exactly_once")
      ->envname("AETHERIAL_GUARANTEE")
      ->check(CLI::IsMember({"at_least_once", "exactly_once"}))
      ->default_str(std::string(rt::to_string(o.guarantee)));
  cmd->add_option("--checkpoint-events", o.checkpoint_events,
                  "Checkpoint a partition after this many events")
      ->capture_default_str();
  cmd->add_option("--checkpoint-interval-ms", o.checkpoint_interval_ms,
                  "...or after this many milliseconds")
      ->capture_default_str();
  cmd->add_option("--max-inflight", o.max_inflight,
                  "Unacknowledged records per partition before its input is paused")
      ->capture_default_str();
  cmd->add_option("--max-event-bytes", o.max_event_bytes, "Larger input records are dead-lettered")
      ->capture_default_str();
  cmd->add_option("--retry-limit", o.retry_limit,
                  "Attempts before an event that makes an agent throw is dead-lettered")
      ->capture_default_str();
  cmd->add_option("--quarantine-failures", o.restart.max_failures,
                  "Host failures within the window that quarantine a partition")
      ->capture_default_str();
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
  cmd->add_option("--scheduler-threads", o.scheduler_threads, "Actor scheduler threads (0: cores)")
      ->capture_default_str();
  cmd->add_option("--kafka-property", o.kafka_properties,
                  "Extra librdkafka property, key=value (repeatable; secrets belong in the "
                  "environment or a config file)");
}

void add_settings_flags(CLI::App* cmd, aetherial::app::settings_flags& s) {
  cmd->add_option("--agent-setting", s.values,
                  "Agent setting key=value, e.g. operations.autoscaling.default_max_replicas=20 "
                  "(repeatable)");
  cmd->add_option("--agent-setting-file", s.files,
                  "Agent setting key=path: the value is the file's content (for secrets, e.g. "
                  "analytics.salt=/run/secrets/salt; repeatable)");
}

/// Prints what a command produced and returns its exit code.
int emit(const aetherial::app::command_output& r) {
  std::fputs(r.out.c_str(), stdout);
  std::fputs(r.err.c_str(), stderr);
  return r.exit_code;
}

int cmd_run(rt::node_options o, const common_flags& c) {
  o.brokers = c.brokers;
  o.topic_prefix = c.topic_prefix;
  auto& stop = rt::install_stop_signals();
  auto n = rt::node::start(o);
  if (!n) {
    std::fprintf(stderr, "aetherial: %s\n", n.error_value().message.c_str());
    return 2;
  }
  auto& nd = *n.value();
  if (nd.embedded())
    std::printf("embedded broker: %s (in memory: nothing is kept across restarts)\n",
                nd.brokers().c_str());
  if (nd.metrics_port() >= 0)
    std::printf("metrics: http://localhost:%d/metrics\n", nd.metrics_port());
  std::printf("running agents:");
  for (const auto& a : nd.options().agents)
    std::printf(" %s", a.c_str());
  std::printf(" (SIGTERM or Ctrl-C to stop)\n");
  std::fflush(stdout);
  std::optional<std::string> failure;
  while (!stop.load() && !(failure = nd.failure()))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (failure) {
    spdlog::critical("stopping: {}", *failure);
    nd.stop();
    return 1;
  }
  spdlog::info("stopping: checkpointing every partition");
  nd.stop();
  return 0;
}

int cmd_audit(const common_flags& c, const std::vector<std::string>& agents,
              const aetherial::actors::agent_settings& settings) {
  if (c.brokers.empty()) {
    std::fprintf(stderr, "aetherial audit: --brokers is required\n");
    return 2;
  }
  rt::audit_options o;
  o.kafka.brokers = c.brokers;
  o.topic_prefix = c.topic_prefix;
  o.agents = agents;
  o.settings = settings;
  aetherial::app::progress_line progress("audit");
  o.progress = [&](const std::string& phase, std::uint64_t done, std::uint64_t total) {
    progress.update(phase, done, total);
  };
  auto r = rt::run_audit(o);
  progress.finish();
  if (!r) {
    std::fprintf(stderr, "aetherial audit: %s\n", r.error_value().message.c_str());
    return 2;
  }
  std::printf("%s\n", r.value().summary().c_str());
  if (r.value().divergences > 0) {
    std::printf("first divergence:\n%s\n", r.value().first_divergence.c_str());
    return 1;
  }
  return 0;
}

int cmd_topics(const common_flags& c, int partitions, bool create) {
  topics::catalog cat(c.topic_prefix, partitions);
  std::vector<std::string> existing;
  if (!c.brokers.empty()) {
    topics::kafka_config kc;
    kc.brokers = c.brokers;
    if (create) {
      if (auto r = topics::ensure_topics(kc, cat, topics::ms{30000}); !r) {
        std::fprintf(stderr, "aetherial topics: %s\n", r.error_value().message.c_str());
        return 2;
      }
    }
    auto l = topics::list_topics(kc, topics::ms{10000});
    if (!l) {
      std::fprintf(stderr, "aetherial topics: %s\n", l.error_value().message.c_str());
      return 2;
    }
    existing = l.value();
  }
  std::printf("%-32s %-8s %-8s %s\n", "TOPIC", "CLEANUP", c.brokers.empty() ? "" : "EXISTS",
              "CONTENT");
  for (const auto& t : cat.topics()) {
    const auto name = cat.name(t.name);
    const bool exists = std::find(existing.begin(), existing.end(), name) != existing.end();
    std::printf("%-32s %-8s %-8s %s\n", name.c_str(), t.compacted ? "compact" : "delete",
                c.brokers.empty() ? "" : (exists ? "yes" : "no"), t.content.c_str());
  }
  return 0;
}

int cmd_broker(const common_flags& c, int partitions) {
  auto& stop = rt::install_stop_signals();
  auto b = topics::embedded_broker::start(1);
  if (!b) {
    std::fprintf(stderr, "aetherial broker: %s\n", b.error_value().message.c_str());
    return 2;
  }
  topics::catalog cat(c.topic_prefix, partitions);
  if (auto r = b.value()->create_topics(cat); !r) {
    std::fprintf(stderr, "aetherial broker: %s\n", r.error_value().message.c_str());
    return 2;
  }
  std::printf("%s\n", b.value()->bootstrap().c_str());
  std::fflush(stdout);
  spdlog::info("embedded broker at {} with {} topics of {} partitions (in memory: nothing is "
               "kept across restarts)",
               b.value()->bootstrap(), cat.topics().size(), partitions);
  while (!stop.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Aetherial: an event-sourced actor runtime. Agents consume Kafka events, decide, "
               "and emit their decisions as Kafka events; every decision can be replayed and "
               "proven again."};
  app.set_config("--config", "", "Configuration file (TOML or INI; keys are the long flags)");
  app.require_subcommand(1);
  common_flags common;
  app.add_option("--log-level", common.log_level, "trace, debug, info, warn, error")
      ->envname("AETHERIAL_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-format", common.log_format, "text or json")
      ->envname("AETHERIAL_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  rt::node_options node_opts;
  aetherial::app::settings_flags settings;
  auto* run = app.add_subcommand("run", "Run the agents (embedded broker when no --brokers)");
  add_kafka_flags(run, common);
  add_node_flags(run, node_opts);
  add_settings_flags(run, settings);

  aetherial::app::demo_options demo_opts;
  auto* demo = app.add_subcommand(
      "demo", "Embedded broker + platform simulator: scaling, self-healing, escalation, a host "
              "crash, and an audit of the whole run");
  demo->add_option("--metrics-port", demo_opts.metrics_port, "Port of /metrics (-1 disables)")
      ->capture_default_str();
  demo->add_option("--data-dir", demo_opts.data_dir, "Snapshot directory (default: a temp dir)");
  demo->add_flag("--no-crash", demo_opts.no_crash, "Do not crash an agent host mid-run");
  demo->add_flag("--quiet", demo_opts.quiet, "Print only the summary");

  std::string produce_topic, produce_file, produce_principal = "cli";
  int produce_partitions = 4;
  auto* produce = app.add_subcommand("produce", "Produce JSON events (one object per line)");
  add_kafka_flags(produce, common);
  produce->add_option("--topic", produce_topic, "Logical topic (e.g. platform.metrics)")
      ->required();
  produce->add_option("--json", produce_file, "File of JSON lines, or - for stdin")->required();
  produce->add_option("--principal", produce_principal, "Principal recorded in the envelope")
      ->capture_default_str();

  std::vector<std::string> audit_agents{"all"};
  auto* audit = app.add_subcommand("audit", "Re-run the agents over the log and compare every "
                                            "decision with the recorded one");
  add_kafka_flags(audit, common);
  add_settings_flags(audit, settings);
  audit->add_option("--agents", audit_agents, "Agent kinds to audit")
      ->delimiter(',')
      ->capture_default_str();

  std::string snap_dir = "aetherial-data", snap_agent = "operations";
  int snap_partition = 0;
  auto* snapshot = app.add_subcommand("snapshot", "Inspect the snapshot store");
  snapshot->require_subcommand(1);
  snapshot->add_option("--data-dir", snap_dir, "Data directory of the node")
      ->envname("AETHERIAL_DATA_DIR")
      ->capture_default_str();
  auto* snap_ls = snapshot->add_subcommand("ls", "List snapshots");
  auto* snap_show = snapshot->add_subcommand("show", "Show the newest valid snapshot");
  snap_show->add_option("agent", snap_agent, "Agent kind")->capture_default_str();
  snap_show->add_option("partition", snap_partition, "Partition")->capture_default_str();

  int topics_partitions = 4;
  bool topics_create = false;
  auto* topics_cmd = app.add_subcommand("topics", "Show the topic catalog (and create it)");
  add_kafka_flags(topics_cmd, common);
  topics_cmd->add_option("--partitions", topics_partitions, "Partitions for --create")
      ->capture_default_str();
  topics_cmd->add_flag("--create", topics_create, "Create missing topics on --brokers");

  int broker_partitions = 4;
  auto* broker = app.add_subcommand("broker", "Run the embedded broker on its own, with every "
                                              "topic created, and print its address");
  broker->add_option("--topic-prefix", common.topic_prefix, "Prefix of every topic name");
  broker->add_option("--partitions", broker_partitions, "Partitions per topic")
      ->capture_default_str();

  std::string ask_text, ask_principal = "user:cli", ask_role = "user", ask_conversation;
  int ask_timeout = 30;
  auto* ask = app.add_subcommand("ask", "Send a command to the orchestrator and print the replies");
  add_kafka_flags(ask, common);
  ask->add_option("text", ask_text, "What to ask, e.g. \"Show me today's active users\"")
      ->required();
  ask->add_option("--principal", ask_principal, "Who asks")
      ->envname("AETHERIAL_PRINCIPAL")
      ->capture_default_str();
  ask->add_option("--role", ask_role, "The role the principal acts in (user, admin, ...)")
      ->envname("AETHERIAL_ROLE")
      ->capture_default_str();
  ask->add_option("--conversation", ask_conversation,
                  "Conversation id, to continue a dialogue (default: a new one)");
  ask->add_option("--timeout", ask_timeout, "Seconds to wait for a final answer")
      ->capture_default_str();

  std::string explain_id;
  auto* explain = app.add_subcommand("explain", "Print the chain of events that led to a decision");
  add_kafka_flags(explain, common);
  explain->add_option("decision-id", explain_id, "The decision's event id (32 hex digits)")
      ->required();

  auto* version = app.add_subcommand("version", "Print the version");
  produce->add_option("--partitions", produce_partitions, "Partitions of the topic")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  setup_logging(common);

  if (*run || *audit) {
    std::string why;
    auto resolved =
        aetherial::app::resolve_settings(settings, std::getenv("AETHERIAL_ANALYTICS_SALT"), &why);
    if (!resolved) {
      std::fprintf(stderr, "aetherial: %s\n", why.c_str());
      return 2;
    }
    node_opts.agent_settings = *resolved;
  }
  if (*run) return cmd_run(node_opts, common);
  if (*demo) return aetherial::app::run_demo(demo_opts);
  if (*produce) {
    aetherial::app::produce_options o;
    o.brokers = common.brokers;
    o.topic_prefix = common.topic_prefix;
    o.topic = produce_topic;
    o.principal = produce_principal;
    o.partitions = produce_partitions;
    if (produce_file == "-") return aetherial::app::produce(o, std::cin);
    std::ifstream in(produce_file);
    if (!in) {
      std::fprintf(stderr, "aetherial produce: cannot read %s\n", produce_file.c_str());
      return 2;
    }
    return aetherial::app::produce(o, in);
  }
  if (*audit) return cmd_audit(common, audit_agents, node_opts.agent_settings);
  if (*snap_ls)
    return emit(aetherial::app::with_store(
        snap_dir, [](const auto& store) { return aetherial::app::list_snapshots(store); }));
  if (*snap_show)
    return emit(aetherial::app::with_store(snap_dir, [&](const auto& store) {
      return aetherial::app::show_snapshot(store, snap_agent, snap_partition);
    }));
  if (*topics_cmd) return cmd_topics(common, topics_partitions, topics_create);
  if (*broker) return cmd_broker(common, broker_partitions);
  if (*ask) {
    aetherial::app::ask_options o;
    o.brokers = common.brokers;
    o.topic_prefix = common.topic_prefix;
    o.text = ask_text;
    o.principal = ask_principal;
    o.role = ask_role;
    o.conversation = ask_conversation;
    o.timeout_s = ask_timeout;
    return aetherial::app::ask(o);
  }
  if (*explain)
    return emit(aetherial::app::explain_event(common.brokers, common.topic_prefix, explain_id));
  if (*version) {
    std::printf("aetherial %s\n", AETHERIAL_VERSION);
    return 0;
  }
  return 0;
}
