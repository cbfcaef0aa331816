#include "runtime/host.hpp"

#include <array>
#include <cstdlib>
#include <exception>
#include <string>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "runtime/applier.hpp"
#include "runtime/clock.hpp"

namespace aetherial::runtime {
namespace {

/// The topic and events_out counter of each output of one agent kind, looked up once.
class output_routes {
public:
  explicit output_routes(const host_env& env) {
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      const auto logical = output_topic(static_cast<actors::output>(i));
      routes_[i].topic = env.catalog->name(logical);
      routes_[i].sent = &env.metrics->events_out(env.kind->name, std::string(logical));
    }
  }
  struct route {
    std::string topic;
    prometheus::Counter* sent = nullptr;
  };
  [[nodiscard]] const route& of(actors::output o) const {
    return routes_[static_cast<std::size_t>(o)];
  }

private:
  std::array<route, static_cast<std::size_t>(actors::output::repartition) + 1> routes_;
};

/// Sends an agent's outputs to their topics.
std::uint64_t emit_outputs(const host_env& env, const output_routes& routes,
                           std::vector<actors::emitted>& outputs) {
  std::uint64_t n = 0;
  for (auto& o : outputs) {
    const auto& route = routes.of(o.to);
    const auto& topic = route.topic;
    auto sent = env.sink->send(topic, o.key, o.value.data(), o.value.size());
    if (!sent) {
      spdlog::error("agent {}: cannot send to {}: {}", env.kind->name, topic,
                    sent.error_value().message);
      continue;
    }
    route.sent->Increment();
    ++n;
  }
  return n;
}

} // namespace

bool dead_letter(const host_env& env, const topics::record_view& r, const std::string& reason,
                 const char* reason_class) {
  topics::dead_letter_info info;
  info.reason = reason;
  info.agent = env.kind->name;
  info.max_bytes = env.limits.max_output_bytes;
  auto sent = env.sink->dead_letter(env.catalog->name(topics::catalog::dlq), r.to_record(), info);
  if (!sent) {
    spdlog::error("agent {}: cannot dead-letter {}/{}@{} ({}): {}", env.kind->name, r.topic,
                  r.partition, r.offset, reason, sent.error_value().message);
    env.metrics->dead_letter_failures(env.kind->name).Increment();
    return false;
  }
  env.metrics->dead_letters(env.kind->name, reason_class).Increment();
  spdlog::warn("agent {}: dead-lettered {}/{}@{}: {}", env.kind->name, r.topic, r.partition,
               r.offset, reason);
  return true;
}

