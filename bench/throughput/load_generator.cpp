#include "load_generator.hpp"

#include <algorithm>
#include <cmath>

#include "schemas/envelope.hpp"

namespace aetherial::bench {

load_generator::load_generator(int services, std::uint64_t seed) : rng_(seed) {
  static const char* const bases[] = {
      "web",     "api",    "checkout", "payments",  "search",  "catalog", "cart",  "auth",
      "profile", "orders", "shipping", "inventory", "pricing", "reviews", "media", "notifications"};
  static const char* const regions[] = {"eu-west", "us-east", "ap-south", "sa-east"};
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < services; ++i) {
    service_sim s;
    s.name = std::string(bases[i % 16]) + "." + regions[(i / 16) % 4];
    if (i >= 64) s.name += "-" + std::to_string(i / 64);
    s.base_rps = 50.0 + 950.0 * u(rng_);
    s.cpu_per_rps = (0.5 + u(rng_)) / 400.0;
    s.phase = 2.0 * M_PI * u(rng_);
    s.replicas = std::max(1, static_cast<int>(std::ceil(s.base_rps * s.cpu_per_rps / 0.6)));
    sims_.push_back(std::move(s));
  }
  order_.resize(sims_.size());
  for (std::size_t i = 0; i < order_.size(); ++i)
    order_[i] = i;
}

std::vector<std::uint8_t> load_generator::next(std::uint64_t run_tag, std::string& key) {
  if (cursor_ == order_.size()) {
    std::shuffle(order_.begin(), order_.end(), rng_);
    cursor_ = 0;
    ++round_;
  }
  auto& s = sims_[order_[cursor_++]];
  std::normal_distribution<double> noise(0.0, 0.05);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::int64_t t =
      t0_ms_ + static_cast<std::int64_t>(round_) * 15'000 + static_cast<std::int64_t>(cursor_) * 10;
  // A day is 5760 samples of 15 s.
  const double day = std::sin(2.0 * M_PI * static_cast<double>(round_) / 5760.0 + s.phase);
  if (s.spike_left == 0 && u(rng_) < 0.002) s.spike_left = 20 + static_cast<int>(40 * u(rng_));
  double rps = s.base_rps * (1.0 + 0.5 * day) * (1.0 + noise(rng_));
  if (s.spike_left > 0) {
    rps *= 2.5;
    --s.spike_left;
  }
  rps = std::max(rps, 1.0);
  const double demand = rps * s.cpu_per_rps; // in replicas' worth of CPU
  const double cpu = std::min(1.0, demand / s.replicas);
  const double latency = 40.0 + 400.0 * std::max(0.0, cpu - 0.7) + 5.0 * u(rng_);
  const double errors = cpu > 0.95 ? 0.02 * u(rng_) : 0.001 * u(rng_);

  flatbuffers::FlatBufferBuilder b(256);
  auto load = schemas::fbs::CreateServiceLoadDirect(b, s.name.c_str(), s.replicas, rps, cpu,
                                                    latency, errors);
  schemas::envelope_header h;
  h.id = {run_tag, ++seq_};
  h.key = s.name;
  h.event_time_ms = t;
  h.principal = "svc:metrics-collector";
  key = s.name;
  auto bytes = schemas::finish_envelope(b, h, schemas::fbs::Payload::ServiceLoad, load.Union());

  // The platform's own controller: replicas follow demand three samples late.
  const int desired = std::clamp(static_cast<int>(std::ceil(demand / 0.6)), 1, 10);
  s.pending.push_back(desired);
  if (s.pending.size() > 3) {
    s.replicas = s.pending.front();
    s.pending.erase(s.pending.begin());
  }
  return bytes;
}

} // namespace aetherial::bench
