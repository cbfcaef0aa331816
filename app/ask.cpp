#include "app/ask.hpp"

#include <chrono>
#include <cstdio>
#include <random>

#include "actors/kit/task.hpp"
#include "runtime/clock.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace aetherial::app {
namespace {

namespace fbs = schemas::fbs;

std::string random_hex(std::mt19937_64& rng) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

} // namespace

int exit_code_of(fbs::ReplyStatus status) noexcept {
  switch (status) {
    case fbs::ReplyStatus::refused: return ask_exit::refused;
    case fbs::ReplyStatus::failed: return ask_exit::failed;
    default: return ask_exit::answered;
  }
}

reply_verdict classify_reply(const std::uint8_t* data, std::size_t size, const question_ids& ids) {
  reply_verdict v;
  std::string why;
  const auto* env = schemas::verify_envelope(data, size, ~std::size_t{0}, &why);
  if (env == nullptr) return v;
  const auto* reply = env->payload_as_Reply();
  if (reply == nullptr) return v;
  const bool same_correlation =
      env->correlation_id() && env->correlation_id()->str() == ids.correlation;
  const bool same_conversation =
      reply->conversation_id() && reply->conversation_id()->str() == ids.conversation;
  if (!same_correlation && !same_conversation) return v;
  v.mine = true;
  const auto status = reply->status();
  const std::string agent = reply->agent() ? reply->agent()->str() : "?";
  std::string line = "[" + agent + "] " + (reply->text() ? reply->text()->str() : "");
  if (reply->citations() && reply->citations()->size() > 0) {
    line += " (sources:";
    for (const auto* source : *reply->citations())
      line += " " + source->str();
    line += ")";
  }
  line += "  [" + std::string(actors::kit::status_name(status));
  if (reply->confidence() > 0) {
    char buf[48];
    std::snprintf(buf, sizeof buf, ", confidence %.2f", reply->confidence());
    line += buf;
  }
  line += "]";
  v.line = std::move(line);
  v.final = actors::kit::is_final(status);
  if (v.final && (agent == "orchestrator" || !env->correlation_id() || same_correlation))
    v.exit_code = exit_code_of(status);
  return v;
}

std::vector<std::uint8_t> command_envelope(const std::string& text, const std::string& principal,
                                           const std::string& role, const question_ids& ids,
                                           const schemas::event_id& id, std::int64_t time_ms,
                                           const std::string& token) {
  flatbuffers::FlatBufferBuilder b;
  auto cmd = fbs::CreateCommandDirect(b, role.c_str(), text.c_str(), ids.conversation.c_str(),
                                      token.empty() ? nullptr : token.c_str());
  schemas::envelope_header h;
  h.id = id;
  h.key = ids.conversation;
  h.event_time_ms = time_ms;
  h.principal = principal;
  h.correlation = ids.correlation;
  return schemas::finish_envelope(b, h, fbs::Payload::Command, cmd.Union());
}

int ask(const ask_options& o) {
  const auto print = [&](const std::string& line) {
    if (o.print) {
      o.print(line);
    } else {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    }
  };
  const auto fail = [&](const std::string& message) {
    if (o.print_error)
      o.print_error(message);
    else
      std::fprintf(stderr, "aetherial ask: %s\n", message.c_str());
    return ask_exit::error;
  };
  if (o.brokers.empty())
    return fail("--brokers is required (the address `aetherial run` or `aetherial broker` "
                "printed)");
  topics::catalog cat(o.topic_prefix);
  topics::kafka_config kc;
  kc.brokers = o.brokers;
  kc.extra = o.kafka_properties;
  std::random_device rd;
  std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  question_ids ids;
  ids.conversation = o.conversation.empty() ? "c-" + random_hex(rng) : o.conversation;
  ids.correlation = "q-" + random_hex(rng);

  // Listen before asking, so no reply can be missed.
  auto replies = topics::reader::create(kc);
  if (!replies) return fail(replies.error_value().message);
  const auto replies_topic = cat.name(topics::catalog::replies);
  auto parts = replies.value()->partition_count(replies_topic, topics::ms{10000});
  if (!parts) return fail(parts.error_value().message);
  std::vector<topics::topic_partition> from;
  for (int p = 0; p < parts.value(); ++p) {
    auto wm = replies.value()->watermarks(replies_topic, p, topics::ms{10000});
    from.push_back({replies_topic, p, wm ? wm.value().second : -1});
  }
  if (auto r = replies.value()->assign(from); !r) return fail(r.error_value().message);

  const schemas::event_id id{rng(), rng()};
  const auto bytes =
      command_envelope(o.text, o.principal, o.role, ids, id, runtime::wall_ms(), o.token);
  auto producer = topics::producer::create(kc);
  if (!producer) return fail(producer.error_value().message);
  if (auto r = producer.value()->send(cat.name("aetherial.commands"), -1, ids.conversation,
                                      bytes.data(), bytes.size());
      !r || !producer.value()->flush(topics::ms{10000}))
    return fail("the command was not delivered");
  print("> " + o.text);
  // After the first final status, listen a moment longer for the agents' own answers.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_s);
  std::optional<int> exit_code;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& r : replies.value()->poll(100, topics::ms{100})) {
      const auto v = classify_reply(r.value.data(), r.value.size(), ids);
      if (!v.mine) continue;
      print(v.line);
      if (!exit_code && v.exit_code) {
        exit_code = v.exit_code;
        deadline =
            std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(1500));
      }
    }
  }
  if (exit_code) {
    print("conversation: " + ids.conversation);
    return *exit_code;
  }
  print("no final answer within " + std::to_string(o.timeout_s) + " s (conversation " +
        ids.conversation + ")");
  return ask_exit::timeout;
}

} // namespace aetherial::app
