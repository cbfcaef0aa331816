#pragma once
// The only random numbers an agent has: a small deterministic generator, the same sequence
// for the same seed on every machine and standard library (std::mt19937_64 is portable, but
// the <random> distributions are not, and <random> itself is not for agents).
//
// xoshiro256** (Blackman and Vigna, public domain) with its state filled by splitmix64 from
// a 64-bit seed.

#include <cstdint>

namespace aetherial::actors::kit {

/// A deterministic random number generator: xoshiro256** seeded through splitmix64.
class rng {
public:
  /// The generator for `seed`: the same seed, the same numbers.
  explicit constexpr rng(std::uint64_t seed) noexcept {
    for (auto& word : s_)
      word = splitmix64(seed);
  }

  /// The next 64 uniformly distributed bits.
  constexpr std::uint64_t next_u64() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// A uniform double in [0, 1): the top 53 bits of `next_u64()` times 2^-53.
  constexpr double next_double() noexcept {
    return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);
  }

  /// A uniform integer in [0, bound), without modulo bias (a power-of-two mask, draws outside
  /// the bound retried); 0 when `bound` is 0.
  constexpr std::uint64_t next_below(std::uint64_t bound) noexcept {
    if (bound == 0) return 0;
    // The smallest power-of-two mask covering bound - 1; draws above it are retried.
    std::uint64_t mask = bound - 1;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    for (;;) {
      const std::uint64_t x = next_u64() & mask;
      if (x < bound) return x;
    }
  }

private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }

  /// Advances `state` and returns the next splitmix64 output.
  static constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t s_[4] = {};
};

} // namespace aetherial::actors::kit
