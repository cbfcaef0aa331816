#pragma once
// Checks of the agents' state encodings and registry entries that every agent's suite uses on
// its own states and settings (the generic ones are the conformance suite's).

#include <memory>
#include <string_view>

#include <boost/test/unit_test.hpp>

#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::test {

/// The agent the registry's kind `kind` makes with `settings` (the test stops if the kind is
/// unknown or makes nothing).
[[nodiscard]] std::unique_ptr<agent> make_registered(std::string_view kind,
                                                     const agent_settings& settings);

/// The agent the registry's kind `kind` makes with `settings`, as the `Agent` it must be.
template <class Agent>
std::unique_ptr<Agent> made_by_registry(std::string_view kind, const agent_settings& settings) {
  auto made = make_registered(kind, settings);
  BOOST_TEST_REQUIRE((dynamic_cast<Agent*>(made.get()) != nullptr), kind);
  return std::unique_ptr<Agent>(static_cast<Agent*>(made.release()));
}

/// Checks that `a` refuses `snapshot` and keeps its state: its snapshot stays the same bytes.
void check_refused(agent& a, const bytes& snapshot);

/// Checks that `snapshot` is a FlatBuffer with the file identifier `identifier` (that `verify`
/// accepts, if given), and that `a` restores it and writes it back byte for byte; false if `a`
/// refused it.
[[nodiscard]] bool round_trips(agent& a, const bytes& snapshot, std::string_view identifier,
                               bool (*verify)(flatbuffers::Verifier&) = nullptr);

/// A fresh `Agent` restored from `snapshot` after the checks of `round_trips` (the test stops
/// if it is refused).
template <class Agent>
std::unique_ptr<Agent> restored(const bytes& snapshot, std::string_view identifier,
                                bool (*verify)(flatbuffers::Verifier&) = nullptr,
                                config_of<Agent> cfg = {}) {
  auto a = std::make_unique<Agent>(std::move(cfg));
  BOOST_TEST_REQUIRE(round_trips(*a, snapshot, identifier, verify), identifier);
  return a;
}

} // namespace aetherial::actors::test
