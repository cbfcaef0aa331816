#pragma once
// A Content agent under test, and the texts the scenarios use.

#include <string>
#include <vector>

#include "actors/content/content_agent.hpp"
#include "tests/actors/text/envelopes.hpp"

namespace aetherial::actors::content::test {

using namespace ::aetherial::actors::content;
using namespace ::aetherial::actors::text::test;

/// A content agent and everything it emitted.
using content_harness = agent_harness<content_agent, kind_name>;

/// The one moderation verdict in `out`.
inline const fbs::ModerationVerdict& the_verdict(const std::vector<emitted>& out) {
  return the_one<fbs::ModerationVerdict>(out);
}

/// The one effect request in `out`.
inline const fbs::EffectRequest& the_request(const std::vector<emitted>& out) {
  return the_one<fbs::EffectRequest>(out);
}

/// Knowledge-base articles, some about AI.
inline std::vector<bytes> ai_knowledge_base(events& ev) {
  return {
      ev.article("kb-ai-intro", "Introduction to AI",
                 "AI systems learn patterns from data instead of following fixed rules. Machine "
                 "learning is the branch of AI that fits models to examples. Good data matters "
                 "more than clever models.",
                 {"ai"}),
      ev.article("kb-neural", "Neural networks",
                 "Neural networks are the models behind modern AI. Layers of weights transform "
                 "inputs into outputs. Training adjusts the weights with gradient descent."),
      ev.article("kb-ethics", "Responsible AI",
                 "Responsible AI starts with fair data. Models can repeat the bias of their "
                 "training data. Audits and human review keep AI decisions accountable."),
      ev.article("kb-course-create", "Creating a course",
                 "To create a course, open the Studio and choose New course. Add modules and "
                 "lessons, then publish."),
      ev.article("kb-password", "Resetting your password",
                 "Open the login page and choose Forgot password."),
  };
}

} // namespace aetherial::actors::content::test
