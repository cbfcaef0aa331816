#include "actors/orchestrator/intent_rules.hpp"

#include <algorithm>

namespace aetherial::actors::orchestrator {

// --- slot fillers ------------------------------------------------------------------------

namespace {

const words deploy_verbs = {"deploy", "redeploy", "release", "ship", "push"};

/// 7 to 40 hex digits, at least one of them a digit: a commit id.
bool is_commit_like(const std::string& w) {
  if (w.size() < 7 || w.size() > 40) return false;
  bool digit = false;
  for (char c : w) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c < 'a' || c > 'f')
      return false;
  }
  return digit;
}

/// The environment named: "production" for "prod" or "live", "staging", ...; "dev" or "test"
/// only after "to", "into", "on" or "in".
void fill_environment(const tokens& t, slot_map& s) {
  const std::vector<std::pair<std::string_view, words>> envs = {
      {"production", {"production", "prod", "live", "prodution", "porduction", "productoin"}},
      {"staging", {"staging", "stage"}},
      {"qa", {"qa"}},
      {"canary", {"canary"}},
      {"sandbox", {"sandbox"}},
  };
  for (const auto& [env, ws] : envs)
    if (find_word(t, ws) != std::string::npos) {
      s["environment"] = std::string(env);
      return;
    }
  const auto to = find_word(t, {"to", "into", "on", "in"});
  if (to != std::string::npos && to + 1 < t.size() &&
      one_of(t[to + 1].norm, {"dev", "development", "test", "testing"}))
    s["environment"] = t[to + 1].norm == "dev" || t[to + 1].norm == "development" ? "dev" : "test";
}

/// Words that are never the name of a service or a target.
const words not_a_name = {"the",  "a",       "an",         "my",         "our",     "this",
                          "that", "last",    "latest",     "previous",   "recent",  "current",
                          "it",   "to",      "of",         "for",        "in",      "on",
                          "from", "deploy",  "deployment", "release",    "version", "back",
                          "all",  "service", "production", "prod",       "staging", "down",
                          "up",   "please",  "now",        "everything", "and",     ","};

/// The name after "of", "for" or "on" ("... of checkout"), or empty.
std::string name_after(const tokens& t, const words& prepositions, std::size_t from = 0) {
  for (auto p = find_word(t, prepositions, from); p != std::string::npos;
       p = find_word(t, prepositions, p + 1)) {
    const std::size_t n = skip_articles(t, p + 1);
    if (n < t.size() && !one_of(t[n].norm, not_a_name) && !is_commit_like(t[n].norm))
      return t[n].orig;
  }
  return {};
}

/// A small count written as digits or as a word ("3", "three"); 0 when it is none.
int count_word(const std::string& w) {
  static const words names = {"one", "two",   "three", "four", "five",
                              "six", "seven", "eight", "nine", "ten"};
  for (std::size_t i = 0; i < names.size(); ++i)
    if (w == names[i]) return static_cast<int>(i) + 1;
  if (w.empty() || w.size() > 4) return 0;
  int n = 0;
  for (const char c : w) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

/// "acme's" -> "acme".
std::string without_possessive(std::string w) {
  for (std::string_view end : {"'s", "\xE2\x80\x99s", "'"})
    if (w.size() > end.size() && w.compare(w.size() - end.size(), end.size(), end) == 0)
      return w.substr(0, w.size() - end.size());
  return w;
}

} // namespace

void fill_how_to(const tokens& t, slot_map& s) {
  for (const auto& p : phrases(how_words)) {
    const auto i = find_phrase(t, p);
    if (i == std::string::npos) continue;
    const std::string subject = join_orig(t, i + p.size(), t.size());
    if (!subject.empty()) s["subject"] = subject;
    return;
  }
}

void fill_active_users(const tokens& t, slot_map& s) {
  const std::vector<std::pair<std::string_view, words>> periods = {
      {"today", {"today", "todays", "dau", "now", "currently"}},
      {"yesterday", {"yesterday", "yesterdays"}},
      {"week", {"week", "weekly", "weeks", "wau"}},
      {"month", {"month", "monthly", "months", "mau"}},
  };
  for (const auto& [period, ws] : periods)
    if (find_word(t, ws) != std::string::npos) {
      s["period"] = std::string(period);
      return;
    }
}

