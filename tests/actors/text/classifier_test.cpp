// Online naive Bayes and the sealed snapshot encoding.
#include <boost/test/unit_test.hpp>

#include "actors/text/naive_bayes.hpp"

using namespace aetherial::actors::text;

BOOST_AUTO_TEST_SUITE(classifier)

BOOST_AUTO_TEST_CASE(learns_from_labelled_documents) {
  naive_bayes nb;
  BOOST_TEST(nb.posterior(count_terms("anything")).empty());
  nb.learn("spam", count_terms("cheap pills buy now limited offer"));
  nb.learn("spam", count_terms("buy cheap watches now, best offer"));
  nb.learn("ok", count_terms("the lecture on linear algebra was clear"));
  nb.learn("ok", count_terms("thanks for the notes about algebra homework"));
  const auto spam = nb.posterior(count_terms("buy cheap pills"));
  BOOST_TEST(spam.at("spam") > 0.9);
  const auto ok = nb.posterior(count_terms("algebra homework notes"));
  BOOST_TEST(ok.at("ok") > 0.9);
  BOOST_TEST(spam.at("spam") + spam.at("ok") == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(nb.documents() == 4u);
  BOOST_TEST(nb.documents("spam") == 2u);
}

BOOST_AUTO_TEST_CASE(unlearn_reverses_learn) {
  naive_bayes nb;
  nb.learn("ok", count_terms("algebra notes"));
  const naive_bayes before = nb;
  nb.learn("spam", count_terms("buy pills now"));
  nb.unlearn("spam", count_terms("buy pills now"));
  BOOST_TEST(nb.classes.size() == before.classes.size());
  BOOST_TEST((nb.vocabulary == before.vocabulary));
  nb.unlearn("missing", count_terms("x"));
  nb.unlearn("ok", count_terms("never learned words"));
  BOOST_TEST(nb.documents() == 0u);
}

BOOST_AUTO_TEST_CASE(bound_forgets_the_rarest_terms) {
  naive_bayes nb;
  nb.learn("ok", count_terms("alpha alpha alpha beta beta gamma delta"));
  nb.learn("spam", count_terms("alpha epsilon"));
  nb.bound(3);
  BOOST_TEST(nb.vocabulary.size() <= 3u);
  BOOST_TEST(nb.vocabulary.count("alpha") == 1u);
  BOOST_TEST(nb.vocabulary.count("beta") == 1u);
  std::uint64_t tokens = 0;
  for (const auto& [label, c] : nb.classes)
    for (const auto& [t, n] : c.terms)
      tokens += n;
  BOOST_TEST(tokens == nb.classes.at("ok").tokens + nb.classes.at("spam").tokens);
}

BOOST_AUTO_TEST_SUITE_END()
