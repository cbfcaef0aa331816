#include "app/kafka_security.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace aetherial::app {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool readable(const std::string& path) {
  return std::ifstream(path).good();
}

/// The first line of a secret file, or nullopt (with `why`) when it cannot be read or is
/// empty. The value itself never reaches a message.
std::optional<std::string> read_secret(const std::string& path, const char* what,
                                       std::string* why) {
  std::ifstream in(path);
  if (!in) {
    *why = std::string("cannot read ") + what + " file " + path;
    return std::nullopt;
  }
  std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
    value.pop_back();
  if (value.empty()) {
    *why = std::string(what) + " file " + path + " is empty";
    return std::nullopt;
  }
  return value;
}

} // namespace

std::optional<std::map<std::string, std::string>>
kafka_security_properties(const kafka_security_flags& f, const kafka_security_env& env,
                          std::string* why) {
  std::string scratch;
  if (why == nullptr) why = &scratch;
  std::map<std::string, std::string> out;
  const std::string protocol = upper(f.protocol.empty() ? "PLAINTEXT" : f.protocol);
  if (protocol != "PLAINTEXT" && protocol != "SSL" && protocol != "SASL_SSL" &&
      protocol != "SASL_PLAINTEXT") {
    *why = "--security-protocol must be PLAINTEXT, SSL, SASL_SSL or SASL_PLAINTEXT, not '" +
           f.protocol + "'";
    return std::nullopt;
  }
  const bool tls = protocol == "SSL" || protocol == "SASL_SSL";
  const bool sasl = protocol.rfind("SASL_", 0) == 0;
  const bool tls_flags = !f.ca_file.empty() || !f.cert_file.empty() || !f.key_file.empty();
  if (protocol != "PLAINTEXT" || tls_flags || !f.mechanism.empty())
    out["security.protocol"] = protocol;

  if (tls_flags && !tls) {
    *why = "--ssl-ca, --ssl-cert and --ssl-key need --security-protocol SSL or SASL_SSL";
    return std::nullopt;
  }
  if (!f.ca_file.empty()) {
    if (!readable(f.ca_file)) {
      *why = "cannot read the CA file " + f.ca_file + " (--ssl-ca)";
      return std::nullopt;
    }
    out["ssl.ca.location"] = f.ca_file;
  }
  if (f.cert_file.empty() != f.key_file.empty()) {
    *why = "--ssl-cert and --ssl-key go together (a client certificate and its key)";
    return std::nullopt;
  }
  if (!f.cert_file.empty()) {
    for (const auto* p : {&f.cert_file, &f.key_file})
      if (!readable(*p)) {
        *why = "cannot read " + *p + " (--ssl-cert / --ssl-key)";
        return std::nullopt;
      }
    out["ssl.certificate.location"] = f.cert_file;
    out["ssl.key.location"] = f.key_file;
    if (!f.key_password_file.empty()) {
      auto pw = read_secret(f.key_password_file, "key password", why);
      if (!pw) return std::nullopt;
      out["ssl.key.password"] = *pw;
    } else if (env.key_password != nullptr && *env.key_password != '\0') {
      out["ssl.key.password"] = env.key_password;
    }
  }

  const std::string mechanism = upper(f.mechanism);
  if (!sasl) {
    if (!mechanism.empty() || !f.username.empty() || !f.password_file.empty()) {
      *why = "--sasl-mechanism and --sasl-username need --security-protocol SASL_SSL (or "
             "SASL_PLAINTEXT)";
      return std::nullopt;
    }
    return out;
  }
  if (mechanism.empty()) {
    *why = "--security-protocol " + protocol +
           " needs --sasl-mechanism (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN or OAUTHBEARER)";
    return std::nullopt;
  }
  if (mechanism != "SCRAM-SHA-512" && mechanism != "SCRAM-SHA-256" && mechanism != "PLAIN" &&
      mechanism != "OAUTHBEARER") {
    *why = "--sasl-mechanism must be SCRAM-SHA-512, SCRAM-SHA-256, PLAIN or OAUTHBEARER, not '" +
           f.mechanism + "'";
    return std::nullopt;
  }
  out["sasl.mechanisms"] = mechanism;
  if (mechanism == "OAUTHBEARER") return out; // sasl.oauthbearer.* via --kafka-property
  if (mechanism == "PLAIN" && !tls) {
    *why = "SASL PLAIN sends the password as it is: use --security-protocol SASL_SSL";
    return std::nullopt;
  }
  if (f.username.empty()) {
    *why = "--sasl-mechanism " + mechanism + " needs --sasl-username";
    return std::nullopt;
  }
  out["sasl.username"] = f.username;
  if (!f.password_file.empty()) {
    auto pw = read_secret(f.password_file, "SASL password", why);
    if (!pw) return std::nullopt;
    out["sasl.password"] = *pw;
  } else if (env.password != nullptr && *env.password != '\0') {
    out["sasl.password"] = env.password;
  } else {
    *why = "the SASL password of " + f.username +
           " is missing: set AETHERIAL_KAFKA_SASL_PASSWORD or --sasl-password-file";
    return std::nullopt;
  }
  return out;
}

std::string describe_transport(const std::map<std::string, std::string>& props) {
  const auto get = [&](const char* key) {
    auto it = props.find(key);
    return it == props.end() ? std::string() : it->second;
  };
  std::string protocol = upper(get("security.protocol"));
  if (protocol.empty()) protocol = "PLAINTEXT";
  const bool tls = protocol == "SSL" || protocol == "SASL_SSL";
  std::string out = tls ? "TLS on" : "TLS off";
  if (tls) {
    const auto ca = get("ssl.ca.location");
    out += ca.empty() ? " (system CAs)" : " (CA " + ca + ")";
    if (!get("ssl.certificate.location").empty()) out += ", client certificate";
  }
  if (protocol.rfind("SASL_", 0) == 0) {
    out += ", SASL " + get("sasl.mechanisms");
    const auto user = get("sasl.username");
    if (!user.empty()) out += " as " + user;
  } else {
    out += ", no SASL";
  }
  return out;
}

} // namespace aetherial::app
