#pragma once
// The throughput benchmark's load: deterministic ServiceLoad envelopes from simulated platform
// services (a daily curve with noise and spikes, replicas following demand a few samples late).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace aetherial::bench {

/// One simulated platform service: a daily load curve with noise and occasional spikes, and a
/// replica count that follows the CPU demand a few samples late, as an HPA would.
struct service_sim {
  std::string name;
  double base_rps = 0;
  double cpu_per_rps = 0; ///< CPU (in replicas' worth) per request/s
  double phase = 0;
  int replicas = 2;
  int spike_left = 0;
  std::vector<int> pending; ///< replica counts decided, applied after a delay
};

/// Deterministic generator of ServiceLoad envelopes: services sampled round robin in a
/// shuffled order, each every 15 s of event time.
class load_generator {
public:
  load_generator(int services, std::uint64_t seed);

  /// The i-th envelope (i counts from 0) and its key.
  std::vector<std::uint8_t> next(std::uint64_t run_tag, std::string& key);

private:
  std::mt19937_64 rng_;
  std::vector<service_sim> sims_;
  std::vector<std::size_t> order_;
  std::size_t cursor_ = 0;
  std::uint64_t round_ = 0;
  std::uint64_t seq_ = 0;
  std::int64_t t0_ms_ = 1'700'000'000'000;
};

} // namespace aetherial::bench
