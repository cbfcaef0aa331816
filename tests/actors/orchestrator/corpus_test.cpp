// The intent corpus (intent_corpus.tsv) through the whole agent: what it understands of each
// phrasing, and that no negation, question or status request ever starts anything, and no
// risky command runs before it is confirmed.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "tests/actors/orchestrator/orchestrator_fixture.hpp"

using namespace aetherial::actors::orchestrator::test;

namespace {

struct corpus_line {
  std::string text;
  std::string intent;
  std::string kind; ///< positive, negated, question, status
};

std::vector<corpus_line> read_corpus(const char* file = "intent_corpus.tsv") {
  std::ifstream in(std::string(AETHERIAL_ORCHESTRATOR_TEST_DIR) + "/" + file);
  std::vector<corpus_line> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    corpus_line c;
    std::getline(fields, c.text, '\t');
    std::getline(fields, c.intent, '\t');
    std::getline(fields, c.kind, '\t');
    out.push_back(c);
  }
  return out;
}

bool risky_by_default(const corpus_line& c) {
  const orchestrator_config cfg;
  const auto m = parse_command(c.text);
  slot_map slots = m.slots;
  if (const auto r = cfg.routes.find(c.intent); r != cfg.routes.end())
    for (const auto& [k, v] : r->second.defaults)
      slots.emplace(k, v);
  return is_risky(cfg.risky_intents, c.intent, slots);
}

} // namespace

BOOST_AUTO_TEST_SUITE(intent_corpus)

BOOST_AUTO_TEST_CASE(the_corpus_is_understood_and_nothing_unasked_for_runs) {
  const auto corpus = read_corpus();
  BOOST_TEST_REQUIRE(corpus.size() >= 200u);
  harness h;
  events ev;
  std::size_t right = 0;
  std::size_t safe_lines = 0;
  std::size_t risky_lines = 0;
  std::map<std::string, std::size_t> seen_intents;
  int n = 0;
  for (const auto& c : corpus) {
    ++seen_intents[c.intent];
    const std::string conv = "corpus-" + std::to_string(++n);
    const auto& out = h.feed(ev.command(at_s(n), conv, "admin", c.text, "user:root"));
    const auto rs = replies(out);
    BOOST_TEST_REQUIRE(rs.size() == 1u, c.text);
    const auto* r = rs.at(0);
    const auto details = as_map(r->details());
    const std::string kind =
        details.count("command_kind") != 0 ? details.at("command_kind") : "positive";
    const std::string intent = str(r->intent());
    const bool ok = intent == c.intent && kind == c.kind;
    if (ok)
      ++right;
    else
      BOOST_TEST_MESSAGE("corpus miss: '" << c.text << "' -> " << intent << " (" << kind
                                          << "), expected " << c.intent << " (" << c.kind << ")");
    const bool no_action =
        tasks(out).empty() && payloads<fbs::EffectRequest>(out, output::effects).empty();
    // (a) Whatever the grammar made of it, a negation, question or status request runs nothing.
    if (c.kind != "positive") {
      ++safe_lines;
      BOOST_TEST(no_action, "ran something: " << c.text);
    }
    // (b) A risky request is only ever answered with a request for confirmation.
    if (c.kind == "positive" && risky_by_default(c)) {
      ++risky_lines;
      BOOST_TEST(status_text(r->status()) == "needs_confirmation", c.text);
      BOOST_TEST(no_action, "ran without confirmation: " << c.text);
    }
  }
  const double accuracy = static_cast<double>(right) / static_cast<double>(corpus.size());
  BOOST_TEST_MESSAGE("intent corpus: " << right << " of " << corpus.size() << " right ("
                                       << accuracy * 100.0 << "%); " << safe_lines
                                       << " negated/question/status lines ran nothing; "
                                       << risky_lines << " risky lines asked to confirm");
  BOOST_TEST(accuracy >= 0.90);
  // Every intent the grammar knows has phrasings in the corpus.
  for (const auto& intent : grammar_intents())
    BOOST_TEST(seen_intents.count(intent) == 1u, intent);
  BOOST_TEST(seen_intents.count(std::string(unknown_intent)) == 1u);
}

// Phrasings the grammar was not written for: how many it understands is reported, not
// required; what is required is that none of them starts a risky task (a deploy, rollback, ban,
// scaling or deletion) without a confirmation, whatever the grammar made of it.
BOOST_AUTO_TEST_CASE(held_out_phrasings_never_start_what_was_not_asked) {
  const auto heldout = read_corpus("intent_heldout.tsv");
  BOOST_TEST_REQUIRE(heldout.size() >= 50u);
  harness h;
  events ev;
  std::size_t right = 0, confirmations = 0, risky = 0;
  int n = 0;
  for (const auto& c : heldout) {
    ++n;
    const auto& out =
        h.feed(ev.command(at_s(n), "held-" + std::to_string(n), "admin", c.text, "user:root"));
    const auto rs = replies(out);
    BOOST_TEST_REQUIRE(rs.size() == 1u, c.text);
    const auto details = as_map(rs.at(0)->details());
    const std::string kind =
        details.count("command_kind") != 0 ? details.at("command_kind") : "positive";
    if (str(rs.at(0)->intent()) == c.intent && kind == c.kind)
      ++right;
    else
      BOOST_TEST_MESSAGE("held-out miss: '" << c.text << "' -> " << str(rs.at(0)->intent()) << " ("
                                            << kind << "), expected " << c.intent << " (" << c.kind
                                            << ")");
    // A misunderstanding may start a harmless task (a support check, a feature request); never
    // a risky one.
    const bool risky_line = c.kind == "positive" && risky_by_default(c);
    for (const auto* t : tasks(out)) {
      const std::string type = str(t->type());
      for (const char* risky_type : {"development.deploy", "development.rollback", "security.ban",
                                     "operations.scale", "data.delete"})
        BOOST_TEST(type.rfind(risky_type, 0) != 0, "started " << type << ": " << c.text);
    }
    if (risky_line) {
      ++risky;
      if (status_text(rs.at(0)->status()) == "needs_confirmation") ++confirmations;
    }
  }
  BOOST_TEST_MESSAGE("held-out phrasings: " << right << " of " << heldout.size() << " understood; "
                                            << confirmations << " of " << risky
                                            << " risky requests asked to confirm");
}

BOOST_AUTO_TEST_CASE(the_named_dangerous_phrasings_never_deploy) {
  harness h;
  events ev;
  int n = 0;
  for (const std::string text :
       {"Do not deploy to production", "What is the status of the deployment?",
        "Show me the deployment status", "Did yesterday's deploy break anything?"}) {
    ++n;
    const auto& out = h.feed(ev.command(at_s(n), "d-" + std::to_string(n), "admin", text));
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(tasks(out).empty());
      BOOST_TEST(payloads<fbs::EffectRequest>(out, output::effects).empty());
      const auto* r = replies(out).at(0);
      BOOST_TEST(status_text(r->status()) != "needs_confirmation");
      BOOST_TEST(status_text(r->status()) != "pending");
    }
  }
  BOOST_TEST(pending_tasks(h).empty());
  for (const auto& [id, conv] : conversations(h))
    BOOST_TEST(!conv.confirmation.has_value(), id);
}

BOOST_AUTO_TEST_SUITE_END()
