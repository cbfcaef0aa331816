#pragma once
// A User Support agent under test, and a small knowledge base to answer from.

#include <string>
#include <vector>

#include "actors/support/support_agent.hpp"
#include "tests/actors/text/envelopes.hpp"

namespace aetherial::actors::support::test {

using namespace ::aetherial::actors::support;
using namespace ::aetherial::actors::text::test;

/// A support agent and everything it emitted.
using support_harness = agent_harness<support_agent, kind_name>;

/// Articles of a learning platform's knowledge base.
inline std::vector<bytes> knowledge_base(events& ev) {
  return {
      ev.article("kb-course-create", "Creating a course",
                 "To create a course, open the Studio and choose New course. Give the course a "
                 "title and a short description. Add modules and lessons, then press Publish "
                 "when it is ready.",
                 {"courses", "studio"}),
      ev.article("kb-password", "Resetting your password",
                 "Open the login page and choose Forgot password. We send a reset link to "
                 "your email address. The link expires after one hour."),
      ev.article("kb-course-limits", "Course limits",
                 "A course can hold up to 50 modules. Each lesson video may be 2 GB at most."),
      ev.article("kb-upload-limits", "Upload limits",
                 "Profile pictures have limits: 5 MB, and the limits apply to every upload."),
      ev.article("kb-certificates", "Certificates",
                 "Learners receive a certificate when they finish every module of a course."),
  };
}

/// The one reply in `out`.
inline const fbs::Reply& the_reply(const std::vector<emitted>& out) {
  return the_one<fbs::Reply>(out);
}

} // namespace aetherial::actors::support::test
