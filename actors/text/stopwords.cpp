#include "actors/text/stopwords.hpp"

#include <algorithm>
#include <array>

namespace aetherial::actors::text {

namespace {

// Function words of English, plus the commonest of Spanish, French, German, Portuguese and
// Italian (lowercase, apostrophes removed as the tokenizer removes them; words that mean
// something else in English, such as "die" or "son", are left out). Sorted for binary search.
constexpr std::array<std::string_view, 320> function_words = {
    "a",       "aber",    "about",   "above",      "after",    "again",     "against",    "aint",
    "all",     "also",    "am",      "an",         "anche",    "and",       "any",        "are",
    "as",      "at",      "au",      "auch",       "auf",      "aus",       "aux",        "avec",
    "be",      "because", "been",    "before",     "bei",      "being",     "below",      "between",
    "both",    "but",     "by",      "can",        "cannot",   "cant",      "ces",        "cette",
    "che",     "com",     "como",    "could",      "couldnt",  "da",        "dans",       "das",
    "dass",    "de",      "dei",     "del",        "della",    "delle",     "dem",        "den",
    "der",     "des",     "di",      "did",        "didnt",    "do",        "does",       "doesnt",
    "doing",   "dont",    "dos",     "down",       "du",       "during",    "e",          "each",
    "ein",     "eine",    "einem",   "einen",      "einer",    "el",        "ela",        "ele",
    "elle",    "elles",   "em",      "en",         "er",       "es",        "esa",        "ese",
    "eso",     "est",     "esta",    "estas",      "este",     "estos",     "et",         "etc",
    "eu",      "few",     "for",     "from",       "fue",      "further",   "get",        "gets",
    "getting", "gli",     "got",     "had",        "hadnt",    "has",       "hasnt",      "have",
    "havent",  "having",  "hay",     "he",         "hello",    "her",       "here",       "hers",
    "herself", "hey",     "hi",      "him",        "himself",  "his",       "how",        "i",
    "ich",     "if",      "ihr",     "il",         "ils",      "im",        "in",         "into",
    "is",      "isnt",    "ist",     "isto",       "it",       "its",       "itself",     "ive",
    "ja",      "je",      "just",    "la",         "las",      "les",       "let",        "lets",
    "leur",    "leurs",   "lo",      "los",        "ma",       "mais",      "mas",        "may",
    "me",      "might",   "mit",     "molto",      "mon",      "more",      "most",       "muito",
    "must",    "muy",     "my",      "myself",     "na",       "nas",       "nicht",      "no",
    "noch",    "non",     "nor",     "nos",        "not",      "nous",      "nur",        "o",
    "oder",    "of",      "off",     "ok",         "okay",     "on",        "once",       "only",
    "or",      "other",   "ou",      "our",        "ours",     "ourselves", "out",        "over",
    "own",     "par",     "para",    "pas",        "per",      "pero",      "piu",        "please",
    "plus",    "por",     "pour",    "que",        "questa",   "questo",    "qui",        "sa",
    "same",    "sans",    "se",      "sehr",       "sem",      "ser",       "ses",        "seu",
    "seus",    "shall",   "she",     "should",     "shouldnt", "si",        "sie",        "sind",
    "so",      "some",    "sono",    "sont",       "su",       "sua",       "suas",       "such",
    "sur",     "sus",     "than",    "thank",      "thanks",   "that",      "thats",      "the",
    "their",   "theirs",  "them",    "themselves", "then",     "there",     "these",      "they",
    "this",    "those",   "through", "ti",         "to",       "ton",       "too",        "tres",
    "tu",      "um",      "uma",     "umas",       "un",       "una",       "unas",       "und",
    "under",   "une",     "uno",     "unos",       "uns",      "until",     "up",         "very",
    "via",     "voce",    "von",     "vous",       "was",      "wasnt",     "we",         "wenn",
    "were",    "werent",  "what",    "whats",      "when",     "where",     "which",      "while",
    "who",     "whom",    "why",     "wie",        "will",     "wir",       "with",       "wont",
    "would",   "wouldnt", "y",       "ya",         "yes",      "yet",       "yo",         "you",
    "youd",    "youll",   "your",    "youre",      "yours",    "yourself",  "yourselves", "zu"};

} // namespace

bool is_stopword(std::string_view word) noexcept {
  return std::binary_search(function_words.begin(), function_words.end(), word);
}

} // namespace aetherial::actors::text
