#pragma once
// What the fuzz targets of tests/fuzz share: the invariant check that turns a broken promise
// into a crash libFuzzer records, and the agent settings their snapshots are taken under.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "actors/agent.hpp"

namespace aetherial::fuzz {

/// Aborts (a finding) with `what` when `ok` is false.
inline void require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s%s%s\n", what, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

/// The settings every agent of the fuzz targets and of the seed generator is made with (the
/// analytics state records its salt's fingerprint, so both must use the same salt).
inline const actors::agent_settings& agent_settings() {
  static const actors::agent_settings s = {{"analytics.salt", "fuzz-salt-0123456789abcdef0123"}};
  return s;
}

} // namespace aetherial::fuzz

#ifdef AETHERIAL_SOURCE_DIR
/// UBSan's defaults for the fuzz targets: stop at the first report, with a stack, except the
/// reports ubsan.supp lists (see CMakeLists.txt). UBSAN_OPTIONS still overrides each.
extern "C" const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1:suppressions=" AETHERIAL_SOURCE_DIR
         "/tests/fuzz/ubsan.supp";
}
#endif
