#include "app/render.hpp"

#include <cstdio>

namespace aetherial::app {
namespace {

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

} // namespace

std::string clock_time(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>((s / 3600) % 24),
                static_cast<long long>((s / 60) % 60), static_cast<long long>(s % 60));
  return buf;
}

std::string render_decision(const schemas::fbs::Envelope& env) {
  namespace fbs = schemas::fbs;
  std::string line = "[" + clock_time(env.event_time_ms()) + "] ";
  switch (env.payload_type()) {
    case fbs::Payload::ScaleDecision: {
      const auto* d = env.payload_as_ScaleDecision();
      line += "SCALE      " + str(d->reason());
      break;
    }
    case fbs::Payload::RemediationDecision: {
      const auto* d = env.payload_as_RemediationDecision();
      line += "REMEDIATE  " + str(d->service()) + " " + str(d->incident_id()) + ": " +
              str(d->runbook()) + "/" + str(d->action()) + " (attempt " +
              std::to_string(d->attempt()) + ", success rate " +
              fmt("%.2f", d->runbook_success_rate()) + "): " + str(d->reason());
      break;
    }
    case fbs::Payload::VerificationDecision: {
      const auto* d = env.payload_as_VerificationDecision();
      line += std::string(d->success() ? "VERIFIED   " : "FAILED     ") + str(d->service()) + " " +
              str(d->incident_id()) + " " + str(d->runbook()) + ": " + str(d->reason());
      break;
    }
    case fbs::Payload::EscalationDecision: {
      const auto* d = env.payload_as_EscalationDecision();
      line += "ESCALATE   " + str(d->service()) + " " + str(d->incident_id()) + " to " +
              str(d->notify_role()) + " after " + std::to_string(d->attempts()) +
              " attempts: " + str(d->reason());
      break;
    }
    case fbs::Payload::Recommendation: {
      const auto* d = env.payload_as_Recommendation();
      line += "RECOMMEND  " + str(d->service()) + " " + str(d->kind()) + " " + str(d->target()) +
              ": " + str(d->detail()) + " (" + str(d->reason()) + ")";
      break;
    }
    case fbs::Payload::RecommendationVerdict: {
      const auto* d = env.payload_as_RecommendationVerdict();
      line += std::string(d->effective() ? "EFFECTIVE  " : "INEFFECTIVE ") + str(d->service()) +
              " " + str(d->recommendation_id()) + ": " + str(d->reason());
      break;
    }
    case fbs::Payload::RuntimeScaleDecision: {
      const auto* d = env.payload_as_RuntimeScaleDecision();
      line += "RUNTIME    instances " + std::to_string(d->from_instances()) + " -> " +
              std::to_string(d->to_instances()) + ": " + str(d->reason());
      break;
    }
    default: line += std::string(schemas::payload_name(env.payload_type())) + " " + str(env.key());
  }
  return line;
}

} // namespace aetherial::app
