#pragma once
// TLS and SASL settings of every Kafka client the command line creates, from flags, a
// config file or the environment. Secrets (the SASL password, a key's password) come only
// from the environment or a file, never from a flag's value, and never appear in a message.

#include <map>
#include <optional>
#include <string>

namespace aetherial::app {

/// What the flags say; paths, not secrets.
struct kafka_security_flags {
  std::string protocol;      ///< --security-protocol: PLAINTEXT (default), SSL, SASL_SSL, ...
  std::string mechanism;     ///< --sasl-mechanism: SCRAM-SHA-512, SCRAM-SHA-256, PLAIN, OAUTHBEARER
  std::string username;      ///< --sasl-username
  std::string password_file; ///< --sasl-password-file (else AETHERIAL_KAFKA_SASL_PASSWORD)
  std::string ca_file;       ///< --ssl-ca: PEM bundle the brokers' certificates chain to
  std::string cert_file;     ///< --ssl-cert: client certificate (mutual TLS)
  std::string key_file;      ///< --ssl-key: the client certificate's key
  std::string
      key_password_file; ///< --ssl-key-password-file (else AETHERIAL_KAFKA_SSL_KEY_PASSWORD)
};

/// Secrets from the environment (null: unset).
struct kafka_security_env {
  const char* password = nullptr;     ///< AETHERIAL_KAFKA_SASL_PASSWORD
  const char* key_password = nullptr; ///< AETHERIAL_KAFKA_SSL_KEY_PASSWORD
};

/// librdkafka properties for `f`, or nullopt with `why` saying what to fix (never quoting a
/// secret). Properties of OAUTHBEARER (sasl.oauthbearer.*) are given with --kafka-property.
[[nodiscard]] std::optional<std::map<std::string, std::string>>
kafka_security_properties(const kafka_security_flags& f, const kafka_security_env& env,
                          std::string* why);

/// One line for the start-up posture: "TLS on (CA ...), SASL SCRAM-SHA-512 as runtime".
/// Reads only non-secret properties.
[[nodiscard]] std::string describe_transport(const std::map<std::string, std::string>& props);

} // namespace aetherial::app
