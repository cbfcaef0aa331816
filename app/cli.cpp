// The `aetherial` command line: flag parsing; the commands live in app/ (ask, produce,
// explain, inspect) and runtime/.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/ask.hpp"
#include "app/cli_flags.hpp"
#include "app/demo.hpp"
#include "app/explain.hpp"
#include "app/inspect.hpp"
#include "app/produce.hpp"
#include "app/progress.hpp"
#include "app/settings.hpp"
#include "app/status.hpp"
#include "runtime/audit.hpp"
#include "runtime/clock.hpp"
#include "runtime/identity.hpp"
#include "runtime/metrics.hpp"
#include "runtime/node.hpp"
#include "runtime/supervisor.hpp"
#include "storage/cipher.hpp"

#ifndef AETHERIAL_VERSION
#define AETHERIAL_VERSION "0.0.0"
#endif

namespace rt = aetherial::runtime;
namespace topics = aetherial::topics;

namespace {

void setup_logging(const aetherial::app::common_flags& c) {
  auto logger = spdlog::stderr_color_mt("aetherial");
  spdlog::set_default_logger(logger);
  if (c.log_format == "json")
    spdlog::set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,"msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  else
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_level(spdlog::level::from_str(c.log_level));
}

/// Prints what a command produced and returns its exit code.
int emit(const aetherial::app::command_output& r) {
  std::fputs(r.out.c_str(), stdout);
  std::fputs(r.err.c_str(), stderr);
  return r.exit_code;
}

int cmd_run(rt::node_options o, const aetherial::app::common_flags& c) {
  o.brokers = c.brokers;
  o.topic_prefix = c.topic_prefix;
  // The security posture, once, before anything connects: no secret is in it.
  auto identities = rt::make_identity_verifier(o.token_keys, o.tokens);
  if (!identities) {
    std::fprintf(stderr, "aetherial: %s\n", identities.error_value().message.c_str());
    return 2;
  }
  const std::string tokens = rt::describe_tokens(*identities.value());
  std::string at_rest = "snapshots in clear";
  if (!o.snapshot_key_file.empty()) {
    auto cipher = aetherial::storage::state_cipher::load(o.snapshot_key_file);
    if (!cipher) {
      std::fprintf(stderr, "aetherial: %s\n", cipher.error_value().message.c_str());
      return 2;
    }
    at_rest = "snapshots sealed (AES-256-GCM, key " + cipher.value()->sealing_key() + ", " +
              std::to_string(cipher.value()->size()) + " in the key file)";
  }
  const std::string posture =
      "security: kafka " +
      (c.brokers.empty() ? std::string("embedded broker (in-process, no TLS)")
                         : aetherial::app::describe_transport(o.kafka_properties)) +
      "; " + tokens + "; " + at_rest + "; metrics " +
      (o.metrics_port < 0 ? std::string("off")
                          : o.metrics_bind + ":" + std::to_string(o.metrics_port) +
                                (o.metrics_bind == "127.0.0.1" || o.metrics_bind == "::1"
                                     ? " (loopback)"
                                     : " (reachable from the network)"));
  std::printf("%s\n", posture.c_str());
  if (o.tokens.allow_unsigned)
    spdlog::warn("{}", posture);
  else
    spdlog::info("{}", posture);
  auto& stop = rt::install_stop_signals();
  // A node that fails (a fenced consumer, a fatal transactional error...) is stopped and
  // started again in this process: every partition recovers from its last checkpoint. Too
  // many failures in the window, or a failure on the in-memory broker (whose data a
  // restart would lose), end the process non-zero so that its supervisor takes over.
  rt::restart_policy policy;
  policy.initial_backoff = std::chrono::seconds(1);
  policy.max_backoff = std::chrono::seconds(30);
  policy.max_failures = o.node_restarts + 1;
  policy.window = std::chrono::minutes(10);
  rt::restart_tracker restarts(policy);
  // The endpoints outlive each node: /readyz answers 503 and /healthz 200 while a failed node
  // is started again, and /healthz 503 once no restart will be attempted.
  auto served = rt::serve_metrics(o);
  if (!served) {
    std::fprintf(stderr, "aetherial: %s\n", served.error_value().message.c_str());
    return 2;
  }
  auto& health = served.value()->health();
  for (bool first = true;; first = false) {
    auto n = rt::node::start(o, served.value());
    if (!n) {
      std::fprintf(stderr, "aetherial: %s\n", n.error_value().message.c_str());
      return 2;
    }
    auto& nd = *n.value();
    if (first) {
      if (nd.embedded())
        std::printf("embedded broker: %s (in memory: nothing is kept across restarts)\n",
                    nd.brokers().c_str());
      if (nd.metrics_port() >= 0)
        std::printf("metrics: http://%s:%d/metrics (liveness /healthz, readiness /readyz)\n",
                    o.metrics_bind == "127.0.0.1" || o.metrics_bind == "0.0.0.0"
                        ? "localhost"
                        : o.metrics_bind.c_str(),
                    nd.metrics_port());
      std::printf("running agents:");
      for (const auto& a : nd.options().agents)
        std::printf(" %s", a.c_str());
      std::printf(" (SIGTERM or Ctrl-C to stop)\n");
      std::fflush(stdout);
    }
    std::optional<std::string> failure;
    while (!stop.load() && !(failure = nd.failure()))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!failure) {
      spdlog::info("stopping: checkpointing every partition");
      nd.stop();
      return 0;
    }
    const bool embedded = nd.embedded();
    nd.stop();
    const auto verdict = restarts.on_failure(rt::steady_clock::now());
    if (embedded || verdict.quarantine) {
      health.node_failed(*failure);
      spdlog::critical("stopping: {} ({})", *failure,
                       embedded ? "the in-memory broker cannot be recovered"
                                : std::to_string(verdict.recent_failures) +
                                      " node failures within 10 minutes");
      return 1;
    }
    health.node_restarting("node failed (" + *failure + "); starting it again");
    spdlog::error("node failed: {}; starting it again in {} ms ({} of {} restarts within 10 "
                  "minutes)",
                  *failure, verdict.backoff.count(), verdict.recent_failures, o.node_restarts);
    const auto until = rt::steady_clock::now() + verdict.backoff;
    while (!stop.load() && rt::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop.load()) return 1;
  }
}

