// Tokenizer, stemmer, stopwords, sentences and clipping.
#include <boost/test/unit_test.hpp>

#include "actors/text/stopwords.hpp"
#include "actors/text/tokenizer.hpp"

using namespace aetherial::actors::text;
using strings = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(tokenizer)

BOOST_AUTO_TEST_CASE(words_are_lowercase_runs_of_letters_and_digits) {
  BOOST_TEST((words("How do I create a Course? It's 2026!") ==
              strings{"how", "do", "i", "create", "a", "course", "its", "2026"}));
  BOOST_TEST((words("My payment didn't go through") ==
              strings{"my", "payment", "didnt", "go", "through"}));
  // Latin-1 capitals are lowercased; accented letters stay letters.
  BOOST_TEST((words("ÉCOLE Straße, Ação") == strings{"école", "straße", "ação"}));
  BOOST_TEST((words("'quoted' -- ...") == strings{"quoted"}));
  BOOST_TEST(words("").empty());
  // A run longer than a word is not one.
  BOOST_TEST(words(std::string(100, 'x') + " ok").size() == 1u);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_a_separator_not_a_crash) {
  const std::string bad = std::string("abc") + '\xff' + "def" + '\xc3';
  BOOST_TEST((words(bad) == strings{"abc", "def"}));
}

BOOST_AUTO_TEST_CASE(stemmer_conflates_inflections) {
  BOOST_TEST(stem("courses") == "cours");
  BOOST_TEST(stem("course") == "cours");
  BOOST_TEST(stem("creating") == "creat");
  BOOST_TEST(stem("creation") == "creat");
  BOOST_TEST(stem("create") == "creat");
  BOOST_TEST(stem("created") == "creat");
  BOOST_TEST(stem("payments") == "payment");
  BOOST_TEST(stem("policies") == "policy");
  BOOST_TEST(stem("boxes") == "box");
  BOOST_TEST(stem("class") == "class");
  BOOST_TEST(stem("ai") == "ai");
  BOOST_TEST(stem("ação") == "ação");
}

BOOST_AUTO_TEST_CASE(terms_drop_stopwords_and_stem) {
  BOOST_TEST((terms("How do I create a course?") == strings{"creat", "cours"}));
  BOOST_TEST(is_stopword("the"));
  BOOST_TEST(is_stopword("didnt"));
  BOOST_TEST(!is_stopword("payment"));
  const auto a = analyze("Courses and more courses; a course.");
  BOOST_TEST(a.counts.at("cours") == 3u);
  BOOST_TEST(a.surface.at("cours") == "courses");
  BOOST_TEST(a.words == 6u);
}

BOOST_AUTO_TEST_CASE(sentences_split_on_terminal_punctuation_and_lines) {
  BOOST_TEST((sentences("One. Two!  Three?\nFour 3.5 five") ==
              strings{"One.", "Two!", "Three?", "Four 3.5 five"}));
  BOOST_TEST(sentences("   ").empty());
}

BOOST_AUTO_TEST_CASE(clip_cuts_at_a_word_boundary) {
  BOOST_TEST(clip("short", 10) == "short");
  BOOST_TEST(clip("the quick brown fox jumps", 12) == "the quick...");
  // Never inside a UTF-8 character.
  const std::string c = clip("ééééééé", 5);
  BOOST_TEST(c == "éé...");
}

BOOST_AUTO_TEST_CASE(contains_sequence_matches_whole_words) {
  BOOST_TEST(contains_sequence({"please", "kill", "yourself", "now"}, {"kill", "yourself"}));
  BOOST_TEST(!contains_sequence({"kill", "the", "process", "yourself"}, {"kill", "yourself"}));
  BOOST_TEST(!contains_sequence({"a"}, {}));
}

BOOST_AUTO_TEST_SUITE_END()
