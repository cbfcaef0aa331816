// kit::settings_reader and every agent kind's check_settings.
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/kit/settings.hpp"
#include "actors/operations/config.hpp"
#include "actors/registry.hpp"

namespace kit = aetherial::actors::kit;
using aetherial::actors::agent_kinds;
using aetherial::actors::agent_settings;
using strings = std::vector<std::string>;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(settings)

BOOST_AUTO_TEST_CASE(getters_return_values_and_fallbacks) {
  const agent_settings s{{"k.int", "-12"},     {"k.int64", "9000000000"},  {"k.u32", "7"},
                         {"k.real", "0.25"},   {"k.flag", "Yes"},          {"k.name", "  x "},
                         {"k.mode", "rps"},    {"k.list", " a, b c,, d "}, {"k.empty", ""},
                         {"other.int", "oops"}};
  kit::settings_reader r(s, "k");
  BOOST_TEST(r.prefix() == "k.");
  BOOST_TEST(r.get_int("int", 1) == -12);
  BOOST_TEST(r.get_int64("int64", 1) == 9'000'000'000);
  BOOST_TEST(r.get_integer<std::uint32_t>("u32", 1u) == 7u);
  BOOST_TEST(r.get_double("real", 1.0) == 0.25);
  BOOST_TEST(r.get_bool("flag", false));
  BOOST_TEST(r.get_string("name", "") == "  x ");
  BOOST_TEST(r.get_choice("mode", 0, {"cpu_demand", "rps"}) == 1u);
  BOOST_TEST((r.get_list("list", {}) == strings{"a", "b c", "d"}));
  BOOST_TEST(r.get_list("empty", {"kept?"}).empty());
  // Absent keys give the fallback.
  BOOST_TEST(r.get_int("missing_int", 5) == 5);
  BOOST_TEST(r.get_double("missing_real", 0.5) == 0.5);
  BOOST_TEST(r.get_string("missing_name", "dflt") == "dflt");
  BOOST_TEST((r.get_list("missing_list", {"p"}) == strings{"p"}));
  // Keys of other kinds are not this reader's business.
  BOOST_TEST(r.errors().empty());
}

BOOST_AUTO_TEST_CASE(bad_values_keep_the_fallback_and_say_what_was_expected) {
  const agent_settings s{{"k.a", "12x"},
                         {"k.b", "0"},
                         {"k.c", "1.5"},
                         {"k.d", "maybe"},
                         {"k.e", "fast"},
                         {"k.f", "1,5"},
                         {"k.g", "-1"},
                         {"k.h", "nan"},
                         {"k.i", "0"},
                         {"k.j", "99999999999"},
                         {"k.l", std::string(100, '7') + "x"}};
  kit::settings_reader r(s, "k");
  BOOST_TEST(r.get_int("a", 3) == 3);
  BOOST_TEST(r.get_int64("b", 4, 1) == 4);
  BOOST_TEST(r.get_double("c", 0.5, 0.0, 1.0) == 0.5);
  BOOST_TEST(r.get_bool("d", true));
  BOOST_TEST(r.get_choice("e", 1, {"slow", "steady"}) == 1u);
  BOOST_TEST(r.get_double("f", 2.0) == 2.0);
  BOOST_TEST(r.get_integer<std::uint32_t>("g", 6u) == 6u);
  BOOST_TEST(r.get_double("h", 0.0) == 0.0);
  BOOST_TEST(r.get_double("i", 9.0, kit::above_zero) == 9.0);
  BOOST_TEST(r.get_integer<std::uint32_t>("j", 1u) == 1u);
  BOOST_TEST(r.get_int("l", 1) == 1);
  const auto e = r.errors();
  BOOST_TEST_REQUIRE(e.size() == 11u);
  // In key order, each naming key, value and what is expected.
  BOOST_TEST(e[0] == "bad setting k.a = \"12x\": expected an integer from -2147483648 to "
                     "2147483647");
  BOOST_TEST(e[1] == "bad setting k.b = \"0\": expected an integer >= 1");
  BOOST_TEST(e[2] == "bad setting k.c = \"1.5\": expected a number from 0 to 1");
  BOOST_TEST(e[3] == "bad setting k.d = \"maybe\": expected true or false (or yes/no, on/off, "
                     "1/0)");
  BOOST_TEST(e[4] == "bad setting k.e = \"fast\": expected one of slow, steady");
  BOOST_TEST(e[5] == "bad setting k.f = \"1,5\": expected a number");
  BOOST_TEST(e[6] == "bad setting k.g = \"-1\": expected an integer from 0 to 4294967295");
  BOOST_TEST(e[7] == "bad setting k.h = \"nan\": expected a number");
  BOOST_TEST(e[8] == "bad setting k.i = \"0\": expected a number > 0");
  BOOST_TEST(e[9] == "bad setting k.j = \"99999999999\": expected an integer from 0 to "
                     "4294967295");
  // A long value is cut in the message.
  BOOST_TEST(contains(e[10], "\"" + std::string(64, '7') + "...\""));
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_named_with_the_known_ones) {
  const agent_settings s{{"k.tolerance", "0.1"}, {"k.tolerence", "0.2"}, {"k.role.admin", "*"},
                         {"k.role.", "x"},       {"kk.other", "1"},      {"k", "bare"}};
  kit::settings_reader r(s, "k");
  (void)r.get_double("tolerance", 0.0);
  (void)r.get_double("window_ms", 0.0);
  const auto roles = r.get_family("role");
  BOOST_TEST(roles.size() == 1u);
  BOOST_TEST(roles.at("admin") == "*");
  const auto e = r.errors();
  BOOST_TEST_REQUIRE(e.size() == 2u);
  BOOST_TEST(e[0] == "unknown setting k.role. (known: k.role.<name>, k.tolerance, k.window_ms)");
  BOOST_TEST(e[1] == "unknown setting k.tolerence (known: k.role.<name>, k.tolerance, "
                     "k.window_ms)");
}

BOOST_AUTO_TEST_CASE(a_reader_that_reads_nothing_knows_no_key) {
  const agent_settings s{{"k.x", "1"}};
  kit::settings_reader r(s, "k");
  BOOST_TEST((r.errors() == strings{"unknown setting k.x (known: none)"}));
}

BOOST_AUTO_TEST_CASE(reject_reports_a_value_no_getter_can_judge) {
  const agent_settings s{{"k.min", "5"}, {"k.max", "3"}};
  kit::settings_reader r(s, "k");
  const int lo = r.get_int("min", 1);
  const int hi = r.get_int("max", 9);
  if (lo > hi) r.reject("min", "at most k.max");
  BOOST_TEST((r.errors() == strings{"bad setting k.min = \"5\": expected at most k.max"}));
}

BOOST_AUTO_TEST_CASE(lists_split_on_commas_and_trim_spaces) {
  BOOST_TEST((kit::split_list("production, staging") == strings{"production", "staging"}));
  BOOST_TEST((kit::split_list(" a ,, b c ,") == strings{"a", "b c"}));
  BOOST_TEST(kit::split_list("").empty());
  BOOST_TEST(kit::split_list(" , ").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(agent_kind_settings)

BOOST_AUTO_TEST_CASE(every_kind_checks_its_settings) {
  BOOST_TEST(agent_kinds().size() == 7u);
  for (const auto& k : agent_kinds()) {
    BOOST_TEST_REQUIRE(k.check_settings != nullptr, k.name);
    BOOST_TEST(k.check_settings({}).empty(), k.name);
    // Another kind's keys are no business of this one.
    BOOST_TEST(k.check_settings({{"elsewhere.x", "1"}}).empty(), k.name);
    const auto e = k.check_settings({{k.name + ".no_such_setting", "1"}});
    BOOST_TEST_REQUIRE(e.size() == 1u, k.name);
    BOOST_TEST(contains(e[0], "unknown setting " + k.name + ".no_such_setting (known: "), e[0]);
  }
}

BOOST_AUTO_TEST_CASE(documented_settings_of_every_kind_are_accepted) {
  const agent_settings good{
      {"analytics.salt", "0123456789abcdef0123"},
      {"content.remove_score", "0.95"},
      {"content.flag_score", "0.5"},
      {"content.min_training", "10"},
      {"content.translate_to", ""},
      {"content.blocklist", "a, b"},
      {"development.watch_minutes", "5"},
      {"development.approval_environments", "production, staging"},
      {"development.fallback_reviewer", "core"},
      {"development.severe_ratio", "4"},
      {"development.elevated_ratio", "1.5"},
      {"operations.autoscaling.tolerance", "0.2"},
      {"operations.autoscaling.signal", "rps"},
      {"operations.autoscaling.forecast_enabled", "false"},
      {"operations.runtime_scaling.max_instances", "4"},
      {"operations.self_healing.escalation_role", "oncall"},
      {"operations.optimization.index_min_mean_ms", "150"},
      {"operations.diagnosis.max_detailed", "5"},
      {"orchestrator.permissions.user", "support.*, content.*"},
      {"orchestrator.task_timeout_ms", "60000"},
      {"orchestrator.effect_timeout_ms", "60000"},
      {"orchestrator.min_confidence", "0.7"},
      {"security.partitions", "4"},
      {"support.low_confidence", "0.4"},
      {"support.negative_sentiment", "-0.5"},
      {"support.conversation_idle_ms", "3600000"},
      {"support.reply_ttl_ms", "86400000"},
      {"support.money_words", "voucher"},
  };
  for (const auto& k : agent_kinds()) {
    const auto e = k.check_settings(good);
    BOOST_TEST(e.empty(), k.name << ": " << (e.empty() ? "" : e.front()));
  }
}

BOOST_AUTO_TEST_CASE(bad_values_of_every_kind_are_reported) {
  const agent_settings bad{
      {"content.min_training", "x"},
      {"development.severe_ratio", "nope"},
      {"development.watch_minutes", "-1"},
      {"operations.autoscaling.tolerance", "0,1"},
      {"orchestrator.effect_timeout_ms", "-5"},
      {"orchestrator.min_confidence", "2"},
      {"security.partitions", "0"},
      {"support.negative_sentiment", "not a number"},
  };
  std::size_t total = 0;
  for (const auto& k : agent_kinds())
    for (const auto& m : k.check_settings(bad)) {
      ++total;
      BOOST_TEST(contains(m, "bad setting " + k.name + "."), m);
    }
  BOOST_TEST(total == bad.size());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(operations_settings)

namespace ops = aetherial::actors::operations;

BOOST_AUTO_TEST_CASE(without_settings_the_documented_defaults_apply) {
  const auto c = ops::config_from({});
  const ops::operations_config d;
  BOOST_TEST(c.autoscaling.tolerance == d.autoscaling.tolerance);
  BOOST_TEST(c.autoscaling.default_max_replicas == d.autoscaling.default_max_replicas);
  BOOST_TEST(c.autoscaling.season_length == d.autoscaling.season_length);
  BOOST_TEST((c.autoscaling.signal == d.autoscaling.signal));
  BOOST_TEST(c.autoscaling.forecast_enabled == d.autoscaling.forecast_enabled);
  BOOST_TEST(c.self_healing.escalate_after == d.self_healing.escalate_after);
  BOOST_TEST(c.self_healing.escalation_role == d.self_healing.escalation_role);
  BOOST_TEST(c.self_healing.runbooks.size() == d.self_healing.runbooks.size());
  BOOST_TEST(c.optimization.effective_improvement == d.optimization.effective_improvement);
  BOOST_TEST(c.runtime_scaling.max_instances == d.runtime_scaling.max_instances);
  BOOST_TEST(c.runtime_scaling.actuation_timeout_ms == d.runtime_scaling.actuation_timeout_ms);
  BOOST_TEST(c.diagnosis.max_detailed == d.diagnosis.max_detailed);
}

BOOST_AUTO_TEST_CASE(thresholds_come_from_settings) {
  const agent_settings s{{"operations.autoscaling.tolerance", "0.2"},
                         {"operations.autoscaling.signal", "rps"},
                         {"operations.autoscaling.forecast_enabled", "off"},
                         {"operations.autoscaling.scale_up_period_ms", "30000"},
                         {"operations.self_healing.escalate_after", "5"},
                         {"operations.self_healing.escalation_role", "oncall"},
                         {"operations.optimization.cache_low_hit_ratio", "0.7"},
                         {"operations.runtime_scaling.max_instances", "16"},
                         {"operations.diagnosis.slow_latency_ms", "250"}};
  BOOST_TEST(ops::check_settings(s).empty());
  const auto c = ops::config_from(s);
  BOOST_TEST(c.autoscaling.tolerance == 0.2);
  BOOST_TEST((c.autoscaling.signal == ops::forecast_signal::rps));
  BOOST_TEST(!c.autoscaling.forecast_enabled);
  BOOST_TEST(c.autoscaling.scale_up_period_ms == 30'000);
  BOOST_TEST(c.self_healing.escalate_after == 5);
  BOOST_TEST(c.self_healing.escalation_role == "oncall");
  BOOST_TEST(c.optimization.cache_low_hit_ratio == 0.7);
  BOOST_TEST(c.runtime_scaling.max_instances == 16);
  BOOST_TEST(c.diagnosis.slow_latency_ms == 250.0);
}

BOOST_AUTO_TEST_CASE(inconsistent_bounds_are_refused_and_ignored) {
  const agent_settings s{{"operations.runtime_scaling.min_instances", "6"},
                         {"operations.runtime_scaling.max_instances", "3"},
                         {"operations.autoscaling.default_min_replicas", "12"}};
  const auto e = ops::check_settings(s);
  BOOST_TEST_REQUIRE(e.size() == 2u);
  BOOST_TEST(e[0] == "bad setting operations.autoscaling.default_min_replicas = \"12\": expected "
                     "at most autoscaling.default_max_replicas (10)");
  BOOST_TEST(e[1] == "bad setting operations.runtime_scaling.min_instances = \"6\": expected at "
                     "most runtime_scaling.max_instances (3)");
  const auto c = ops::config_from(s);
  BOOST_TEST(c.runtime_scaling.min_instances == ops::runtime_scaling_config{}.min_instances);
  BOOST_TEST(c.runtime_scaling.max_instances == ops::runtime_scaling_config{}.max_instances);
  BOOST_TEST(c.autoscaling.default_min_replicas == ops::autoscaling_config{}.default_min_replicas);
}

BOOST_AUTO_TEST_CASE(every_scalar_threshold_is_a_known_setting) {
  // An unknown key's message lists the known ones.
  const auto e = ops::check_settings({{"operations.x", "1"}});
  BOOST_TEST_REQUIRE(e.size() == 1u);
  for (const char* key : {"autoscaling.default_min_replicas",
                          "autoscaling.default_max_replicas",
                          "autoscaling.default_target_cpu",
                          "autoscaling.default_scale_down_window_s",
                          "autoscaling.tolerance",
                          "autoscaling.scale_up_window_s",
                          "autoscaling.scale_up_period_ms",
                          "autoscaling.scale_up_pods",
                          "autoscaling.scale_up_percent",
                          "autoscaling.scale_down_period_ms",
                          "autoscaling.scale_down_percent",
                          "autoscaling.actuation_timeout_ms",
                          "autoscaling.forecast_enabled",
                          "autoscaling.signal",
                          "autoscaling.alpha",
                          "autoscaling.beta",
                          "autoscaling.gamma",
                          "autoscaling.phi",
                          "autoscaling.season_length",
                          "autoscaling.horizon",
                          "autoscaling.min_samples",
                          "autoscaling.error_smoothing",
                          "autoscaling.error_margin",
                          "autoscaling.cpu_per_request_smoothing",
                          "self_healing.escalate_after",
                          "self_healing.recurrence_window_ms",
                          "self_healing.escalation_role",
                          "self_healing.retention_ms",
                          "optimization.index_min_occurrences",
                          "optimization.index_min_mean_ms",
                          "optimization.cache_low_hit_ratio",
                          "optimization.cache_min_low_samples",
                          "optimization.cache_full_memory",
                          "optimization.cache_high_evictions_per_s",
                          "optimization.verdict_grace_ms",
                          "optimization.verdict_samples",
                          "optimization.verdict_window_ms",
                          "optimization.effective_improvement",
                          "runtime_scaling.min_instances",
                          "runtime_scaling.max_instances",
                          "runtime_scaling.growth_samples",
                          "runtime_scaling.slope_window_ms",
                          "runtime_scaling.min_growth_per_s",
                          "runtime_scaling.min_lag",
                          "runtime_scaling.max_step",
                          "runtime_scaling.idle_lag",
                          "runtime_scaling.scale_in_after_ms",
                          "runtime_scaling.scale_in_headroom",
                          "runtime_scaling.cooldown_ms",
                          "runtime_scaling.actuation_timeout_ms",
                          "diagnosis.slow_latency_ms",
                          "diagnosis.high_error_rate",
                          "diagnosis.stale_after_ms",
                          "diagnosis.recent_decision_ms",
                          "diagnosis.max_detailed"})
    BOOST_TEST(contains(e[0], std::string("operations.") + key), key);
}

BOOST_AUTO_TEST_CASE(fields_are_read_by_their_type_and_lists_appended) {
  const agent_settings s{{"k.real", "0.5"}, {"k.flag", "off"}, {"k.count", "-1"},
                         {"k.size", "12"},  {"k.name", "x"},   {"k.words", " a b,, c "},
                         {"k.none", "  ,"}};
  kit::settings_reader r(s, "k");
  double real = 1.0;
  bool flag = true;
  std::uint32_t count = 3;
  std::size_t size = 0;
  std::string name = "y";
  std::string absent = "kept";
  r.read("real", real);
  r.read("flag", flag);
  r.read("count", count); // bad: keeps its value
  r.read("size", size);
  r.read("name", name);
  r.read("absent", absent);
  BOOST_TEST(real == 0.5);
  BOOST_TEST(!flag);
  BOOST_TEST(count == 3u);
  BOOST_TEST(size == 12u);
  BOOST_TEST(name == "x");
  BOOST_TEST(absent == "kept");
  strings words{"first"};
  r.append_list("words", words, [](std::string_view w) { return std::string(w); });
  BOOST_TEST((words == strings{"first", " a b", " c "}));
  strings none;
  r.append_list("none", none, [](std::string_view) { return std::string(); });
  r.append_list("missing", none, [](std::string_view w) { return std::string(w) + "!"; });
  BOOST_TEST(none.empty());
  BOOST_TEST(r.errors().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
