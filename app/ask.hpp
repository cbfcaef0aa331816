#pragma once
// `aetherial ask`: send a Command to the orchestrator and print the replies until a final
// status. The pure part classifies one reply against the question; `ask` does the Kafka.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "schemas/envelope.hpp"

namespace aetherial::app {

/// Exit codes of `ask`.
namespace ask_exit {
inline constexpr int answered = 0; ///< a final reply that is neither refused nor failed
inline constexpr int failed = 1;   ///< the final reply says failed
inline constexpr int error = 2;    ///< the command could not be sent, or the broker is unreachable
inline constexpr int refused = 3;  ///< the final reply says refused
inline constexpr int timeout = 4;  ///< no final reply in time
} // namespace ask_exit

/// The ids a question is known by: replies carry the correlation (the command's own
/// answers) or the conversation (answers of tasks the orchestrator routed).
struct question_ids {
  std::string correlation;
  std::string conversation;
};

/// What one record of aetherial.replies means to a question.
struct reply_verdict {
  bool mine = false;            ///< it answers this question (else: ignore it)
  std::string line;             ///< the line to print, without newline (when mine)
  bool final = false;           ///< its status is final
  std::optional<int> exit_code; ///< set when it ends the wait: the exit code of `ask`
};

/// The exit code of a final status: refused 3, failed 1, any other 0.
[[nodiscard]] int exit_code_of(schemas::fbs::ReplyStatus status) noexcept;

/// Classifies one record of aetherial.replies. A reply is the question's when it carries its
/// correlation id or its conversation id; it ends the wait when its status is final and it
/// comes from the orchestrator or answers the command itself (same or no correlation id).
[[nodiscard]] reply_verdict classify_reply(const std::uint8_t* data, std::size_t size,
                                           const question_ids& ids);

/// The Command envelope of a question (key: the conversation).
[[nodiscard]] std::vector<std::uint8_t>
command_envelope(const std::string& text, const std::string& principal, const std::string& role,
                 const question_ids& ids, const schemas::event_id& id, std::int64_t time_ms,
                 const std::string& token = "");

/// What `ask` needs.
struct ask_options {
  std::string brokers;
  std::map<std::string, std::string> kafka_properties; ///< TLS, SASL and other client settings
  std::string topic_prefix;
  std::string text;
  std::string principal = "user:cli";
  std::string role = "user";
  std::string token;        ///< the identity token (JWT) the command carries; "" = none
  std::string conversation; ///< "" = a new one
  int timeout_s = 30;
  /// Where lines go (each without its newline); stdout when empty.
  std::function<void(const std::string&)> print;
  /// Where errors go; stderr when empty.
  std::function<void(const std::string&)> print_error;
};

/// Sends the question and prints the replies; returns an ask_exit code.
[[nodiscard]] int ask(const ask_options& options);

} // namespace aetherial::app
