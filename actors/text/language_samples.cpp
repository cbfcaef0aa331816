#include "actors/text/language_samples.hpp"

namespace aetherial::actors::text {

// Each sample is the same three short paragraphs written in each language (everyday prose,
// the vocabulary of an online learning platform, then of payments), so no profile is favoured by
// length or topic. The texts were written for this library and are in the public domain.

namespace {

constexpr std::string_view english =
    "The weather was cold this morning, so we stayed inside and read books by the window. My "
    "brother wants to learn how to cook, and he asked our grandmother for her old recipes. She "
    "told him that good food needs time, patience and fresh ingredients from the market. In the "
    "afternoon the children played in the garden while their parents talked about work, money "
    "and the news of the week. Every evening the town becomes quiet, and the lights of the "
    "houses shine through the trees. People say that the river was much wider a hundred years "
    "ago, when boats carried wheat and wood to the city. Which of these stories is true? Nobody "
    "really knows, but everyone has an opinion. We should write down what we remember before it "
    "is forgotten. Learning a new language is not easy, yet it opens the door to other cultures "
    "and friendships. This is why schools teach history, science and the art of thinking "
    "clearly. "
    "Our online platform helps students find courses, ask questions and share their work with "
    "teachers. If you have a problem with your account, please contact the support team, and we "
    "will answer as soon as possible. New lessons are published every week, and each course ends "
    "with a short quiz. Where can I see my results? You can change your settings at any time. "
    "Tomorrow I will send you the receipt for the last payment. The document shows the amount, "
    "the date and the name of the course. If there is a mistake, we will correct it and give you "
    "back the difference.";

constexpr std::string_view spanish =
    "El tiempo estaba frío esta mañana, así que nos quedamos en casa y leímos libros junto a la "
    "ventana. Mi hermano quiere aprender a cocinar y le pidió a nuestra abuela sus viejas "
    "recetas. Ella le dijo que la buena comida necesita tiempo, paciencia e ingredientes frescos "
    "del mercado. Por la tarde los niños jugaron en el jardín mientras sus padres hablaban del "
    "trabajo, del dinero y de las noticias de la semana. Cada noche el pueblo se vuelve "
    "tranquilo y las luces de las casas brillan entre los árboles. La gente dice que el río era "
    "mucho más ancho hace cien años, cuando los barcos llevaban trigo y madera a la ciudad. "
    "¿Cuál de estas historias es verdad? Nadie lo sabe realmente, pero cada uno tiene su opinión. "
    "Deberíamos escribir lo que recordamos antes de que se olvide. Aprender un idioma nuevo no "
    "es fácil, pero abre la puerta a otras culturas y amistades. Por eso las escuelas enseñan "
    "historia, ciencia y el arte de pensar con claridad. "
    "Nuestra plataforma en línea ayuda a los estudiantes a encontrar cursos, hacer preguntas y "
    "compartir su trabajo con los profesores. Si tienes un problema con tu cuenta, por favor "
    "contacta con el equipo de soporte y te responderemos lo antes posible. Cada semana se "
    "publican nuevas lecciones y cada curso termina con un pequeño examen. ¿Dónde puedo ver mis "
    "resultados? Puedes cambiar tu configuración en cualquier momento. "
    "Mañana te mandaré el recibo del último pago. En el documento aparecen el importe, la fecha y "
    "el nombre del curso. Si hay algún error, lo arreglaremos y te devolveremos la diferencia.";

constexpr std::string_view french =
    "Il faisait froid ce matin, alors nous sommes restés à la maison et nous avons lu des livres "
    "près de la fenêtre. Mon frère veut apprendre à cuisiner et il a demandé à notre grand-mère "
    "ses vieilles recettes. Elle lui a dit qu'un bon repas demande du temps, de la patience et "
    "des produits frais du marché. L'après-midi, les enfants ont joué dans le jardin pendant que "
    "leurs parents parlaient du travail, de l'argent et des nouvelles de la semaine. Chaque soir, "
    "le village devient calme et les lumières des maisons brillent à travers les arbres. Les gens "
    "disent que la rivière était beaucoup plus large il y a cent ans, quand les bateaux "
    "transportaient du blé et du bois vers la ville. Laquelle de ces histoires est vraie ? "
    "Personne ne le sait vraiment, mais chacun a son avis. Nous devrions écrire ce dont nous nous "
    "souvenons avant que ce ne soit oublié. Apprendre une nouvelle langue n'est pas facile, mais "
    "cela ouvre la porte à d'autres cultures et à de nouvelles amitiés. C'est pourquoi les écoles "
    "enseignent l'histoire, les sciences et l'art de penser clairement. "
    "Notre plateforme en ligne aide les étudiants à trouver des cours, à poser des questions et à "
    "partager leur travail avec les professeurs. Si vous avez un problème avec votre compte, "
    "veuillez contacter l'équipe d'assistance, et nous vous répondrons dès que possible. De "
    "nouvelles leçons sont publiées chaque semaine, et chaque cours se termine par un petit "
    "questionnaire. Où puis-je voir mes résultats ? Vous pouvez modifier vos paramètres à tout "
    "moment. "
    "Demain, je t'enverrai le reçu du dernier paiement. Le document indique le montant, la date "
    "et le nom du cours. S'il y a une erreur, nous la corrigerons et nous te rembourserons la "
    "différence.";

constexpr std::string_view german =
    "Heute Morgen war es kalt, deshalb sind wir zu Hause geblieben und haben am Fenster Bücher "
    "gelesen. Mein Bruder möchte kochen lernen und hat unsere Großmutter nach ihren alten "
    "Rezepten gefragt. Sie sagte ihm, dass gutes Essen Zeit, Geduld und frische Zutaten vom "
    "Markt braucht. Am Nachmittag spielten die Kinder im Garten, während ihre Eltern über die "
    "Arbeit, das Geld und die Nachrichten der Woche sprachen. Jeden Abend wird das Dorf ruhig, "
    "und die Lichter der Häuser leuchten durch die Bäume. Die Leute sagen, dass der Fluss vor "
    "hundert Jahren viel breiter war, als Schiffe Weizen und Holz in die Stadt brachten. Welche "
    "dieser Geschichten ist wahr? Niemand weiß es wirklich, aber jeder hat eine Meinung. Wir "
    "sollten aufschreiben, woran wir uns erinnern, bevor es vergessen wird. Eine neue Sprache zu "
    "lernen ist nicht einfach, aber sie öffnet die Tür zu anderen Kulturen und Freundschaften. "
    "Deshalb unterrichten die Schulen Geschichte, Naturwissenschaften und die Kunst, klar zu "
    "denken. "
    "Unsere Online-Plattform hilft Studenten, Kurse zu finden, Fragen zu stellen und ihre Arbeit "
    "mit den Lehrern zu teilen. Wenn Sie ein Problem mit Ihrem Konto haben, wenden Sie sich bitte "
    "an das Support-Team, und wir antworten so schnell wie möglich. Jede Woche werden neue "
    "Lektionen veröffentlicht, und jeder Kurs endet mit einem kurzen Test. Wo kann ich meine "
    "Ergebnisse sehen? Sie können Ihre Einstellungen jederzeit ändern. "
    "Morgen schicke ich dir die Quittung der letzten Zahlung. Im Dokument stehen der Betrag, das "
    "Datum und der Name des Kurses. Wenn es einen Fehler gibt, korrigieren wir ihn und erstatten "
    "dir die Differenz.";

constexpr std::string_view portuguese =
    "O tempo estava frio esta manhã, então ficamos em casa e lemos livros perto da janela. O meu "
    "irmão quer aprender a cozinhar e pediu à nossa avó as suas receitas antigas. Ela disse-lhe "
    "que a boa comida precisa de tempo, paciência e ingredientes frescos do mercado. À tarde as "
    "crianças brincaram no jardim enquanto os pais falavam do trabalho, do dinheiro e das "
    "notícias da semana. Todas as noites a aldeia fica tranquila e as luzes das casas brilham "
    "entre as árvores. As pessoas dizem que o rio era muito mais largo há cem anos, quando os "
    "barcos levavam trigo e madeira para a cidade. Qual destas histórias é verdadeira? Ninguém "
    "sabe ao certo, mas cada um tem a sua opinião. Devíamos escrever aquilo de que nos lembramos "
    "antes que seja esquecido. Aprender uma língua nova não é fácil, mas abre a porta a outras "
    "culturas e amizades. É por isso que as escolas ensinam história, ciência e a arte de pensar "
    "com clareza. "
    "A nossa plataforma online ajuda os estudantes a encontrar cursos, fazer perguntas e "
    "partilhar o seu trabalho com os professores. Se você tiver um problema com a sua conta, por "
    "favor contacte a equipa de suporte e responderemos o mais depressa possível. Novas lições "
    "são publicadas todas as semanas, e cada curso termina com um pequeno questionário. Onde "
    "posso ver os meus resultados? Você pode mudar as suas configurações a qualquer momento. "
    "Amanhã vou mandar-te o recibo do último pagamento. No documento aparecem o valor, a data e "
    "o nome do curso. Se houver algum erro, vamos corrigi-lo e devolver-te a diferença.";

constexpr std::string_view italian =
    "Stamattina faceva freddo, così siamo rimasti in casa e abbiamo letto dei libri vicino alla "
    "finestra. Mio fratello vuole imparare a cucinare e ha chiesto alla nonna le sue vecchie "
    "ricette. Lei gli ha detto che il buon cibo ha bisogno di tempo, di pazienza e di ingredienti "
    "freschi del mercato. Nel pomeriggio i bambini hanno giocato in giardino mentre i genitori "
    "parlavano del lavoro, dei soldi e delle notizie della settimana. Ogni sera il paese diventa "
    "tranquillo e le luci delle case brillano tra gli alberi. La gente dice che il fiume era "
    "molto più largo cento anni fa, quando le barche portavano grano e legno in città. Quale di "
    "queste storie è vera? Nessuno lo sa davvero, ma tutti hanno un'opinione. Dovremmo scrivere "
    "quello che ricordiamo prima che venga dimenticato. Imparare una nuova lingua non è facile, "
    "ma apre la porta ad altre culture e amicizie. Per questo le scuole insegnano la storia, le "
    "scienze e l'arte di pensare con chiarezza. "
    "La nostra piattaforma online aiuta gli studenti a trovare corsi, fare domande e condividere "
    "il proprio lavoro con gli insegnanti. Se hai un problema con il tuo account, contatta il "
    "team di assistenza e ti risponderemo il prima possibile. Ogni settimana vengono pubblicate "
    "nuove lezioni e ogni corso termina con un breve quiz. Dove posso vedere i miei risultati? "
    "Puoi cambiare le tue impostazioni in qualsiasi momento. "
    "Domani ti manderò la ricevuta dell'ultimo pagamento. Nel documento compaiono l'importo, la "
    "data e il nome del corso. Se c'è un errore, lo correggeremo e ti rimborseremo la "
    "differenza.";

} // namespace

const std::vector<language_sample>& language_samples() {
  static const std::vector<language_sample> samples = {
      {"en", "English", english}, {"es", "Spanish", spanish},       {"fr", "French", french},
      {"de", "German", german},   {"pt", "Portuguese", portuguese}, {"it", "Italian", italian},
  };
  return samples;
}

} // namespace aetherial::actors::text
