// Lexicon sentiment with negation and intensifiers.
#include <boost/test/unit_test.hpp>

#include "actors/text/sentiment.hpp"

using namespace aetherial::actors::text;

BOOST_AUTO_TEST_SUITE(sentiment_lexicon)

BOOST_AUTO_TEST_CASE(polarity_of_plain_sentences) {
  BOOST_TEST(sentiment_of("This course is great, thanks!").score > 0.5);
  BOOST_TEST(sentiment_of("This is terrible and useless, I hate it").score < -0.7);
  BOOST_TEST(sentiment_of("How do I create a course?").score == 0.0);
  BOOST_TEST(sentiment_of("My payment didn't go through").score == 0.0);
  BOOST_TEST(sentiment_of("").score == 0.0);
}

BOOST_AUTO_TEST_CASE(negation_flips_and_dampens) {
  const double good = sentiment_of("the answer was good").score;
  const double not_good = sentiment_of("the answer was not good").score;
  BOOST_TEST(good > 0.0);
  BOOST_TEST(not_good < 0.0);
  BOOST_TEST(-not_good < good);
  BOOST_TEST(sentiment_of("it doesn't work and it's not helpful").score < 0.0);
}

BOOST_AUTO_TEST_CASE(intensifiers_amplify) {
  BOOST_TEST(sentiment_of("very bad").score < sentiment_of("bad").score);
  BOOST_TEST(sentiment_of("really great").score > sentiment_of("great").score);
  const auto s = sentiment_of("great support but awful billing");
  BOOST_TEST(s.positive == 1u);
  BOOST_TEST(s.negative == 1u);
}

BOOST_AUTO_TEST_CASE(scores_stay_in_range) {
  std::string rant;
  for (int i = 0; i < 200; ++i)
    rant += "worst terrible awful ";
  const double s = sentiment_of(rant).score;
  BOOST_TEST(s > -1.0);
  BOOST_TEST(s < -0.99);
  BOOST_TEST(valence("great") == 3.0);
  BOOST_TEST(valence("unknownword") == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
