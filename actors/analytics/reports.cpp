#include "actors/analytics/reports.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "actors/analytics/text.hpp"

namespace aetherial::actors::analytics {

namespace {

report no_data(std::string query, std::string_view tenant) {
  report r;
  r.query = std::move(query);
  r.text = "No activity has been recorded for tenant '" + std::string(tenant) + "' yet.";
  r.metrics.emplace_back("tenant", std::string(tenant));
  r.no_data = true;
  return r;
}

std::int64_t distinct(const hyperloglog& h) {
  return static_cast<std::int64_t>(std::llround(h.estimate()));
}

std::int64_t distinct_over(const tenant_state& t, std::int32_t from, std::int32_t to) {
  hyperloglog u;
  for (auto it = t.days.lower_bound(from); it != t.days.end() && it->first <= to; ++it)
    u.merge(it->second.users);
  return distinct(u);
}

std::string change_text(std::int64_t now, std::int64_t before, std::string_view since) {
  if (before <= 0) return now > 0 ? "new" : "no change";
  const double change = static_cast<double>(now - before) / static_cast<double>(before);
  const auto pct = std::llround(std::fabs(change) * 100.0);
  if (pct == 0) return "about the same as " + std::string(since);
  return std::string(change > 0 ? "up " : "down ") + integer(pct) + "% from " + std::string(since);
}

// The change from `before` to `now` in percent, one decimal; empty without a `before`.
std::string change_pct(std::int64_t now, std::int64_t before) {
  if (before <= 0) return std::string();
  return fixed(100.0 * static_cast<double>(now - before) / static_cast<double>(before), 1);
}

std::string range_text(std::int32_t from, std::int32_t to) {
  return from == to ? date(from) : date(from) + " to " + date(to);
}

/// Cohorts of a window of days, summed.
struct cohort_window {
  std::int32_t from = 0; ///< first cohort day with users
  std::int32_t to = 0;   ///< last cohort day with users
  std::uint64_t users = 0;
  std::uint64_t kept = 0; ///< active on day k
  std::map<std::uint32_t, feature_retention> features;

