#pragma once
// Shared helpers of the runtime tests: temp dirs, event builders, reading topics until a
// condition holds (with a deadline, never a fixed sleep).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "schemas/envelope.hpp"
#include "topics/kafka.hpp"

namespace aetherial::test {

/// A temp directory removed at the end of the test.
class temp_dir {
public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "aetherial-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

private:
  std::string path_;
};

inline std::vector<std::uint8_t> service_load(schemas::event_id id, std::int64_t t_ms,
                                              const std::string& service, int replicas, double cpu,
                                              double rps = 100) {
  flatbuffers::FlatBufferBuilder b;
  auto load =
      schemas::fbs::CreateServiceLoadDirect(b, service.c_str(), replicas, rps, cpu, 50.0, 0.001);
  schemas::envelope_header h;
  h.id = id;
  h.key = service;
  h.event_time_ms = t_ms;
  h.principal = "svc:test";
  return schemas::finish_envelope(b, h, schemas::fbs::Payload::ServiceLoad, load.Union());
}

/// A knowledge article of the User Support agent, keyed by its id.
inline std::vector<std::uint8_t> article(schemas::event_id id, std::int64_t t_ms,
                                         const std::string& article_id, const std::string& title,
                                         const std::string& body) {
  flatbuffers::FlatBufferBuilder b;
  auto a = schemas::fbs::CreateKnowledgeArticleDirect(b, article_id.c_str(), title.c_str(),
                                                      body.c_str(), nullptr, true);
  schemas::envelope_header h;
  h.id = id;
  h.key = article_id;
  h.event_time_ms = t_ms;
  h.principal = "svc:kb";
  return schemas::finish_envelope(b, h, schemas::fbs::Payload::KnowledgeArticle, a.Union());
}

/// A question to the User Support agent in `conversation`.
inline std::vector<std::uint8_t> question(schemas::event_id id, std::int64_t t_ms,
                                          const std::string& conversation,
                                          const std::string& text) {
  flatbuffers::FlatBufferBuilder b;
  auto m =
      schemas::fbs::CreateSupportMessageDirect(b, conversation.c_str(), "user-1", text.c_str());
  schemas::envelope_header h;
  h.id = id;
  h.key = conversation;
  h.event_time_ms = t_ms;
  h.principal = "user:test";
  return schemas::finish_envelope(b, h, schemas::fbs::Payload::SupportMessage, m.Union());
}

/// A reader assigned every partition of `topic` from its beginning, or nullptr if the topic
/// cannot be read.
inline std::unique_ptr<topics::reader> reader_from_start(const topics::kafka_config& cfg,
                                                         const std::string& topic, bool committed) {
  auto rd = topics::reader::create(cfg, committed);
  if (!rd) return nullptr;
  auto parts = rd.value()->partition_count(topic, topics::ms{10000});
  if (!parts) return nullptr;
  std::vector<topics::topic_partition> from;
  for (int p = 0; p < parts.value(); ++p)
    from.push_back({topic, p, -2});
  if (!rd.value()->assign(from)) return nullptr;
  return std::move(rd.value());
}

/// Reads every partition of `topic` from the beginning until `done(records)` holds or the
/// deadline passes; returns what was read.
inline std::vector<topics::record>
read_until(const topics::kafka_config& cfg, const std::string& topic,
           const std::function<bool(const std::vector<topics::record>&)>& done,
           std::chrono::seconds deadline = std::chrono::seconds(60)) {
  std::vector<topics::record> all;
  const auto rd = reader_from_start(cfg, topic, false);
  if (!rd) return all;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    auto batch = rd->poll(1000, topics::ms{200});
    for (auto& r : batch)
      all.push_back(std::move(r));
    if (done(all)) break;
  }
  return all;
}

/// Reads every record `topic` has now (every partition to its end).
inline std::vector<topics::record> read_all(const topics::kafka_config& cfg,
                                            const std::string& topic, bool committed = true) {
  std::vector<topics::record> all;
  const auto rd = reader_from_start(cfg, topic, committed);
  if (!rd) return all;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!rd->at_end() && std::chrono::steady_clock::now() < until)
    for (auto& r : rd->poll(1000, topics::ms{200}))
      all.push_back(std::move(r));
  return all;
}

/// Polls `cond` every 20 ms until it holds or the deadline passes.
inline bool wait_for(const std::function<bool()>& cond,
                     std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

inline const schemas::fbs::Envelope* envelope_of(const topics::record& r) {
  std::string why;
  return schemas::verify_envelope(r.value.data(), r.value.size(), ~std::size_t{0}, &why);
}

inline std::string header_value(const topics::record& r, std::string_view key) {
  for (const auto& h : r.headers)
    if (h.key == key) return h.value;
  return {};
}

/// The body and headers of GET `path` on 127.0.0.1:`port` (HTTP/1.0); empty if unreachable.
inline std::string http_get(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!::write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

} // namespace aetherial::test
