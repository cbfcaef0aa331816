#pragma once
// What each agent kind plugs into the conformance suite: a deterministic input sequence
// (its scenario inputs, in delivery order) and the settings to make its agents with.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::conformance {

using bytes = std::vector<std::uint8_t>;

/// One agent kind's part of the suite.
struct kind_inputs {
  std::string kind;        ///< the registry name ("operations")
  agent_settings settings; ///< what its agents are made with
  /// The magic of the byte layout its snapshots had before FlatBuffers ("AOPS").
  std::string legacy_magic;
  /// The input envelopes, the same on every call.
  std::vector<bytes> (*events)() = nullptr;
  /// The topics it consumes, in the registry's order.
  std::vector<std::string> input_topics;
  /// The one snapshot version it writes and reads.
  std::uint32_t state_version = 0;
  /// Its codec's versions (`state_encoding_version`, `min_state_encoding_version`).
  std::uint32_t codec_version = 0;
  std::uint32_t codec_min_version = 0;
  /// Snapshots its former codecs wrote, files of former/ (none if none is kept).
  std::vector<std::string> former_snapshots;
};

/// Every kind's inputs, in a fixed order.
[[nodiscard]] const std::vector<kind_inputs>& all_inputs();

/// The inputs of the kind named `kind`, or nullptr.
[[nodiscard]] const kind_inputs* find_inputs(std::string_view kind);

/// Sorts envelopes by event time, stable: what a consumer of several topics delivers.
void sort_by_event_time(std::vector<bytes>& log);

std::vector<bytes> operations_events();
std::vector<bytes> orchestrator_events();
std::vector<bytes> support_events();
std::vector<bytes> content_events();
std::vector<bytes> security_events();
std::vector<bytes> analytics_events();
std::vector<bytes> development_events();

/// The bytes of former/`name`.
[[nodiscard]] bytes former_snapshot(const std::string& name);

} // namespace aetherial::actors::conformance