  [[nodiscard]] double rate() const {
    return users > 0 ? static_cast<double>(kept) / static_cast<double>(users) : 0.0;
  }
};

cohort_window sum_cohorts(const tenant_state& t, std::int32_t from, std::int32_t to,
                          std::size_t k) {
  cohort_window w;
  for (auto it = t.cohorts.lower_bound(from); it != t.cohorts.end() && it->first <= to; ++it) {
    if (it->second.active[0] == 0) continue;
    // The range names the cohorts that exist, not the window asked for.
    if (w.users == 0) w.from = it->first;
    w.to = it->first;
    w.users += it->second.active[0];
    w.kept += it->second.active[k];
    for (const auto& [f, fr] : it->second.features) {
      w.features[f].users += fr.users;
      w.features[f].returned += fr.returned;
    }
  }
  return w;
}

// A peak from several partitions is the busiest one's: at least that many were concurrent.
std::string peak_words(const tenant_state& t) {
  return t.merged_parts > 1 ? "peak at least " : "peak ";
}

double ratio(std::uint64_t a, std::uint64_t b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

} // namespace

report active_users_report(const tenant_state* t, std::string_view tenant, std::int32_t today) {
  if (t == nullptr) return no_data("active_users", tenant);
  report r;
  r.query = "active_users";
  const auto day = t->days.find(today);
  const auto prev = t->days.find(today - 1);
  const std::int64_t dau = day == t->days.end() ? 0 : distinct(day->second.users);
  const std::int64_t yesterday = prev == t->days.end() ? 0 : distinct(prev->second.users);
  const std::int64_t wau = distinct_over(*t, today - 6, today);
  const std::int64_t mau = distinct_over(*t, today - 29, today);
  const std::uint32_t peak = day == t->days.end() ? 0 : day->second.peak_sessions;

  r.text =
      grouped(dau) + (dau == 1 ? " active user today, " : " active users today, ") +
      (yesterday > 0 ? change_text(dau, yesterday, "yesterday")
                     : std::string("no activity recorded yesterday")) +
      "; " +
      (peak > 0 ? peak_words(*t) + grouped(peak) + " concurrent at " + hour_of(day->second.peak_ms)
                : std::string("no concurrent sessions yet")) +
      ". " + grouped(wau) + " in the last 7 days, " + grouped(mau) +
      " in the last 30 days (HyperLogLog estimates, about 1.6% standard error).";
  r.metrics = {{"tenant", std::string(tenant)},
               {"day", date(today)},
               {"dau", integer(dau)},
               {"dau_yesterday", integer(yesterday)},
               {"dau_change_pct", change_pct(dau, yesterday)},
               {"wau", integer(wau)},
               {"mau", integer(mau)},
               {"peak_concurrent", integer(peak)},
               {"peak_hour", peak > 0 ? hour_of(day->second.peak_ms) : std::string()}};
  return r;
}

report active_users_report(const tenant_state* t, std::string_view tenant, std::int32_t today,
                           std::string_view period) {
  if (period.empty() || period == "today") return active_users_report(t, tenant, today);
  std::int32_t days = 0;
  std::int32_t last = today;
  std::string span;
  std::string before;
  if (period == "yesterday") {
    days = 1;
    last = today - 1;
    span = "yesterday (" + date(last) + ")";
    before = "the day before";
  } else if (period == "week" || period == "month") {
    days = period == "week" ? 7 : 30;
    span = "in the last " + integer(days) + " days (" + range_text(today - days + 1, today) + ")";
    before = "the " + integer(days) + " days before";
  } else {
    report r;
    r.query = "active_users";
    r.success = false;
    r.text = "Active users are counted for today, yesterday, the last 7 days (week) or the last "
             "30 days (month); the period '" +
             std::string(period) + "' is none of them.";
    r.metrics.emplace_back("tenant", std::string(tenant));
    r.metrics.emplace_back("period", std::string(period));
    return r;
  }
  if (t == nullptr) return no_data("active_users", tenant);
  const std::int32_t first = last - days + 1;
  const std::int64_t n = distinct_over(*t, first, last);
  const std::int64_t prev = distinct_over(*t, first - days, first - 1);
  report r;
  r.query = "active_users";
  r.text = grouped(n) + (n == 1 ? " active user " : " active users ") + span + ", " +
           (prev > 0 ? change_text(n, prev, before) : "no activity recorded " + before);
  const auto day = t->days.find(last);
  const std::uint32_t peak = days == 1 && day != t->days.end() ? day->second.peak_sessions : 0;
  if (peak > 0)
    r.text +=
        "; " + peak_words(*t) + grouped(peak) + " concurrent at " + hour_of(day->second.peak_ms);
  r.text += " (HyperLogLog estimates, about 1.6% standard error).";
  r.metrics = {{"tenant", std::string(tenant)},
               {"period", std::string(period)},
               {"from", date(first)},
               {"to", date(last)},
               {"active_users", integer(n)},
               {"active_users_before", integer(prev)},
               {"change_pct", change_pct(n, prev)}};
  if (peak > 0) {
    r.metrics.emplace_back("peak_concurrent", integer(peak));
    r.metrics.emplace_back("peak_hour", hour_of(day->second.peak_ms));
  }
  return r;
}

report popular_features_report(const tenant_state* t, std::string_view tenant, std::int32_t today,
                               std::uint32_t k, std::uint32_t days) {
  if (t == nullptr) return no_data("popular_features", tenant);
  report r;
  r.query = "popular_features";
  days = std::max<std::uint32_t>(days, 1);
  const std::int32_t from = today - static_cast<std::int32_t>(days) + 1;
  const std::int32_t prev_from = from - static_cast<std::int32_t>(days);
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> uses; // now, before
  bool approximate = false;
  for (auto it = t->days.lower_bound(prev_from); it != t->days.end() && it->first <= today; ++it) {
    for (const auto& [name, c] : it->second.features) {
      auto& u = uses[name];
      (it->first >= from ? u.first : u.second) += c.count;
      approximate = approximate || c.error > 0;
    }
  }
  std::vector<std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>>> ranked;
  for (const auto& [name, u] : uses)
    if (u.first > 0) ranked.emplace_back(name, u);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second.first != b.second.first ? a.second.first > b.second.first : a.first < b.first;
  });
  if (ranked.size() > k) ranked.resize(k);