caf::behavior host_actor(caf::stateful_actor<host_state_data>* self, host_env env,
                         std::int32_t partition, caf::actor coordinator, caf::actor supervisor) {
  self->state.agent = env.kind->make(*env.settings);
  self->state.tables = std::make_unique<host_tables>(env.store, env.kind->name, partition);
  self->state.seen = event_window(env.limits.duplicate_window);
  auto& latency = env.metrics->processing_latency(env.kind->name);
  std::vector<prometheus::Counter*> in_counters;
  for (const auto& t : env.kind->input_topics)
    in_counters.push_back(&env.metrics->events_in(env.kind->name, t));
  const auto routes = std::make_shared<const output_routes>(env);

  // Applies records; returns false (after reporting) when the agent threw. One clock reading
  // and one update of each metric per batch.
  auto apply_all = [=, &latency, in_counters = std::move(in_counters)](
                       const input_batch& records, std::size_t suppress, host_ack& ack) -> bool {
    auto& st = self->state;
    std::vector<std::uint64_t> applied_in(in_counters.size(), 0);
    std::size_t applied = 0;
    const auto started = steady_clock::now();
    const auto publish = [&] {
      for (std::size_t t = 0; t < applied_in.size(); ++t)
        if (applied_in[t] > 0) in_counters[t]->Increment(static_cast<double>(applied_in[t]));
      metrics::observe_events(latency, applied, seconds_between(started, steady_clock::now()));
    };
    const std::int32_t partitions = kind_partitions(env.input_partitions);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& in = *records[i];
      const bool live = i >= suppress;
      if (live && st.careful && env.guard)
        env.guard->applying(partition, in.topic_index, in.rec.offset);
      if (!env.crash_on_key.empty() && in.rec.key == env.crash_on_key) {
        spdlog::critical("agent {} partition {}: fault injection: aborting on {}/{}@{}",
                         env.kind->name, partition, in.rec.topic, in.rec.partition, in.rec.offset);
        std::abort();
      }
      const auto t = static_cast<std::size_t>(in.topic_index);
      if (auto why =
              misplaced(in.rec, t < env.input_partitions.size() ? env.input_partitions[t] : 0)) {
        // Its key's state is on another partition: applying it here would decide wrongly.
        if (live) {
          (void)dead_letter(env, in.rec, *why, "wrong_partition");
          ++ack.count;
        }
        continue;
      }
      auto out = apply_record(*st.agent, st.seen, env.kind->name, in.rec, env.limits,
                              env.identities, st.tables.get(),
                              partition_of{partition, partitions,
                                           t < env.kind->input_topics.size()
                                               ? std::string_view(env.kind->input_topics[t])
                                               : std::string_view()});
      switch (out.result) {
        case apply_outcome::status::applied:
          ++st.events_applied;
          if (in.rec.timestamp_ms > st.last_event_time_ms)
            st.last_event_time_ms = in.rec.timestamp_ms;
          if (live) {
            ++applied;
            ++applied_in[static_cast<std::size_t>(in.topic_index)];
            ack.emitted += emit_outputs(env, *routes, out.outputs);
          }
          break;
        case apply_outcome::status::invalid:
          if (live) (void)dead_letter(env, in.rec, out.reason, "invalid");
          break;
        case apply_outcome::status::duplicate:
          if (live) (void)dead_letter(env, in.rec, out.reason, "duplicate");
          break;
        case apply_outcome::status::threw:
          publish();
          if (live) self->send(coordinator, ack_atom::value, ack);
          self->send(supervisor, failure_atom::value,
                     host_failure{partition, records[i], out.reason});
          spdlog::error("agent {} partition {} threw on {}@{}: {}", env.kind->name, partition,
                        in.rec.topic, in.rec.offset, out.reason);
          self->quit(caf::make_error(caf::sec::runtime_error, "agent threw: " + out.reason));
          return false;
      }
      if (live) ++ack.count;
    }
    publish();
    return true;
  };

  return {
      [=](recover_atom, const recover_host& r) {
        auto& st = self->state;
        st.agent = env.kind->make(*env.settings);
        // The tables go back to the store's rows, which recovery checked belong to the snapshot.
        st.tables->reset();
        st.seen.clear();
        st.events_applied = 0;
        st.last_event_time_ms = 0;
        st.careful = r.careful;
        if (r.snapshot) {
          // Recovery chose a snapshot whose version the kind reads; restore upgrades it.
          const auto& s = *r.snapshot;
          // A state too large for one record is in the rows the snapshot's marker names.
          auto state = unspill_state(*st.tables, s.state);
          if (!state) {
            spdlog::error("agent {} partition {}: snapshot state v{} is unreadable: {}",
                          env.kind->name, partition, s.state_version, state.error_value().message);
            self->quit(caf::make_error(caf::sec::runtime_error, "unreadable snapshot"));
            return;
          }
          if (!st.agent->restore(state.value().data(), state.value().size())) {
            spdlog::error("agent {} partition {}: snapshot state v{} is unreadable", env.kind->name,
                          partition, s.state_version);
            self->quit(caf::make_error(caf::sec::runtime_error, "unreadable snapshot"));
            return;
          }
          st.events_applied = s.events_applied;
          st.last_event_time_ms = s.last_event_time_ms;
          st.seen.restore(s.recent_event_ids);
        }
        host_ack ack{partition, 0, 0};
        if (!apply_all(r.tail, r.suppress, ack)) return;
        st.recovered = true;
        if (ack.count > 0) self->send(coordinator, ack_atom::value, ack);
      },
      [=](process_atom, const process_batch& b) {
        host_ack ack{partition, 0, 0};
        if (!apply_all(b.records, 0, ack)) return;
        self->send(coordinator, ack_atom::value, ack);
      },
      [=](careful_atom, bool careful) { self->state.careful = careful; },
      [=](checkpt_atom) -> caf::result<host_state> {
        auto& st = self->state;
        // Rows the agent keeps decoded go to the tables before the snapshot they belong with;
        // a state too large for one record goes there too.
        std::vector<std::uint8_t> state;
        try {
          st.agent->flush(*st.tables);
          state = spill_state(*st.tables, st.agent->snapshot(), env.spill_bytes);
        } catch (const std::exception& e) {
          spdlog::error("agent {} partition {}: writing its rows back failed: {}", env.kind->name,
                        partition, e.what());
          auto err =
              caf::make_error(caf::sec::runtime_error, "flush failed: " + std::string(e.what()));
          self->quit(err);
          return err;
        }
        host_state hs{
            std::move(state), st.events_applied, st.last_event_time_ms, st.seen.ids(), {}, 0};
        hs.table_changes = st.tables->hand_over(hs.handover);
        return hs;
      },
      [=](stored_atom, std::uint64_t handover) { self->state.tables->stored(handover); },
  };
}

} // namespace aetherial::runtime
