// TLS and SASL settings from flags, files and the environment: what librdkafka gets, and
// what is refused with a message that says what to fix and never quotes a secret.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <unistd.h>

#include "app/kafka_security.hpp"

using namespace aetherial::app;

namespace {

struct secret_file {
  std::string path;
  explicit secret_file(const std::string& content) {
    char tmpl[] = "/tmp/aetherial-secret-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << content;
  }
  ~secret_file() { std::remove(path.c_str()); }
};

std::string refusal(const kafka_security_flags& f, const kafka_security_env& env = {}) {
  std::string why;
  const auto props = kafka_security_properties(f, env, &why);
  BOOST_TEST(!props.has_value());
  return why;
}

} // namespace

BOOST_AUTO_TEST_CASE(plaintext_by_default_sets_nothing) {
  std::string why;
  const auto props = kafka_security_properties({}, {}, &why);
  BOOST_TEST_REQUIRE(props.has_value());
  BOOST_TEST(props->empty());
  BOOST_TEST(describe_transport(*props) == "TLS off, no SASL");
}

BOOST_AUTO_TEST_CASE(sasl_ssl_with_a_password_file) {
  secret_file ca("-----BEGIN CERTIFICATE-----\n");
  secret_file pw("s3cret-value\n");
  kafka_security_flags f;
  f.protocol = "sasl_ssl";
  f.mechanism = "scram-sha-512";
  f.username = "runtime";
  f.password_file = pw.path;
  f.ca_file = ca.path;
  std::string why;
  const auto props = kafka_security_properties(f, {}, &why);
  BOOST_TEST_REQUIRE(props.has_value(), why);
  BOOST_TEST(props->at("security.protocol") == "SASL_SSL");
  BOOST_TEST(props->at("sasl.mechanisms") == "SCRAM-SHA-512");
  BOOST_TEST(props->at("sasl.username") == "runtime");
  BOOST_TEST(props->at("sasl.password") == "s3cret-value");
  BOOST_TEST(props->at("ssl.ca.location") == ca.path);
  const auto line = describe_transport(*props);
  BOOST_TEST(line == "TLS on (CA " + ca.path + "), SASL SCRAM-SHA-512 as runtime");
  BOOST_TEST(line.find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_password_may_come_from_the_environment) {
  kafka_security_flags f;
  f.protocol = "SASL_SSL";
  f.mechanism = "PLAIN";
  f.username = "gateway";
  kafka_security_env env;
  env.password = "from-env";
  std::string why;
  const auto props = kafka_security_properties(f, env, &why);
  BOOST_TEST_REQUIRE(props.has_value(), why);
  BOOST_TEST(props->at("sasl.password") == "from-env");
}

BOOST_AUTO_TEST_CASE(misconfigurations_say_what_to_fix_without_secrets) {
  kafka_security_flags f;
  f.protocol = "TLS";
  BOOST_TEST(refusal(f).find("--security-protocol must be") != std::string::npos);

  f = {};
  f.protocol = "SASL_SSL";
  BOOST_TEST(refusal(f).find("needs --sasl-mechanism") != std::string::npos);

  f.mechanism = "GSSAPI";
  BOOST_TEST(refusal(f).find("--sasl-mechanism must be") != std::string::npos);

  f.mechanism = "SCRAM-SHA-512";
  BOOST_TEST(refusal(f).find("needs --sasl-username") != std::string::npos);

  f.username = "runtime";
  BOOST_TEST(refusal(f).find("AETHERIAL_KAFKA_SASL_PASSWORD") != std::string::npos);

  f.password_file = "/nonexistent/password";
  BOOST_TEST(refusal(f).find("cannot read SASL password file /nonexistent/password") !=
             std::string::npos);

  secret_file empty("");
  f.password_file = empty.path;
  BOOST_TEST(refusal(f).find("is empty") != std::string::npos);

  f = {};
  f.protocol = "SASL_PLAINTEXT";
  f.mechanism = "PLAIN";
  f.username = "u";
  kafka_security_env env;
  env.password = "hunter2";
  const auto why = refusal(f, env);
  BOOST_TEST(why.find("SASL_SSL") != std::string::npos);
  BOOST_TEST(why.find("hunter2") == std::string::npos);

  f = {};
  f.ca_file = "/etc/hostname";
  BOOST_TEST(refusal(f).find("need --security-protocol SSL or SASL_SSL") != std::string::npos);

  f = {};
  f.protocol = "SSL";
  f.ca_file = "/nonexistent/ca.pem";
  BOOST_TEST(refusal(f).find("cannot read the CA file") != std::string::npos);

  f = {};
  f.protocol = "SSL";
  f.cert_file = "/etc/hostname";
  BOOST_TEST(refusal(f).find("go together") != std::string::npos);

  f = {};
  f.mechanism = "PLAIN";
  BOOST_TEST(refusal(f).find("need --security-protocol SASL_SSL") != std::string::npos);
}
