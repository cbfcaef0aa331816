// Character n-gram language detection on sentences that are not in the built-in samples.
#include <boost/test/unit_test.hpp>

#include "actors/text/language.hpp"

using namespace aetherial::actors::text;

namespace {

struct labelled {
  const char* code;
  const char* text;
};

const labelled sentences[] = {
    {"en", "I cannot find the button to upload my homework."},
    {"en", "The teacher explained the lesson very clearly yesterday."},
    {"en", "Where can I change the password of my account?"},
    {"en", "This video about machine learning is really interesting."},
    {"en", "Please send me the invoice for last month."},
    {"es", "No puedo encontrar el botón para subir mi tarea."},
    {"es", "El profesor explicó la lección muy bien ayer."},
    {"es", "¿Dónde puedo cambiar la contraseña de mi cuenta?"},
    {"es", "Este vídeo sobre aprendizaje automático es muy interesante."},
    {"es", "Por favor, envíame la factura del mes pasado."},
    {"fr", "Je ne trouve pas le bouton pour envoyer mes devoirs."},
    {"fr", "Le professeur a très bien expliqué la leçon hier."},
    {"fr", "Où puis-je changer le mot de passe de mon compte ?"},
    {"fr", "Cette vidéo sur l'apprentissage automatique est vraiment intéressante."},
    {"fr", "Envoyez-moi la facture du mois dernier, s'il vous plaît."},
    {"de", "Ich kann den Knopf zum Hochladen meiner Hausaufgaben nicht finden."},
    {"de", "Der Lehrer hat die Lektion gestern sehr gut erklärt."},
    {"de", "Wo kann ich das Passwort meines Kontos ändern?"},
    {"de", "Dieses Video über maschinelles Lernen ist wirklich interessant."},
    {"de", "Bitte schicken Sie mir die Rechnung für den letzten Monat."},
    {"pt", "Não consigo encontrar o botão para enviar o meu trabalho de casa."},
    {"pt", "O professor explicou muito bem a lição ontem."},
    {"pt", "Onde posso mudar a palavra-passe da minha conta?"},
    {"pt", "Este vídeo sobre aprendizagem automática é muito interessante."},
    {"pt", "Por favor, envie-me a fatura do mês passado."},
    {"it", "Non riesco a trovare il pulsante per caricare i miei compiti."},
    {"it", "L'insegnante ha spiegato molto bene la lezione ieri."},
    {"it", "Dove posso cambiare la password del mio account?"},
    {"it", "Questo video sull'apprendimento automatico è davvero interessante."},
    {"it", "Per favore, mandami la fattura del mese scorso."},
};

} // namespace

BOOST_AUTO_TEST_SUITE(language_detection)

BOOST_AUTO_TEST_CASE(detects_each_language_on_unseen_sentences) {
  for (const auto& s : sentences) {
    const auto g = detect_language(s.text);
    BOOST_TEST(g.code == s.code, s.text << " -> " << g.code << " " << g.confidence);
    BOOST_TEST(g.confidence > 0.0);
    BOOST_TEST(g.confidence <= 1.0);
  }
}

BOOST_AUTO_TEST_CASE(confidence_is_a_posterior_over_known_languages) {
  const auto g = detect_language("The quick brown fox jumps over the lazy dog near the river.");
  BOOST_TEST(g.code == "en");
  BOOST_TEST(g.confidence > 0.8);
  BOOST_TEST(g.posteriors.size() == known_languages().size());
  double sum = 0.0;
  for (const auto& [code, p] : g.posteriors)
    sum += p;
  BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(too_little_text_is_undetermined) {
  BOOST_TEST(detect_language("ok").code == "und");
  BOOST_TEST(detect_language("12345 67890 !!!").code == "und");
  BOOST_TEST(detect_language("").confidence == 0.0);
  BOOST_TEST(language_name("de") == "German");
  BOOST_TEST(language_name("xx") == "xx");
}

BOOST_AUTO_TEST_SUITE_END()
