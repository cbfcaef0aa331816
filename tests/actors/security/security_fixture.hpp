#pragma once
// Builders of input envelopes and readers of decisions for the Security agent's tests.

#include <stdexcept>
#include <string>
#include <vector>

#include "actors/security/security_agent.hpp"
#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::security::test {

using namespace ::aetherial::actors::security;
using namespace ::aetherial::actors::test;
using params = pairs;

/// Builds the Security agent's input envelopes.
class events : public envelope_builder {
public:
  events() : envelope_builder(0x5ec, "svc:edge") {}

  bytes request(std::int64_t t, const std::string& ip, const std::string& user = {},
                const params& ps = {}, const std::string& path = "/home") {
    flatbuffers::FlatBufferBuilder b;
    auto kvs = build_key_values(b, ps);
    auto p = fbs::CreateRequestSummaryDirect(b, ip.c_str(), user.c_str(), "GET", path.c_str(), &kvs,
                                             200, false, false, "test-agent");
    return envelope(b, t, ip, fbs::Payload::RequestSummary, p.Union());
  }
  bytes login(std::int64_t t, const std::string& ip, const std::string& user, bool success) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateRequestSummaryDirect(b, ip.c_str(), user.c_str(), "POST", "/login", nullptr,
                                             success ? 200 : 401, true, success, "test-agent");
    return envelope(b, t, ip, fbs::Payload::RequestSummary, p.Union());
  }
  bytes approval(std::int64_t t, const std::string& subject, bool approved,
                 const std::string& approver = "user:admin-1") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateBanApprovalDirect(b, subject.c_str(), approved, approver.c_str(),
                                          approved ? "confirmed attacker" : "shared NAT");
    return envelope(b, t, subject, fbs::Payload::BanApproval, p.Union());
  }
  bytes feedback_approval(std::int64_t t, const std::string& subject, bool approved) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateFeedbackDirect(b, subject.c_str(), "ban_approval", approved ? 1.0 : 0.0,
                                       approved ? "approved" : "rejected", "user:admin-2", "");
    return envelope(b, t, subject, fbs::Payload::Feedback, p.Union());
  }
};

/// The Security agent and everything it emitted (decisions only).
using harness = agent_harness<security_agent, kind_name, outputs::decisions_only>;

/// The stored row of `subject` (std::logic_error when there is none).
inline subject_record subject_row(const harness& h, const std::string& subject) {
  const auto v = h.tables.get(subjects_table, subject);
  if (!v) throw std::logic_error("no row for subject " + subject);
  return decode_subject(*v);
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
