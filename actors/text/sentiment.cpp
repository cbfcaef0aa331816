#include "actors/text/sentiment.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::text {

namespace {

struct entry {
  std::string_view word;
  int valence;
};

// Valences of common English opinion words (-4..4), sorted by word for binary search.
constexpr std::array<entry, 116> lexicon = {
    entry{"abysmal", -3},    entry{"amazing", 4},       entry{"angry", -3},
    entry{"annoy", -2},      entry{"annoyed", -2},      entry{"annoying", -2},
    entry{"appreciate", 2},  entry{"appreciated", 2},   entry{"awesome", 4},
    entry{"awful", -3},      entry{"bad", -3},          entry{"best", 3},
    entry{"better", 2},      entry{"brilliant", 4},     entry{"broken", -2},
    entry{"cheated", -3},    entry{"clear", 1},         entry{"complain", -2},
    entry{"complaint", -2},  entry{"confused", -2},     entry{"confusing", -2},
    entry{"cool", 1},        entry{"crap", -3},         entry{"crash", -2},
    entry{"crashed", -2},    entry{"crashes", -2},      entry{"delighted", 3},
    entry{"disappoint", -2}, entry{"disappointed", -2}, entry{"disappointing", -2},
    entry{"disgusting", -3}, entry{"dreadful", -3},     entry{"easy", 1},
    entry{"enjoy", 2},       entry{"enjoyed", 2},       entry{"excellent", 3},
    entry{"fail", -2},       entry{"failed", -2},       entry{"failing", -2},
    entry{"fails", -2},      entry{"failure", -2},      entry{"fantastic", 4},
    entry{"fast", 1},        entry{"fine", 2},          entry{"fixed", 2},
    entry{"frustrated", -2}, entry{"frustrating", -2},  entry{"furious", -3},
    entry{"garbage", -3},    entry{"glad", 3},          entry{"good", 3},
    entry{"great", 3},       entry{"happy", 3},         entry{"hate", -3},
    entry{"hated", -3},      entry{"helpful", 2},       entry{"hopeless", -2},
    entry{"horrible", -3},   entry{"hostile", -2},      entry{"impossible", -2},
    entry{"impressed", 3},   entry{"incompetent", -3},  entry{"infuriating", -3},
    entry{"lousy", -2},      entry{"love", 3},          entry{"loved", 3},
    entry{"lovely", 3},      entry{"mad", -2},          entry{"mess", -2},
    entry{"miserable", -3},  entry{"nice", 3},          entry{"nightmare", -3},
    entry{"outraged", -3},   entry{"pathetic", -3},     entry{"perfect", 3},
    entry{"pleased", 3},     entry{"poor", -2},         entry{"problem", -1},
    entry{"problems", -1},   entry{"quick", 1},         entry{"recommend", 2},
    entry{"resolved", 2},    entry{"ridiculous", -3},   entry{"ripoff", -3},
    entry{"rude", -2},       entry{"sad", -2},          entry{"satisfied", 2},
    entry{"scam", -3},       entry{"shame", -2},        entry{"slow", -1},
    entry{"smooth", 2},      entry{"solved", 2},        entry{"stuck", -2},
    entry{"stupid", -3},     entry{"sucks", -3},        entry{"superb", 4},
    entry{"terrible", -3},   entry{"thank", 2},         entry{"thankful", 2},
    entry{"thanks", 2},      entry{"ugly", -2},         entry{"unacceptable", -3},
    entry{"unfair", -2},     entry{"unhappy", -2},      entry{"unusable", -3},
    entry{"upset", -2},      entry{"useful", 2},        entry{"useless", -2},
    entry{"waste", -2},      entry{"wasted", -2},       entry{"wonderful", 4},
    entry{"works", 1},       entry{"worse", -2},        entry{"worst", -3},
    entry{"worthless", -3},  entry{"wrong", -2}};

constexpr std::array<std::string_view, 22> negators = {
    "aint", "cannot",  "cant",     "couldnt", "didnt",   "doesnt", "dont", "hardly",
    "isnt", "lack",    "neither",  "never",   "no",      "nobody", "none", "nor",
    "not",  "nothing", "shouldnt", "wasnt",   "without", "wont"};

constexpr std::array<std::string_view, 10> intensifiers = {
    "absolutely", "completely", "extremely", "incredibly", "really",
    "so",         "super",      "totally",   "truly",      "very"};

// Normalization constant of the squashing function (VADER's alpha).
constexpr double alpha = 15.0;
constexpr double negation_factor = -0.74;
constexpr double intensifier_factor = 1.5;
constexpr std::size_t negation_window = 3;

template <std::size_t N> bool in(const std::array<std::string_view, N>& list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

} // namespace

double valence(std::string_view word) noexcept {
  const auto it = std::lower_bound(lexicon.begin(), lexicon.end(), word,
                                   [](const entry& e, std::string_view w) { return e.word < w; });
  return it != lexicon.end() && it->word == word ? static_cast<double>(it->valence) : 0.0;
}

sentiment sentiment_of_words(const std::vector<std::string>& ws) {
  sentiment s;
  double sum = 0.0;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    double v = valence(ws[i]);
    if (v == 0.0) continue;
    if (i > 0 && in(intensifiers, ws[i - 1])) v *= intensifier_factor;
    for (std::size_t back = 1; back <= negation_window && back <= i; ++back)
      if (in(negators, ws[i - back])) {
        v *= negation_factor;
        break;
      }
    if (v > 0.0) ++s.positive;
    if (v < 0.0) ++s.negative;
    sum += v;
  }
  s.score = sum / std::sqrt(sum * sum + alpha);
  return s;
}

sentiment sentiment_of(std::string_view text) {
  return sentiment_of_words(words(text));
}

} // namespace aetherial::actors::text
