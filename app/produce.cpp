#include "app/produce.hpp"

#include <chrono>
#include <cstdio>
#include <random>

#include "runtime/clock.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace aetherial::app {

produced_line convert_line(const std::string& line, std::size_t line_number,
                           const schemas::json_defaults& defaults) {
  produced_line out;
  if (line.find_first_not_of(" \t\r") == std::string::npos) {
    out.blank = true;
    return out;
  }
  std::string why;
  auto bytes = schemas::envelope_from_json(line, defaults, &why);
  if (!bytes) {
    out.error = "line " + std::to_string(line_number) + ": " + why;
    return out;
  }
  const auto* env = schemas::verify_envelope(bytes->data(), bytes->size(), ~std::size_t{0}, &why);
  if (env == nullptr) {
    out.error = "line " + std::to_string(line_number) + ": " + why;
    return out;
  }
  out.key = env->key() ? env->key()->str() : "";
  out.bytes = std::move(*bytes);
  return out;
}

int produce(const produce_options& o, std::istream& in) {
  const auto print = [&](const std::string& line) {
    if (o.print)
      o.print(line);
    else
      std::printf("%s\n", line.c_str());
  };
  const auto print_error = [&](const std::string& line) {
    if (o.print_error)
      o.print_error(line);
    else
      std::fprintf(stderr, "%s\n", line.c_str());
  };
  if (o.brokers.empty()) {
    print_error("aetherial produce: --brokers is required (the address `aetherial run` or "
                "`aetherial broker` printed)");
    return 2;
  }
  topics::catalog cat(o.topic_prefix, o.partitions);
  if (!cat.find(o.topic)) {
    print_error("aetherial produce: unknown topic '" + o.topic + "' (see `aetherial topics`)");
    return 2;
  }
  topics::kafka_config kc;
  kc.brokers = o.brokers;
  kc.extra = o.kafka_properties;
  auto p = topics::producer::create(kc);
  if (!p) {
    print_error("aetherial produce: " + p.error_value().message);
    return 2;
  }
  std::random_device rd;
  std::mt19937_64 rng(rd());
  std::string line;
  std::size_t n = 0, bad = 0, lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    schemas::json_defaults d;
    d.id = {rng(), rng()};
    d.event_time_ms = runtime::wall_ms();
    d.principal = o.principal;
    auto converted = convert_line(line, lineno, d);
    if (converted.blank) continue;
    if (!converted.ok()) {
      print_error(converted.error);
      ++bad;
      continue;
    }
    if (auto r = p.value()->send(cat.name(o.topic), -1, converted.key, converted.bytes.data(),
                                 converted.bytes.size());
        !r) {
      print_error("line " + std::to_string(lineno) + ": " + r.error_value().message);
      ++bad;
      continue;
    }
    ++n;
  }
  if (auto r = p.value()->flush(topics::ms{30000}); !r) {
    print_error("aetherial produce: " + r.error_value().message);
    return 1;
  }
  if (p.value()->delivery_failures() > 0) {
    print_error("aetherial produce: " + std::to_string(p.value()->delivery_failures()) +
                " records not delivered: " + p.value()->last_delivery_error());
    return 1;
  }
  std::string summary = "produced " + std::to_string(n) + " events to " + cat.name(o.topic);
  if (bad) summary += " (" + std::to_string(bad) + " lines rejected)";
  print(summary);
  return bad ? 1 : 0;
}

} // namespace aetherial::app