  const std::string window = "the last " + integer(days) + (days == 1 ? " day" : " days");
  r.metrics.emplace_back("tenant", std::string(tenant));
  r.metrics.emplace_back("window_days", integer(days));
  if (ranked.empty()) {
    r.text = "No feature use recorded in " + window + ".";
    return r;
  }
  r.text = "Most popular features over " + window + ": ";
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const auto& [name, u] = ranked[i];
    const auto now = static_cast<std::int64_t>(u.first);
    const auto before = static_cast<std::int64_t>(u.second);
    r.text += (i > 0 ? ", " : "") + name + " (" + grouped(now) + (now == 1 ? " use, " : " uses, ") +
              (before > 0 ? change_text(now, before, "the " + integer(days) + " days before")
                          : std::string("new")) +
              ")";
    const std::string rank = integer(static_cast<std::int64_t>(i + 1));
    r.metrics.emplace_back("feature_" + rank, name);
    r.metrics.emplace_back("uses_" + rank, integer(now));
    r.metrics.emplace_back("uses_before_" + rank, integer(before));
  }
  r.text += ".";
  if (approximate)
    r.text += " Counts are upper bounds: some days had more distinct features than are counted.";
  return r;
}

report retention_report(const tenant_state* t, const analytics_config& cfg, std::string_view tenant,
                        std::int32_t today) {
  if (t == nullptr) return no_data("retention", tenant);
  report r;
  r.query = "retention";
  r.metrics.emplace_back("tenant", std::string(tenant));
  const auto w =
      static_cast<std::int32_t>(std::max<std::uint32_t>(cfg.retention_window_cohorts, 1));
  // A cohort's day-1 figure is complete once its day 1 is over.
  const cohort_window recent = sum_cohorts(*t, today - 1 - w, today - 2, 1);
  const cohort_window earlier = sum_cohorts(*t, today - 1 - 2 * w, today - 2 - w, 1);
  if (recent.users == 0) {
    r.text = "Not enough data yet: no cohort of new users has a complete day 1.";
    return r;
  }
  const std::string recent_text = percent(recent.rate()) + " for users who started " +
                                  range_text(recent.from, recent.to) + " (" +
                                  grouped(static_cast<std::int64_t>(recent.users)) + " users)";
  r.metrics.emplace_back("d1_recent", fixed(recent.rate(), 4));
  r.metrics.emplace_back("recent_cohort_users", integer(static_cast<std::int64_t>(recent.users)));
  if (earlier.users == 0) {
    r.text =
        "Day-1 retention is " + recent_text + "; there is no earlier cohort to compare with yet.";
    return r;
  }
  const double change_points = 100.0 * (recent.rate() - earlier.rate());
  const std::string earlier_text = percent(earlier.rate()) + " for " +
                                   range_text(earlier.from, earlier.to) + " (" +
                                   grouped(static_cast<std::int64_t>(earlier.users)) + " users)";
  r.metrics.emplace_back("d1_earlier", fixed(earlier.rate(), 4));
  r.metrics.emplace_back("earlier_cohort_users", integer(static_cast<std::int64_t>(earlier.users)));
  r.metrics.emplace_back("d1_change_points", fixed(change_points, 1));
  const bool dropping = -change_points >= cfg.retention_drop_points;
  const bool rising = change_points >= cfg.retention_drop_points;
  r.text = std::string("Day-1 retention is ") +
           (dropping ? "dropping: "
            : rising ? "rising: "
                     : "steady: ") +
           recent_text + " vs " + earlier_text +
           (dropping || rising ? std::string(dropping ? ", down " : ", up ") +
                                     integer(std::llround(std::fabs(change_points))) + " points"
                               : std::string()) +
           ".";

  if (dropping) {
    // The weakest recent cohort.
    std::int32_t weakest = 0;
    double weakest_rate = 2.0;
    for (auto it = t->cohorts.lower_bound(recent.from);
         it != t->cohorts.end() && it->first <= recent.to; ++it) {
      if (it->second.active[0] == 0) continue;
      const double rate = ratio(it->second.active[1], it->second.active[0]);
      if (rate < weakest_rate) {
        weakest_rate = rate;
        weakest = it->first;
      }
    }
    if (weakest_rate <= 1.0) {
      r.text +=
          " The weakest cohort started " + date(weakest) + " at " + percent(weakest_rate) + ".";
      r.metrics.emplace_back("weakest_cohort", date(weakest));
      r.metrics.emplace_back("weakest_cohort_d1", fixed(weakest_rate, 4));
    }
    // The first-day feature whose fall in adoption, times how much it lifts return, explains
    // the largest share of the drop.
    const std::uint64_t all_users = earlier.users + recent.users;
    const std::uint64_t all_kept = earlier.kept + recent.kept;
    std::uint32_t best = 64;
    double best_share = 0.005;
    double best_with = 0.0;
    double best_without = 0.0;
    for (std::uint32_t f = 0; f < t->cohort_features.size(); ++f) {
      const auto e = earlier.features.count(f) ? earlier.features.at(f) : feature_retention{};
      const auto n = recent.features.count(f) ? recent.features.at(f) : feature_retention{};
      const std::uint64_t users = e.users + n.users;
      if (e.users < cfg.min_feature_users || users >= all_users) continue;
      const double with = ratio(e.returned + n.returned, users);
      const double without = ratio(all_kept - (e.returned + n.returned), all_users - users);
      const double adoption_fall = ratio(e.users, earlier.users) - ratio(n.users, recent.users);
      const double share = adoption_fall * (with - without);
      if (share > best_share) {
        best_share = share;
        best = f;
        best_with = with;
        best_without = without;
      }
    }
    if (best < 64) {
      const auto& name = t->cohort_features[best];
      const auto e = earlier.features.count(best) ? earlier.features.at(best) : feature_retention{};
      const auto n = recent.features.count(best) ? recent.features.at(best) : feature_retention{};
      r.text += " What changed: new users who used '" + name +
                "' on their first day came back at " + percent(best_with) + " vs " +
                percent(best_without) + " for those who did not, and first-day use of '" + name +
                "' fell from " + percent(ratio(e.users, earlier.users)) + " to " +
                percent(ratio(n.users, recent.users)) + " of new users (about " +
                integer(std::llround(best_share * 100.0)) + " of the " +
                integer(std::llround(std::fabs(change_points))) + " points).";
      r.metrics.emplace_back("feature", name);
      r.metrics.emplace_back("feature_return_with", fixed(best_with, 4));
      r.metrics.emplace_back("feature_return_without", fixed(best_without, 4));
      r.metrics.emplace_back("feature_adoption_earlier", fixed(ratio(e.users, earlier.users), 4));
      r.metrics.emplace_back("feature_adoption_recent", fixed(ratio(n.users, recent.users), 4));
    } else {
      r.text += " No change in first-day feature use explains it.";
    }
  }

  const cohort_window recent7 = sum_cohorts(*t, today - 7 - w, today - 8, 7);
  const cohort_window earlier7 = sum_cohorts(*t, today - 7 - 2 * w, today - 8 - w, 7);
  if (recent7.users > 0 && earlier7.users > 0) {
    r.text += " Day-7 retention: " + percent(recent7.rate()) + " for " +
              range_text(recent7.from, recent7.to) + " vs " + percent(earlier7.rate()) + " for " +
              range_text(earlier7.from, earlier7.to) + ".";
    r.metrics.emplace_back("d7_recent", fixed(recent7.rate(), 4));
    r.metrics.emplace_back("d7_earlier", fixed(earlier7.rate(), 4));
  }
  return r;
}