void fill_diagnose(const tokens& t, slot_map& s) {
  // A named service comes before a service noun ("the checkout service"); a page or site is
  // only the subject when no service noun is there.
  const words service_nouns = {"server", "servers", "service", "api", "backend", "database", "db"};
  const words other_nouns = {"site", "website", "app", "page", "checkout", "search", "login"};
  const words not_names = {"the", "a",   "an", "my",  "our",   "this",   "that", "is",
                           "are", "why", "so", "web", "whole", "entire", ","};
  auto i = find_word(t, service_nouns);
  if (i == std::string::npos) i = find_word(t, other_nouns);
  if (i == std::string::npos) {
    // "Why is web slow?": one word between "is" (or "are") and the slow word names a service.
    const words slow = {"slow", "slowly", "slower", "sluggish", "lagging", "laggy", "timing"};
    const words not_services = {"everything", "it",       "this",   "that",  "all", "things",
                                "stuff",      "platform", "system", "there", "so",  "everyone",
                                "anything",   "my",       "our",    "the",   "a",   "an",
                                "your",       "he",       "she",    "they"};
    const auto k = find_word(t, slow);
    if (k != std::string::npos && k >= 2 && one_of(t[k - 2].norm, {"is", "are", "was"}) &&
        !one_of(t[k - 1].norm, not_services) && t[k - 1].norm != ",") {
      s["service"] = t[k - 1].orig;
      s["subject"] = t[k - 1].orig;
    }
    return;
  }
  if (i > 0 && !one_of(t[i - 1].norm, not_names)) {
    s["service"] = t[i - 1].orig;
    s["subject"] = "the " + join_orig(t, i - 1, i + 1);
  } else {
    s["subject"] = "the " + t[i].orig;
  }
}

void fill_deploy(const tokens& t, slot_map& s) {
  fill_environment(t, s);
  // A commit: the word after "commit", or a word of 7 to 40 hex digits with a digit in it.
  std::size_t commit_at = std::string::npos;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const bool after_word = i > 0 && one_of(t[i - 1].norm, {"commit", "sha", "revision"});
    if (after_word || is_commit_like(t[i].norm)) {
      s["commit"] = t[i].norm;
      commit_at = i;
      break;
    }
  }
  // The service: "the web service", "service web", "... of web", "... for web", or the one
  // word deployed when it is no word for a change ("Deploy web to production").
  const words service_nouns = {"service", "repo", "repository"};
  const words not_names = {"the", "a", "an", "my", "our", "this", "that", "new", "to", "of", ","};
  if (const auto n = find_word(t, service_nouns); n != std::string::npos) {
    if (n > 0 && !one_of(t[n - 1].norm, not_names) && !one_of(t[n - 1].norm, deploy_verbs))
      s["service"] = t[n - 1].orig;
    else if (n + 1 < t.size() && !one_of(t[n + 1].norm, not_names) &&
             !one_of(t[n + 1].norm, {"to", "into", "on", "in"}))
      s["service"] = t[n + 1].orig;
  }
  const auto v = find_word(t, deploy_verbs);
  if (v == std::string::npos) return;
  std::size_t end = 0;
  const std::size_t start = skip_articles(t, v + 1);
  const std::string change = phrase_until(
      t, start, {"to", "into", "on", "in", "of", "for", "from", "at", "commit", "sha"}, &end);
  if (!change.empty() && start != commit_at) s["change"] = change;
  if (s.count("service") == 0 && end < t.size() && one_of(t[end].norm, {"of", "for", "from"})) {
    const std::size_t n = skip_articles(t, end + 1);
    if (n < t.size() && t[n].norm != "," && !is_commit_like(t[n].norm) &&
        !one_of(t[n].norm, {"production", "prod", "staging", "live"}))
      s["service"] = t[n].orig;
  }
  const words change_words = {"feature", "features",   "build",  "builds", "version", "release",
                              "update",  "changes",    "change", "fix",    "fixes",   "code",
                              "it",      "everything", "latest", "new",    "commit",  "branch"};
  if (s.count("service") == 0 && end == start + 1 && start != commit_at &&
      !one_of(t[start].norm, change_words))
    s["service"] = t[start].orig;
}

void fill_course(const tokens& t, slot_map& s) {
  const auto c = find_word(t, {"course", "courses", "curriculum"});
  if (c != std::string::npos) {
    const auto about = find_word(t, {"about", "on", "in", "for"}, c + 1);
    if (about != std::string::npos) {
      std::size_t j = skip_articles(t, about + 1);
      const std::size_t start = j;
      while (j < t.size() && t[j].norm != "," &&
             !one_of(t[j].norm, {"with", "covering", "including", "that"}) &&
             !(t[j].norm == "and" && j + 1 < t.size() &&
               one_of(t[j + 1].norm, {"add", "include", "make", "cover", "with"})))
        ++j;
      const std::string topic = join_orig(t, start, j);
      if (!topic.empty()) s["topic"] = topic;
    }
  }
  const auto cov = find_word(t, {"covering", "including", "covers", "cover"});
  if (cov != std::string::npos) {
    tokens rest(t.begin() + static_cast<std::ptrdiff_t>(cov), t.end());
    const auto list = topics_named(rest);
    std::string joined;
    for (const auto& x : list)
      joined += (joined.empty() ? "" : ", ") + x;
    if (!joined.empty()) s["topics"] = joined;
  }
  if (const auto q = quizzes_wanted(t)) s["quizzes"] = *q ? "true" : "false";
}

