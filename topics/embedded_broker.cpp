#include "topics/kafka.hpp"
#include "topics/rdkafka_bridge.hpp"

#include <librdkafka/rdkafka_mock.h>

namespace aetherial::topics {

using namespace detail;

/// The mock cluster and the handle it was created on (which must outlive it).
struct embedded_broker::impl {
  client_state state_;
  handle_ptr rk_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  int brokers_ = 0;
  std::string bootstrap_;

  ~impl() {
    // The cluster first: it runs on its own thread and belongs to rk_.
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    rk_.reset();
  }
};

embedded_broker::embedded_broker(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

embedded_broker::~embedded_broker() = default;

result<std::unique_ptr<embedded_broker>> embedded_broker::start(int brokers) {
  if (brokers < 1)
    return make_error(errc::config, "embedded broker: at least one broker is needed");
  // This handle only hosts the cluster and never connects: silence its notice that it has
  // no bootstrap.servers, keep the mock's warnings and errors.
  auto conf = make_conf(kafka_config{"", "aetherial-embedded-broker", {}}, {{"log_level", "4"}});
  if (!conf) return conf.error_value();
  auto p = std::make_unique<impl>();
  auto rk = make_handle(RD_KAFKA_PRODUCER, std::move(conf.value()), p->state_);
  if (!rk) return rk.error_value();
  p->rk_ = std::move(rk.value());
  p->cluster_ = rd_kafka_mock_cluster_new(p->rk_.get(), brokers);
  if (p->cluster_ == nullptr)
    return make_error(errc::broker, "embedded broker: the mock cluster did not start "
                                    "(could it open loopback listeners?)");
  p->brokers_ = brokers;
  p->bootstrap_ = rd_kafka_mock_cluster_bootstraps(p->cluster_);
  return std::unique_ptr<embedded_broker>(new embedded_broker(std::move(p)));
}

std::string embedded_broker::bootstrap() const {
  return impl_->bootstrap_;
}

result<void> embedded_broker::create_topic(const std::string& name, int partitions,
                                           int replication_factor) {
  if (partitions < 1 || replication_factor < 1 || replication_factor > impl_->brokers_)
    return make_error(errc::config, "topic " + name + ": " + std::to_string(partitions) +
                                        " partitions, replication factor " +
                                        std::to_string(replication_factor) + " on " +
                                        std::to_string(impl_->brokers_) + " embedded brokers");
  const auto err =
      rd_kafka_mock_topic_create(impl_->cluster_, name.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    return from_code(err, "create topic " + name);
  return {};
}

result<void> embedded_broker::create_topics(const catalog& cat) {
  for (const auto& spec : cat.topics())
    if (auto r = create_topic(cat.name(spec.name), cat.partitions(), cat.replication_factor()); !r)
      return r;
  return {};
}

} // namespace aetherial::topics
