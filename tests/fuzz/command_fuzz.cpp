// Fuzz target: bytes as the text of a user command, through the Orchestrator's tokenizer and
// intent grammar (actors/orchestrator/intent_grammar.hpp) and the dialogue words it checks.
// Invariants: everything is deterministic (the same text twice gives the same tokens, intent,
// confidence, slots and answers); confidence stays in [0, 0.98]; the intent is one the grammar
// declares, or `general.ask` with confidence 0.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "actors/orchestrator/intent_grammar.hpp"
#include "actors/orchestrator/text.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace aetherial;
using namespace aetherial::actors::orchestrator;

bool same(const tokens& a, const tokens& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const token& x, const token& y) {
    return x.norm == y.norm && x.orig == y.orig;
  });
}

bool same(const intent_match& a, const intent_match& b) {
  return a.intent == b.intent && std::memcmp(&a.confidence, &b.confidence, sizeof(double)) == 0 &&
         a.slots == b.slots;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> intents = grammar_intents();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const tokens t1 = tokenize(text);
  const tokens t2 = tokenize(std::string(text));
  fuzz::require(same(t1, t2), "tokenizing is deterministic");
  for (const auto& t : t1)
    fuzz::require(!t.norm.empty() && !t.orig.empty(), "no empty token");

  const intent_match m1 = parse_intent(t1);
  const intent_match m2 = parse_intent(t2);
  fuzz::require(same(m1, m2), "parsing is deterministic", m1.intent + " / " + m2.intent);
  fuzz::require(m1.confidence >= 0.0 && m1.confidence <= 0.98, "confidence in [0, 0.98]");
  if (m1.intent == unknown_intent)
    fuzz::require(m1.confidence == 0.0, "no match has confidence 0");
  else
    fuzz::require(std::find(intents.begin(), intents.end(), m1.intent) != intents.end(),
                  "the intent is one the grammar declares", m1.intent);

  fuzz::require(is_confirmation(t1) == is_confirmation(t2), "is_confirmation is deterministic");
  fuzz::require(is_decline(t1) == is_decline(t2), "is_decline is deterministic");
  fuzz::require(quizzes_wanted(t1) == quizzes_wanted(t2), "quizzes_wanted is deterministic");
  fuzz::require(topics_named(t1) == topics_named(t2), "topics_named is deterministic");
  fuzz::require(is_urgent(t1) == is_urgent(t2), "is_urgent is deterministic");
  return 0;
}