void fill_payment(const tokens& t, slot_map& s) {
  s["topic"] = "money";
  const std::vector<std::pair<std::string_view, words>> problems = {
      {"not_through", {"through", "failed", "fail", "fails", "declined", "rejected", "pending"}},
      {"double_charge", {"twice", "double", "duplicate"}},
      {"refund", {"refund", "refunds", "refunded"}},
  };
  for (const auto& [p, ws] : problems)
    if (find_word(t, ws) != std::string::npos) {
      s["problem"] = std::string(p);
      return;
    }
}

void fill_feature(const tokens& t, slot_map& s) {
  const auto v = find_word(t, {"add", "implement", "introduce", "build", "create"});
  if (v == std::string::npos) return;
  std::size_t end = 0;
  const std::string feature =
      phrase_until(t, skip_articles(t, v + 1), {"to", "for", "on", "in"}, &end);
  if (!feature.empty()) s["feature"] = feature;
  if (end < t.size() && t[end].norm != ",") {
    const std::string where = phrase_until(t, skip_articles(t, end + 1), {});
    if (!where.empty()) s["location"] = where;
  }
}

void fill_bug(const tokens& t, slot_map& s) {
  const words stops = {"the",    "a",     "an",      "my",    "our",         "this", "that", "fix",
                       "repair", "debug", "resolve", "patch", "investigate", "in",   "on",   "with",
                       "is",     "are",   "there",   ","};
  const auto k = find_word(t, {"bug", "bugs", "crash", "crashes", "crashing", "regression",
                               "glitch", "broken", "defect"});
  if (k != std::string::npos) {
    std::size_t j = k;
    while (j > 0 && !one_of(t[j - 1].norm, stops))
      --j;
    if (j < k) {
      s["component"] = join_orig(t, j, k);
      return;
    }
    // "the login page is broken": the words before "is".
    if (k >= 2 && one_of(t[k - 1].norm, {"is", "are", "seems", "keeps"})) {
      const std::size_t end = k - 1;
      j = end;
      while (j > 0 && !one_of(t[j - 1].norm, stops))
        --j;
      if (j < end) {
        s["component"] = join_orig(t, j, end);
        return;
      }
    }
  }
  const auto v = find_word(t, {"fix", "repair", "debug", "resolve", "patch"});
  if (v != std::string::npos) {
    const std::string c = phrase_until(t, skip_articles(t, v + 1),
                                       {"bug", "bugs", "crash", "issue", "problem", "in", "on"});
    if (!c.empty()) s["component"] = c;
  }
}

void fill_rollback(const tokens& t, slot_map& s) {
  fill_environment(t, s);
  // "... to version 1.4.2", "... to v1.4", "... to commit 4f2a9c1", "... to the previous one".
  if (find_word(t, {"previous", "prior", "last", "earlier", "old", "older"}) != std::string::npos)
    s["version"] = "previous";
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string& w = t[i].norm;
    const bool numbered = !w.empty() && (w[0] == 'v' ? w.size() > 1 && w[1] >= '0' && w[1] <= '9'
                                                     : w[0] >= '0' && w[0] <= '9');
    const bool after_word = i > 0 && one_of(t[i - 1].norm, {"version", "commit", "release"});
    if ((after_word && !one_of(w, not_a_name)) || is_commit_like(w) ||
        (numbered && w.find('.') != std::string::npos)) {
      s["version"] = t[i].orig;
      break;
    }
  }
  // The service: "... of checkout", "roll checkout back", "revert payments to ...".
  std::string service = name_after(t, {"of", "for", "on"});
  if (service.empty()) {
    const auto v = find_word(t, {"roll", "rollback", "revert", "undo", "downgrade", "rolback"});
    if (v != std::string::npos) {
      const std::size_t n = skip_articles(t, v + 1);
      if (n < t.size() && !one_of(t[n].norm, not_a_name) && !is_commit_like(t[n].norm) &&
          !one_of(t[n].norm, {"deploys", "deployments", "changes", "change", "build"}))
        service = t[n].orig;
    }
  }
  if (!service.empty()) s["service"] = service;
}

void fill_ban(const tokens& t, slot_map& s) {
  const auto v =
      find_word(t, {"ban", "bna", "banning", "blacklist", "blocklist", "block", "suspend"});
  if (v == std::string::npos) return;
  const std::string target =
      phrase_until(t, skip_articles(t, v + 1), {"for", "because", "from", "since", "now"});
  if (!target.empty()) s["target"] = target;
}

