#pragma once
// `aetherial demo`: the embedded broker, a node running the agents, the platform simulator
// playing the demo's scenarios, live decisions in readable form, a host crash mid-run, and
// an audit of the whole run at the end.

#include <string>

namespace aetherial::app {

/// Options of the demo. Defaults beside each field.
struct demo_options {
  int metrics_port = 9464; ///< -1 disables; falls back to any free port when taken
  std::string data_dir;    ///< snapshot store; default: a fresh temp directory
  bool no_crash = false;   ///< skip the mid-run host crash
  bool quiet = false;      ///< print only the summary
};

/// Runs the demo; returns the process exit code (non-zero if the audit diverges).
int run_demo(const demo_options& options);

} // namespace aetherial::app
