#pragma once
// Builders of input envelopes and readers of decisions for the Security agent's tests.

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "actors/agent.hpp"
#include "actors/security/security_agent.hpp"

namespace aetherial::actors::security::test {

namespace fbs = ::aetherial::schema;
using bytes = std::vector<std::uint8_t>;
using params = std::vector<std::pair<std::string, std::string>>;

/// Base event time of the tests (2026-01-01T00:00:00Z).
inline constexpr std::int64_t t0 = 1'767'225'600'000;

/// Seconds after t0, in ms.
inline constexpr std::int64_t at_s(double s) {
  return t0 + static_cast<std::int64_t>(s * 1000.0);
}

/// Builds input envelopes with consecutive event ids.
class events {
public:
  bytes request(std::int64_t t, const std::string& ip, const std::string& user = {},
                const params& ps = {}, const std::string& path = "/home") {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<fbs::KeyValue>> kvs;
    for (const auto& [k, v] : ps)
      kvs.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
    auto p = fbs::CreateRequestSummaryDirect(b, ip.c_str(), user.c_str(), "GET", path.c_str(), &kvs,
                                             200, false, false, "test-agent");
    return finish(b, t, ip, fbs::Payload::RequestSummary, p.Union());
  }
  bytes login(std::int64_t t, const std::string& ip, const std::string& user, bool success) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateRequestSummaryDirect(b, ip.c_str(), user.c_str(), "POST", "/login", nullptr,
                                             success ? 200 : 401, true, success, "test-agent");
    return finish(b, t, ip, fbs::Payload::RequestSummary, p.Union());
  }
  bytes approval(std::int64_t t, const std::string& subject, bool approved,
                 const std::string& approver = "user:admin-1") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateBanApprovalDirect(b, subject.c_str(), approved, approver.c_str(),
                                          approved ? "confirmed attacker" : "shared NAT");
    return finish(b, t, subject, fbs::Payload::BanApproval, p.Union());
  }
  bytes feedback_approval(std::int64_t t, const std::string& subject, bool approved) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateFeedbackDirect(b, subject.c_str(), "ban_approval", approved ? 1.0 : 0.0,
                                       approved ? "approved" : "rejected", "user:admin-2", "");
    return finish(b, t, subject, fbs::Payload::Feedback, p.Union());
  }

private:
  bytes finish(flatbuffers::FlatBufferBuilder& b, std::int64_t t, const std::string& key,
               fbs::Payload type, flatbuffers::Offset<void> payload) {
    schemas::envelope_header h;
    h.id = {0x5ec, ++seq_};
    h.key = key;
    h.event_time_ms = t;
    h.principal = "svc:edge";
    return schemas::finish_envelope(b, h, type, payload);
  }
  std::uint64_t seq_ = 0;
};

/// An agent and everything it emitted.
struct harness {
  explicit harness(security_config cfg = {}) : agent(std::move(cfg)) {}

  /// Feeds one envelope; returns what it emitted (kept alive for the harness's lifetime).
  const std::vector<emitted>& feed(const bytes& value) {
    std::string why;
    const auto* env = schemas::verify_envelope(value.data(), value.size(),
                                               schemas::default_max_event_bytes, &why);
    BOOST_TEST_REQUIRE(env != nullptr, why);
    context ctx(kind_name, *env);
    agent.on_event(*env, ctx);
    auto& out = history.emplace_back(ctx.take_outputs());
    for (const auto& e : out) {
      BOOST_TEST((e.to == output::decisions));
      all.push_back(e);
    }
    return out;
  }

  security_agent agent;
  std::deque<std::vector<emitted>> history; ///< outputs per fed event
  std::vector<emitted> all;                 ///< every output, in order
};

/// The envelope of an emitted event (verified).
inline const fbs::Envelope& envelope_of(const emitted& e) {
  std::string why;
  const auto* env = schemas::verify_envelope(e.value.data(), e.value.size(),
                                             schemas::default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  return *env;
}

/// The emitted payloads of one type, in emission order.
template <class T> std::vector<const T*> payloads(const std::vector<emitted>& out) {
  std::vector<const T*> r;
  for (const auto& e : out)
    if (const auto* p = envelope_of(e).payload_as<T>()) r.push_back(p);
  return r;
}

/// Text of a flatbuffers string ("" if absent).
inline std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

/// The block decisions of one subject with the given action.
inline std::vector<const fbs::BlockDecision*>
blocks(const std::vector<emitted>& out, const std::string& subject, const std::string& action) {
  std::vector<const fbs::BlockDecision*> r;
  for (const auto* b : payloads<fbs::BlockDecision>(out))
    if (str(b->subject()) == subject && str(b->action()) == action) r.push_back(b);
  return r;
}

/// The incidents of one kind.
inline std::vector<const fbs::SecurityIncident*> incidents(const std::vector<emitted>& out,
                                                           const std::string& kind) {
  std::vector<const fbs::SecurityIncident*> r;
  for (const auto* i : payloads<fbs::SecurityIncident>(out))
    if (str(i->kind()) == kind) r.push_back(i);
  return r;
}

} // namespace aetherial::actors::security::test