void fill_scale(const tokens& t, slot_map& s) {
  fill_environment(t, s);
  const auto v = find_word(t, {"scale", "scaled", "scaling", "sacle", "downscale", "upscale"});
  if (v != std::string::npos) {
    const std::size_t n = skip_articles(t, v + 1);
    if (n < t.size() && !one_of(t[n].norm, not_a_name) &&
        !one_of(t[n].norm, {"in", "out", "replicas", "instances", "pods"}))
      s["service"] = t[n].orig;
  }
  // "... of web", "... for web", "two more replicas to web", "... on web".
  for (auto p = find_word(t, {"of", "for", "to", "on"});
       s.count("service") == 0 && p != std::string::npos;
       p = find_word(t, {"of", "for", "to", "on"}, p + 1)) {
    const std::size_t n = skip_articles(t, p + 1);
    if (n < t.size() && !one_of(t[n].norm, not_a_name) && !is_commit_like(t[n].norm) &&
        !count_word(t[n].norm) &&
        !one_of(t[n].norm, {"replicas", "replica", "instances", "instance", "pods", "pod"}))
      s["service"] = t[n].orig;
  }
  // "... to 2", "... to 2 replicas".
  for (auto to = find_word(t, {"to"}); to != std::string::npos; to = find_word(t, {"to"}, to + 1))
    if (to + 1 < t.size() && !t[to + 1].norm.empty() && t[to + 1].norm[0] >= '0' &&
        t[to + 1].norm[0] <= '9') {
      s["replicas"] = t[to + 1].orig;
      break;
    }
  // A change rather than a count: "two more replicas", "by 3", "another 2", "3 fewer pods".
  if (s.count("replicas") == 0)
    for (std::size_t i = 0; i < t.size(); ++i) {
      const bool after_by = i > 0 && one_of(t[i - 1].norm, {"by", "another", "add", "remove"});
      const bool before_more =
          i + 1 < t.size() &&
          one_of(t[i + 1].norm, {"more", "extra", "additional", "fewer", "less", "replicas",
                                 "replica", "instances", "instance", "pods", "pod"});
      if (const auto n = count_word(t[i].norm); n > 0 && (after_by || before_more)) {
        s["step"] = std::to_string(n);
        break;
      }
    }
}

void fill_delete(const tokens& t, slot_map& s) {
  const auto v = find_word(t, {"delete", "deleting", "erase", "erasing", "wipe", "purge", "remove",
                               "destroy", "drop", "delte", "deleet", "earse"});
  if (v == std::string::npos) return;
  // "delete tenant acme's data", "erase user 42's data", "wipe all data of tenant acme".
  const words stops = {"data",    "records", "pii", "personal", "account",     "from",
                       "because", "for",     "of",  "now",      "permanently", "please"};
  std::size_t i = skip_articles(t, v + 1);
  while (i < t.size() && one_of(t[i].norm, {"all", "of", "the", "every", "any"}))
    ++i;
  std::size_t end = 0;
  std::string target = phrase_until(t, i, stops, &end);
  if (target.empty()) {
    const auto p = find_word(t, {"of", "for", "from", "belonging"}, v + 1);
    if (p != std::string::npos) {
      std::size_t j = skip_articles(t, p + 1);
      if (j < t.size() && t[j].norm == "to") j = skip_articles(t, j + 1);
      target = phrase_until(t, j, {"because", "now", "permanently", "please", "from"});
    }
  }
  target = without_possessive(target);
  if (!target.empty()) s["target"] = target;
}

void fill_tests(const tokens& t, slot_map& s) {
  const std::vector<std::pair<std::string_view, words>> kinds = {
      {"unit", {"unit"}},
      {"integration", {"integration"}},
      {"end_to_end", {"e2e", "end"}},
      {"load", {"load", "performance"}},
      {"regression", {"regression"}},
  };
  for (const auto& [k, ws] : kinds)
    if (find_word(t, ws) != std::string::npos) {
      s["test_kind"] = std::string(k);
      break;
    }
  const auto f = find_word(t, {"for", "of", "in", "covering"});
  if (f == std::string::npos) return;
  std::size_t i = skip_articles(t, f + 1);
  std::size_t j = i;
  while (j < t.size() && t[j].norm != ",")
    ++j;
  // "auth module" -> "auth": the kind of unit is not its name.
  while (j > i + 1 && one_of(t[j - 1].norm, {"module", "modules", "component", "package", "service",
                                             "library", "code", "class", "file"}))
    --j;
  const std::string module = join_orig(t, i, j);
  if (!module.empty()) s["module"] = module;
}

} // namespace aetherial::actors::orchestrator
