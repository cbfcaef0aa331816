// Apache Kafka with one SASL_SSL listener (TLS with certificates this test makes, SASL users,
// KRaft's StandardAuthorizer) and the least-privilege ACLs of `aetherial acls`: the broker
// refuses clients without credentials, each principal may do only what its role needs, and
// the runtime runs, answers and is audited under its own principal.
#define BOOST_TEST_MODULE secure
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "schemas/envelope.hpp"
#include "tests/runtime/child_process.hpp"
#include "tests/runtime/runtime_fixture.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace test = aetherial::test;
namespace topics = aetherial::topics;

namespace {

const std::string root = AETHERIAL_ROOT;

std::string random_password(std::mt19937_64& rng) {
  static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string s;
  for (int i = 0; i < 24; ++i)
    s.push_back(alphabet[rng() % (sizeof alphabet - 1)]);
  return s;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::vector<std::string> with(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

/// The secured broker, started once for the whole module and stopped at its end.
struct secure_broker {
  test::temp_dir dir;
  std::string tls, kafka_dir, brokers, log;
  std::map<std::string, std::string> passwords; ///< user -> password
  bool up = false;

  secure_broker() {
    tls = dir.path() + "/tls";
    kafka_dir = dir.path() + "/kafka";
    log = dir.path() + "/test.log";
    std::random_device rd;
    std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    for (const char* user : {"admin", "runtime", "gateway", "platform", "effects", "auditor"})
      passwords[user] = random_password(rng);
    auto [certs_code, certs_out] = test::run_command({root + "/ops/kafka/certs.sh", tls}, log);
    if (certs_code != 0) return;
    {
      std::ofstream users(tls + "/users");
      for (const auto& [user, password] : passwords)
        users << user << ' ' << password << '\n';
    }
    for (const auto& [user, password] : passwords)
      std::ofstream(dir.path() + "/" + user + ".password") << password << '\n';
    std::ofstream(dir.path() + "/admin.properties")
        << "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
        << "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        << "username=\"admin\" password=\"" << passwords["admin"] << "\";\n"
        << "ssl.truststore.type=PEM\nssl.truststore.location=" << tls << "/ca.pem\n";

    auto [port_code, port] = test::run_command(
        {"/bin/bash", "-c", "source '" + root + "/ops/lib/common.sh' && free_port_pair 29392"});
    if (port_code != 0) return;
    auto [code, out] =
        test::run_command({root + "/ops/kafka/broker.sh", "start", "--dir", kafka_dir, "--port",
                           trimmed(port), "--sasl-ssl", tls, "--fresh"},
                          log);
    if (code != 0) return;
    brokers = trimmed(out);
    auto [acl_code, acl_out] = test::run_command(
        {"/usr/bin/env", std::string("AETHERIAL_BIN=") + AETHERIAL_BIN, root + "/ops/kafka/acls.sh",
         "apply", "--bootstrap", brokers, "--admin-config", dir.path() + "/admin.properties"},
        log);
    if (acl_code != 0) return;
    // The operator creates the topics; the runtime finds them (it may create missing ones too).
    auto [topics_code, topics_out] =
        test::run_command(with({AETHERIAL_BIN, "topics", "--create"}, flags("admin")), log);
    if (topics_code != 0) return;
    // Identity tokens: the deployment's key, and another one nobody trusts.
    for (const char* which : {"/keys", "/rogue"}) {
      std::filesystem::create_directories(dir.path() + which);
      auto [key_code, key_out] = test::run_command(
          {AETHERIAL_BIN, "token", "--generate-key", dir.path() + which, "--kid", "test"}, log);
      if (key_code != 0) return;
    }
    up = true;
  }
  ~secure_broker() {
    (void)test::run_command({root + "/ops/kafka/broker.sh", "stop", "--dir", kafka_dir}, log);
  }

  /// A snapshot key file (one random AES-256 key, id k1, mode 600).
  std::string snapshot_keys() const {
    const std::string path = dir.path() + "/snapshot.keys";
    std::random_device rd;
    std::string hex;
    for (int i = 0; i < 32; ++i) {
      char byte[3];
      std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned>(rd() & 0xffu));
      hex += byte;
    }
    std::ofstream(path) << "k1 " << hex << "\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }

  /// Command-line flags that sign in as `user` over TLS (SASL PLAIN: see ops/kafka/broker.sh).
  std::vector<std::string> flags(const std::string& user) const {
    return {"--brokers",
            brokers,
            "--security-protocol",
            "SASL_SSL",
            "--sasl-mechanism",
            "PLAIN",
            "--sasl-username",
            user,
            "--ssl-ca",
            tls + "/ca.pem",
            "--sasl-password-file",
            dir.path() + "/" + user + ".password"};
  }
  /// A token file for `subject` with `roles`, signed with the deployment's key (or the rogue
  /// one), issued `age_s` seconds ago.
  std::string token(const std::string& subject, const std::string& roles, bool rogue = false,
                    std::int64_t age_s = 0) const {
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    auto [code, out] = test::run_command(
        {AETHERIAL_BIN, "token", "--key",
         dir.path() + (rogue ? "/rogue" : "/keys") + "/token-key.pem", "--kid", "test", "--subject",
         subject, "--roles", roles, "--issuer", issuer, "--audience", "aetherial", "--ttl-seconds",
         "600", "--issued-at", std::to_string(now_s - age_s)},
        log);
    const auto path = dir.path() + "/token-" + std::to_string(++tokens_made);
    std::ofstream(path) << trimmed(out) << '\n';
    return code == 0 ? path : "";
  }
  std::string issuer = "https://id.test";
  mutable int tokens_made = 0;

  topics::kafka_config client(const std::string& user, const std::string& password) const {
    topics::kafka_config kc;
    kc.brokers = brokers;
    kc.client_id = "secure-test-" + user;
    kc.extra = {{"security.protocol", "SASL_SSL"},
                {"sasl.mechanisms", "PLAIN"},
                {"sasl.username", user},
                {"sasl.password", password},
                {"ssl.ca.location", tls + "/ca.pem"}};
    return kc;
  }
  topics::kafka_config as(const std::string& user) const {
    return client(user, passwords.at(user));
  }
};

secure_broker* cluster = nullptr;

struct global_cluster {
  global_cluster() { cluster = new secure_broker(); }
  ~global_cluster() {
    delete cluster;
    cluster = nullptr;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(global_cluster);

/// Sends one ServiceLoad record to `topic` and waits for its delivery report: every error
/// the client met (delivery, client-level, fatal), or "" when the broker took the record.
std::string deliver(const topics::kafka_config& kc, const std::string& topic) {
  auto p = topics::producer::create(kc);
  if (!p) return p.error_value().message;
  const auto value =
      test::service_load(aetherial::schemas::event_id{1, 2}, 1'700'000'000'000, "web", 2, 0.5);
  if (auto r = p.value()->send(topic, -1, "web", value.data(), value.size()); !r)
    return r.error_value().message;
  std::string why;
  if (auto f = p.value()->flush(topics::ms{40000}); !f) why += f.error_value().message + "; ";
  if (p.value()->delivery_failures() > 0) why += p.value()->last_delivery_error() + "; ";
  for (const auto& e : p.value()->take_errors())
    why += e.message + "; ";
  if (auto f = p.value()->fatal_error()) why += *f;
  return why;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_secured_broker_starts_with_the_least_privilege_acls) {
  BOOST_TEST_REQUIRE(cluster->up, "the SASL_SSL broker or its ACLs did not come up; see "
                                      << cluster->log << " and " << cluster->kafka_dir);
}

BOOST_AUTO_TEST_CASE(a_client_without_credentials_is_refused) {
  BOOST_TEST_REQUIRE(cluster->up);
  topics::kafka_config plain;
  plain.brokers = cluster->brokers;
  plain.extra = {{"message.timeout.ms", "5000"}};
  BOOST_TEST(!deliver(plain, "platform.metrics").empty());

  auto tls_only = plain;
  tls_only.extra["security.protocol"] = "SSL";
  tls_only.extra["ssl.ca.location"] = cluster->tls + "/ca.pem";
  BOOST_TEST(!deliver(tls_only, "platform.metrics").empty());

  auto wrong = cluster->client("platform", "not-the-password");
  wrong.extra["message.timeout.ms"] = "5000";
  const auto why = deliver(wrong, "platform.metrics");
  BOOST_TEST(!why.empty());
  BOOST_TEST_MESSAGE("wrong password: " << why);
  BOOST_TEST(!contains(why, "not-the-password"), "the password must not be echoed");
}

BOOST_AUTO_TEST_CASE(each_principal_writes_only_what_its_role_needs) {
  BOOST_TEST_REQUIRE(cluster->up);
  const auto platform = cluster->as("platform");
  const auto metrics = deliver(platform, "platform.metrics");
  BOOST_TEST(metrics == "", metrics);
  for (const char* internal : {"aetherial.tasks", "aetherial.decisions", "aetherial.journal",
                               "aetherial.snapshots", "aetherial.commands"}) {
    const auto why = deliver(platform, internal);
    BOOST_TEST(contains(why, "uthoriz"), internal << ": " << why);
  }
  const auto gateway = cluster->as("gateway");
  BOOST_TEST(contains(deliver(gateway, "aetherial.tasks"), "uthoriz"));
  BOOST_TEST(contains(deliver(gateway, "platform.metrics"), "uthoriz"));
  const auto auditor = cluster->as("auditor");
  BOOST_TEST(contains(deliver(auditor, "aetherial.decisions"), "uthoriz"));
  const auto effects = cluster->as("effects");
  BOOST_TEST(contains(deliver(effects, "aetherial.decisions"), "uthoriz"));
}

BOOST_AUTO_TEST_CASE(the_runtime_runs_verifies_identities_and_is_audited) {
  BOOST_TEST_REQUIRE(cluster->up);
  const std::string data = cluster->dir.path() + "/data";
  const std::vector<std::string> token_flags{
      "--token-keys",     cluster->dir.path() + "/keys/token-keys.json",
      "--token-issuer",   cluster->issuer,
      "--token-audience", "aetherial"};
  test::child_process node(
      with(with({AETHERIAL_BIN, "run"},
                with(cluster->flags("runtime"),
                     {"--data-dir", data, "--metrics-port", "0", "--guarantee", "exactly_once",
                      "--snapshot-key-file", cluster->snapshot_keys(), "--agents",
                      "orchestrator,operations", "--checkpoint-interval-ms", "500"})),
           token_flags),
      cluster->log);
  std::string line;
  BOOST_TEST_REQUIRE(node.read_line(line));
  BOOST_TEST(contains(line, "security: kafka TLS on"), line);
  BOOST_TEST(contains(line, "SASL PLAIN as runtime"), line);
  BOOST_TEST(contains(line, "tokens verified (1 key, issuer https://id.test"), line);
  BOOST_TEST(contains(line, "snapshots sealed (AES-256-GCM, key k1"), line);
  BOOST_TEST(contains(line, "metrics 127.0.0.1:"), line);
  BOOST_TEST(!contains(line, cluster->passwords.at("runtime")));

  const auto ask = [&](const std::vector<std::string>& args, const char* timeout = "60") {
    return test::run_command(
        with(with({AETHERIAL_BIN, "ask", "--timeout", timeout}, cluster->flags("gateway")), args),
        cluster->log);
  };
  const std::string deploy = "Deploy the new feature to production";
  // Each attack is refused (exit code 3) with its reason, and audited.
  struct attack {
    const char* what;
    std::vector<std::string> args;
    const char* reason;
  };
  const std::vector<attack> attacks{
      {"no token at all",
       {"--principal", "user:mallory", "--role", "admin", deploy},
       "no identity token"},
      {"a forged role",
       {"--token-file", cluster->token("user:alice", "user"), "--role", "admin", deploy},
       "does not grant the role"},
      {"an expired token",
       {"--token-file", cluster->token("user:alice", "admin", false, 3600), deploy},
       "expired"},
      {"a token from an unknown key",
       {"--token-file", cluster->token("user:alice", "admin", true), deploy},
       "signature is not valid"},
      {"a token replayed by another principal",
       {"--token-file", cluster->token("user:alice", "admin"), "--principal", "user:mallory",
        deploy},
       "another principal"},
  };
  for (const auto& a : attacks) {
    auto [code, out] = ask(a.args);
    BOOST_TEST(code == 3, a.what << ": " << out);
    BOOST_TEST(contains(out, a.reason), a.what << ": " << out);
  }

  const auto deploy_tasks = [&] {
    std::size_t deploys = 0;
    for (const auto& r : test::read_all(cluster->as("auditor"), "aetherial.tasks")) {
      const auto* env = aetherial::schemas::verify_envelope(r.value.data(), r.value.size(),
                                                            ~std::size_t{0}, nullptr);
      const auto* t = env != nullptr ? env->payload_as_Task() : nullptr;
      if (t == nullptr || t->type() == nullptr || t->type()->str() != "development.deploy")
        continue;
      ++deploys;
      BOOST_TEST(t->requested_by()->str() == "user:alice");
    }
    return deploys;
  };
  // An admin with a valid token deploys only after confirming, in the same conversation, and
  // nobody else can confirm for them.
  const auto alice_admin = cluster->token("user:alice", "admin,user");
  auto [asked_code, asked] = ask({"--token-file", alice_admin, deploy});
  BOOST_TEST(asked_code == 0, asked);
  BOOST_TEST(contains(asked, "needs_confirmation"), asked);
  const auto at = asked.find("conversation: ");
  BOOST_TEST_REQUIRE(at != std::string::npos, asked);
  const std::string conversation = trimmed(asked.substr(at + 14));
  BOOST_TEST(deploy_tasks() == 0u, "no deploy before the confirmation");
  auto [bob_code, bob] = ask(
      {"--token-file", cluster->token("user:bob", "admin"), "--conversation", conversation, "yes"});
  BOOST_TEST(bob_code == 3, bob);
  BOOST_TEST(deploy_tasks() == 0u, "no deploy on another principal's yes");
  auto [yes_code, yes] =
      ask({"--token-file", alice_admin, "--conversation", conversation, "yes"}, "5");
  BOOST_TEST(test::wait_for([&] { return deploy_tasks() == 1u; }, std::chrono::seconds(30)), yes);

  // Scaling beyond a service's policy: an operator's confirmed request is refused by the
  // Operations agent and audited; an admin's is done, the override audited.
  const std::string metrics = cluster->dir.path() + "/metrics.jsonl";
  std::ofstream(metrics)
      << R"({"key":"web","type":"ScalingPolicy","payload":{"service":"web","min_replicas":1,)"
      << R"("max_replicas":3,"target_cpu_utilization":0.6,"scale_down_window_s":300}})"
      << "\n"
      << R"({"key":"web","type":"ServiceLoad","payload":{"service":"web","replicas":2,)"
      << R"("rps":100,"cpu_utilization":0.9}})"
      << "\n";
  auto [produced, produce_out] = test::run_command(
      with(with({AETHERIAL_BIN, "produce"}, cluster->flags("platform")),
           {"--topic", "platform.metrics", "--json", metrics, "--principal", "svc:metrics"}),
      cluster->log);
  BOOST_TEST_REQUIRE(produced == 0, produce_out);
  const auto scale_decisions = [&](const std::string& rule) {
    std::vector<std::pair<int, int>> out;
    for (const auto& r : test::read_all(cluster->as("auditor"), "aetherial.decisions")) {
      const auto* env = aetherial::schemas::verify_envelope(r.value.data(), r.value.size(),
                                                            ~std::size_t{0}, nullptr);
      const auto* d = env != nullptr ? env->payload_as_ScaleDecision() : nullptr;
      if (d != nullptr && d->rule() != nullptr && d->rule()->str() == rule)
        out.emplace_back(d->from_replicas(), d->to_replicas());
    }
    return out;
  };
  BOOST_TEST_REQUIRE(
      test::wait_for([&] { return !scale_decisions("hpa").empty(); }, std::chrono::seconds(60)));
  const auto confirmed_scale = [&](const std::string& token) {
    auto [c, first] = ask({"--token-file", token, "scale web up to 5"});
    BOOST_TEST(contains(first, "needs_confirmation"), first);
    const auto conv_at = first.find("conversation: ");
    BOOST_TEST_REQUIRE(conv_at != std::string::npos, first);
    return ask(
        {"--token-file", token, "--conversation", trimmed(first.substr(conv_at + 14)), "yes"});
  };
  auto [op_code, op_out] = confirmed_scale(cluster->token("user:olga", "operator"));
  BOOST_TEST(op_code == 3, op_out);
  BOOST_TEST(contains(op_out, "needs a role of admin"), op_out);
  BOOST_TEST(scale_decisions("manual").empty());
  auto [admin_code, admin_out] = confirmed_scale(alice_admin);
  BOOST_TEST(admin_code == 0, admin_out);
  BOOST_TEST(contains(admin_out, "Scaling web up from 3 to 5 replicas"), admin_out);
  BOOST_TEST((scale_decisions("manual") == std::vector<std::pair<int, int>>{{3, 5}}));

  // Every refusal is on record for auditors.
  std::size_t refusals = 0;
  for (const auto& r : test::read_all(cluster->as("auditor"), "aetherial.decisions")) {
    const auto* env = aetherial::schemas::verify_envelope(r.value.data(), r.value.size(),
                                                          ~std::size_t{0}, nullptr);
    const auto* a = env != nullptr ? env->payload_as_AccessAudit() : nullptr;
    if (a != nullptr && !a->allowed()) ++refusals;
  }
  BOOST_TEST(refusals >= attacks.size() + 2);

  node.signal(SIGTERM);
  BOOST_TEST(node.wait() == 0);

  // The audit verifies every token again at its event's time: the same decisions.
  auto [audit_code, audit_out] = test::run_command(
      with(with({AETHERIAL_BIN, "audit"},
                with(cluster->flags("auditor"), {"--agents", "orchestrator,operations"})),
           token_flags),
      cluster->log);
  BOOST_TEST(audit_code == 0, audit_out);
  BOOST_TEST(contains(audit_out, " 0 divergences"), audit_out);

  std::ifstream in(cluster->log);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& [user, password] : cluster->passwords)
    BOOST_TEST(!contains(all, password), "the password of " << user << " is in the logs");
}
