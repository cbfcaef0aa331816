#pragma once
// What every agent kind shares: it owns a config and a state, reads its events through
// `on_event`, and snapshots and restores its state through the kind's state codec.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "actors/agent.hpp"

namespace aetherial::actors::kit {

/// Base of the agent `Derived` (CRTP) of one partition, with state `State` and settings
/// `Config`; owned by its host, lives as long as the host.
///
/// `snapshot` encodes the state with the kind's `encode_state(state)`, found beside `State`;
/// `restore` decodes it with `Decode(data, size)`, the kind's `decode_state`, or with
/// `Decode(data, size, config.*DecodeWith)` when `DecodeWith` names a member of `Config` (the
/// limits a state is read with). A kind whose codec wants something else (a key) declares its
/// own `encode_snapshot() const` or `decode_snapshot(data, size) const` (and leaves `Decode`
/// out); one that rebuilds derived indexes after a restore declares `restored()`. Such hooks
/// may be private if the kind befriends `agent_base`.
template <class Derived, class State, class Config, auto Decode = nullptr,
          auto DecodeWith = nullptr>
class agent_base : public agent {
public:
  using state_type = State;
  using config_type = Config;

  explicit agent_base(Config cfg = {}) : cfg_(std::move(cfg)) {}

  [[nodiscard]] bytes snapshot() const override { return self().encode_snapshot(); }

  [[nodiscard]] bool restore(const std::uint8_t* data, std::size_t size) override {
    std::optional<State> decoded = self().decode_snapshot(data, size);
    if (!decoded) return false;
    state_ = std::move(*decoded);
    static_cast<Derived&>(*this).restored();
    return true;
  }

  /// The current state, for tests and inspection.
  [[nodiscard]] const State& state() const noexcept { return state_; }
  /// The configuration the agent was made with (after its own adjustments).
  [[nodiscard]] const Config& config() const noexcept { return cfg_; }

protected:
  /// The state's bytes, by the kind's `encode_state`.
  [[nodiscard]] bytes encode_snapshot() const { return encode_state(state_); }
  /// A state from its bytes, by `Decode`; nullopt if they cannot be read.
  [[nodiscard]] std::optional<State> decode_snapshot(const std::uint8_t* data,
                                                     std::size_t size) const {
    if constexpr (DecodeWith == nullptr)
      return Decode(data, size);
    else
      return Decode(data, size, cfg_.*DecodeWith);
  }
  /// Called after a successful restore: nothing to rebuild by default.
  void restored() {}

  Config cfg_;
  State state_;

private:
  [[nodiscard]] const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

} // namespace aetherial::actors::kit