int cmd_audit(const aetherial::app::common_flags& c, const std::vector<std::string>& agents,
              const aetherial::actors::agent_settings& settings,
              const aetherial::schemas::input_limits& limits, const rt::node_options& node) {
  if (c.brokers.empty()) {
    std::fprintf(stderr, "aetherial audit: --brokers is required\n");
    return 2;
  }
  rt::audit_options o;
  o.kafka.brokers = c.brokers;
  o.kafka.extra = c.kafka_extra;
  o.topic_prefix = c.topic_prefix;
  o.agents = agents;
  o.settings = settings;
  o.limits = limits;
  auto identities = rt::make_identity_verifier(node.token_keys, node.tokens);
  if (!identities) {
    std::fprintf(stderr, "aetherial audit: %s\n", identities.error_value().message.c_str());
    return 2;
  }
  o.identities = std::move(identities.value());
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

int cmd_topics(const aetherial::app::common_flags& c, int partitions, bool create) {
  topics::catalog cat(c.topic_prefix, partitions);
  std::vector<std::string> existing;
  if (!c.brokers.empty()) {
    topics::kafka_config kc;
    kc.brokers = c.brokers;
    kc.extra = c.kafka_extra;
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

int cmd_broker(const aetherial::app::common_flags& c, int partitions) {
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

int cmd_token(const aetherial::app::cli_values& v) {
  if (!v.token_generate_dir.empty()) {
    auto key = rt::generate_ed25519_key(v.token_kid);
    if (!key) {
      std::fprintf(stderr, "aetherial token: %s\n", key.error_value().message.c_str());
      return 2;
    }
    const std::string priv = v.token_generate_dir + "/token-key.pem";
    const std::string pub = v.token_generate_dir + "/token-keys.json";
    const mode_t old = ::umask(077);
    std::ofstream(priv) << key.value().first;
    ::umask(old);
    std::ofstream(pub) << key.value().second;
    if (!std::ifstream(priv) || !std::ifstream(pub)) {
      std::fprintf(stderr, "aetherial token: cannot write %s and %s\n", priv.c_str(), pub.c_str());
      return 2;
    }
    std::printf("private key: %s (keep it secret)\npublic keys: %s (--token-keys)\n", priv.c_str(),
                pub.c_str());
    return 0;
  }
  if (v.token_key.empty() || v.token_subject.empty()) {
    std::fprintf(stderr, "aetherial token: --key and --subject are required (or "
                         "--generate-key DIR)\n");
    return 2;
  }
  std::ifstream in(v.token_key);
  if (!in) {
    std::fprintf(stderr, "aetherial token: cannot read %s\n", v.token_key.c_str());
    return 2;
  }
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  rt::token_claims claims;
  claims.subject = v.token_subject;
  claims.roles = v.token_roles;
  claims.issuer = v.token_issuer;
  claims.audience = v.token_audience;
  claims.issued_at_s = v.token_issued_at_s != 0 ? v.token_issued_at_s : rt::wall_ms() / 1000;
  claims.expires_at_s = claims.issued_at_s + v.token_ttl_s;
  auto token = rt::sign_token(claims, pem, v.token_kid);
  if (!token) {
    std::fprintf(stderr, "aetherial token: %s: %s\n", v.token_key.c_str(),
                 token.error_value().message.c_str());
    return 2;
  }
  std::printf("%s\n", token.value().c_str());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  aetherial::app::cli c;
  {
    std::vector<std::string> args(argv, argv + argc);
    auto parsed = aetherial::app::parse(c, args);
    if (parsed.exit_code) {
      std::fputs(parsed.message.c_str(), *parsed.exit_code == 0 ? stdout : stderr);
      return *parsed.exit_code;
    }
  }
  auto& v = c.values;
  auto& common = v.common;
  auto& node_opts = v.node;
  setup_logging(common);

  // TLS and SASL apply to every Kafka client of every command; --kafka-property comes last.
  {
    std::string why;
    auto security =
        aetherial::app::kafka_security_properties(common.security,
                                                  {std::getenv("AETHERIAL_KAFKA_SASL_PASSWORD"),
                                                   std::getenv("AETHERIAL_KAFKA_SSL_KEY_PASSWORD")},
                                                  &why);
    if (!security) {
      std::fprintf(stderr, "aetherial: %s\n", why.c_str());
      return 2;
    }
    for (const auto& [key, value] : common.kafka_extra)
      (*security)[key] = value;
    common.kafka_extra = *security;
    for (const auto& [key, value] : *security)
      node_opts.kafka_properties[key] = value;
  }
  if (*c.acls) {
    const auto acls = topics::least_privilege_acls(topics::catalog(common.topic_prefix),
                                                   v.acl_principals, v.acls_group);
    const auto text =
        v.acls_format == "tsv" ? topics::format_acls_tsv(acls) : topics::format_acls(acls);
    std::fputs(text.c_str(), stdout);
    return 0;
  }

  if (*c.run || *c.audit) {
    std::string why;
    auto resolved =
        aetherial::app::resolve_settings(v.settings, std::getenv("AETHERIAL_ANALYTICS_SALT"), &why);
    if (!resolved) {
      std::fprintf(stderr, "aetherial: %s\n", why.c_str());
      return 2;
    }
    node_opts.agent_settings = *resolved;
  }
  if (*c.run) return cmd_run(node_opts, common);
  if (*c.demo) return aetherial::app::run_demo(v.demo);
  if (*c.produce) {
    aetherial::app::produce_options o;
    o.brokers = common.brokers;
    o.kafka_properties = common.kafka_extra;
    o.topic_prefix = common.topic_prefix;
    o.topic = v.produce_topic;
    o.principal = v.produce_principal;
    o.partitions = v.produce_partitions;
    if (v.produce_file == "-") return aetherial::app::produce(o, std::cin);
    std::ifstream in(v.produce_file);
    if (!in) {
      std::fprintf(stderr, "aetherial produce: cannot read %s\n", v.produce_file.c_str());
      return 2;
    }
    return aetherial::app::produce(o, in);
  }
  if (*c.audit)
    return cmd_audit(common, v.audit_agents, node_opts.agent_settings, node_opts.limits, node_opts);
  if (*c.snap_ls)
    return emit(aetherial::app::with_store(v.snap_dir, v.snap_key_file, [](const auto& store) {
      return aetherial::app::list_snapshots(store);
    }));
  if (*c.snap_show)
    return emit(aetherial::app::with_store(v.snap_dir, v.snap_key_file, [&](const auto& store) {
      return aetherial::app::show_snapshot(store, v.snap_agent, v.snap_partition, v.snap_rows);
    }));
  if (*c.topics) return cmd_topics(common, v.topics_partitions, v.topics_create);
  if (*c.broker) return cmd_broker(common, v.broker_partitions);
  if (*c.ask) {
    aetherial::app::ask_options o;
    o.brokers = common.brokers;
    o.kafka_properties = common.kafka_extra;
    o.topic_prefix = common.topic_prefix;
    o.text = v.ask_text;
    if (!v.ask_token_file.empty()) {
      std::ifstream in(v.ask_token_file);
      if (!in || !std::getline(in, o.token) || o.token.empty()) {
        std::fprintf(stderr, "aetherial ask: cannot read a token from %s\n",
                     v.ask_token_file.c_str());
        return 2;
      }
    } else if (const char* t = std::getenv("AETHERIAL_TOKEN"); t != nullptr) {
      o.token = t;
    }
    // With a token, the principal is the token's subject and the role its choice.
    const std::string subject = rt::unverified_subject(o.token);
    o.principal = !v.ask_principal.empty() ? v.ask_principal
                  : !subject.empty()       ? subject
                                           : "user:cli";
    o.role = !v.ask_role.empty() ? v.ask_role : o.token.empty() ? "user" : "";
    o.conversation = v.ask_conversation;
    o.timeout_s = v.ask_timeout;
    return aetherial::app::ask(o);
  }
  if (*c.explain)
    return emit(aetherial::app::explain_event(common.brokers, common.kafka_extra,
                                              common.topic_prefix, v.explain_id));
  if (*c.status) {
    aetherial::app::status_options o;
    o.kafka.brokers = common.brokers;
    o.kafka.extra = common.kafka_extra;
    o.topic_prefix = common.topic_prefix;
    o.group = v.status_group;
    o.agents = v.status_agents;
    o.json = v.status_json;
    return emit(aetherial::app::status(o));
  }
  if (*c.token) return cmd_token(v);
  if (*c.version) {
    std::printf("aetherial %s\n", AETHERIAL_VERSION);
    return 0;
  }
  return 0;
}