report ab_test_report(const tenant_state* t, const analytics_config& cfg, std::string_view tenant,
                      std::string_view experiment, std::string_view variant_a,
                      std::string_view variant_b) {
  report r;
  r.query = "ab_test";
  r.metrics.emplace_back("tenant", std::string(tenant));
  r.metrics.emplace_back("experiment", std::string(experiment));
  const auto it = t ? t->experiments.find(std::string(experiment))
                    : std::map<std::string, experiment_record>::const_iterator{};
  if (t == nullptr || experiment.empty() || it == t->experiments.end()) {
    r.success = false;
    r.text = experiment.empty()
                 ? std::string("Which experiment? The task names none (param 'experiment').")
                 : "No experiment named '" + std::string(experiment) +
                       "' has been observed for tenant '" + std::string(tenant) + "'.";
    return r;
  }
  const auto& e = it->second;
  std::vector<const variant_stats*> by_name;
  for (const auto& v : e.variants)
    by_name.push_back(&v);
  std::sort(by_name.begin(), by_name.end(),
            [](const auto* x, const auto* y) { return x->name < y->name; });
  auto find = [&](std::string_view name) -> const variant_stats* {
    for (const auto* v : by_name)
      if (v->name == name) return v;
    return nullptr;
  };
  const variant_stats* a = variant_a.empty() ? find("control") : find(variant_a);
  if (a == nullptr && variant_a.empty() && !by_name.empty()) a = by_name.front();
  const variant_stats* b = variant_b.empty() ? nullptr : find(variant_b);
  if (b == nullptr && variant_b.empty())
    for (const auto* v : by_name)
      if (v != a) {
        b = v;
        break;
      }
  if (a == nullptr || b == nullptr || a == b) {
    r.success = false;
    r.text =
        "Experiment '" + std::string(experiment) + "' has no two variants to compare" +
        (variant_a.empty() && variant_b.empty()
             ? std::string(" yet.")
             : " named '" + std::string(variant_a) + "' and '" + std::string(variant_b) + "'.");
    return r;
  }

  ab_verdict v;
  v.experiment = std::string(experiment);
  v.variant_a = a->name;
  v.variant_b = b->name;
  v.users_a = a->users;
  v.conversions_a = a->conversions;
  v.users_b = b->users;
  v.conversions_b = b->conversions;
  v.result = two_proportion_z_test(a->users, a->conversions, b->users, b->conversions, cfg.ab_alpha,
                                   cfg.ab_min_users);
  const auto& res = v.result;
  auto side = [](const variant_stats& s, double rate) {
    return "'" + s.name + "' converts " + fixed(100.0 * rate, 1) + "% (" +
           grouped(static_cast<std::int64_t>(s.conversions)) + " of " +
           grouped(static_cast<std::int64_t>(s.users)) + ")";
  };
  const std::string numbers = side(*b, res.rate_b) + " vs " + side(*a, res.rate_a) +
                              "; z = " + fixed(res.z, 2) + ", p = " + fixed(res.p_value, 4);
  const std::string level = fixed(100.0 * cfg.ab_alpha, 0) + "%";
  if (!res.enough_users)
    v.reason = numbers + ": no verdict, each variant needs at least " + integer(cfg.ab_min_users) +
               " users";
  else if (res.winner == "none")
    v.reason = numbers + ": not significant at the " + level + " level, no winner";
  else
    v.reason = numbers + ": '" + (res.winner == "b" ? b->name : a->name) +
               "' wins, significant at the " + level + " level";
  r.text = "Experiment '" + v.experiment + "': " + v.reason + ".";
  if (e.not_enrolled > 0)
    r.text += " " + grouped(static_cast<std::int64_t>(e.not_enrolled)) +
              " later users were not enrolled (member cap reached).";
  r.metrics.emplace_back("variant_a", v.variant_a);
  r.metrics.emplace_back("variant_b", v.variant_b);
  r.metrics.emplace_back("z", fixed(res.z, 4));
  r.metrics.emplace_back("p_value", fixed(res.p_value, 6));
  r.metrics.emplace_back("winner", res.winner);
  r.verdict = std::move(v);
  return r;
}

} // namespace aetherial::actors::analytics
