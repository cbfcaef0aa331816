#include "actors/text/language.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>

#include "actors/text/language_samples.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::text {

namespace {

constexpr double smoothing = 1.0; // additive smoothing of n-gram counts
constexpr double sharpness = 8.0; // scales mean log-likelihoods before the softmax
constexpr std::size_t max_grams = 4096;

/// Splits a UTF-8 word into its characters.
std::vector<std::string_view> characters(std::string_view w) {
  std::vector<std::string_view> cs;
  for (std::size_t i = 0; i < w.size();) {
    const auto b = static_cast<unsigned char>(w[i]);
    std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
    len = std::min(len, w.size() - i);
    cs.push_back(w.substr(i, len));
    i += len;
  }
  return cs;
}

bool has_digit(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The character 1-, 2- and 3-grams of a text's words, each word padded with '_'.
std::vector<std::string> grams(std::string_view text, std::size_t* letters) {
  std::vector<std::string> out;
  std::size_t n_letters = 0;
  for (const auto& w : words(text)) {
    if (has_digit(w)) continue;
    std::vector<std::string_view> cs = characters(w);
    n_letters += cs.size();
    cs.insert(cs.begin(), "_");
    cs.push_back("_");
    for (std::size_t n = 1; n <= 3; ++n)
      for (std::size_t i = 0; i + n <= cs.size(); ++i) {
        if (n == 1 && (i == 0 || i + 1 == cs.size())) continue; // a lone boundary mark
        std::string g;
        for (std::size_t k = 0; k < n; ++k)
          g += cs[i + k];
        out.push_back(std::move(g));
      }
    if (out.size() >= max_grams) break;
  }
  if (letters) *letters = n_letters;
  return out;
}

struct profile {
  std::string code;
  std::map<std::string, std::uint32_t> counts;
  double total = 0.0;
};

struct model {
  std::vector<profile> profiles;
  double vocabulary = 1.0;
};

const model& built_in_model() {
  static const model m = [] {
    model built;
    std::map<std::string, bool> vocabulary;
    for (const auto& s : language_samples()) {
      profile p;
      p.code = std::string(s.code);
      for (auto& g : grams(s.text, nullptr)) {
        ++p.counts[g];
        p.total += 1.0;
        vocabulary[g] = true;
      }
      built.profiles.push_back(std::move(p));
    }
    built.vocabulary = static_cast<double>(vocabulary.size());
    return built;
  }();
  return m;
}

} // namespace

language_guess detect_language(std::string_view text) {
  language_guess guess;
  std::size_t letters = 0;
  const auto gs = grams(text, &letters);
  const model& m = built_in_model();
  if (letters < min_language_letters || gs.empty()) {
    for (const auto& p : m.profiles)
      guess.posteriors.emplace_back(p.code, 0.0);
    return guess;
  }
  std::vector<double> mean;
  for (const auto& p : m.profiles) {
    const double denominator = std::log(p.total + smoothing * m.vocabulary);
    double sum = 0.0;
    for (const auto& g : gs) {
      const auto it = p.counts.find(g);
      const double c = it == p.counts.end() ? 0.0 : static_cast<double>(it->second);
      sum += std::log(c + smoothing) - denominator;
    }
    mean.push_back(sharpness * sum / static_cast<double>(gs.size()));
  }
  const double top = *std::max_element(mean.begin(), mean.end());
  double z = 0.0;
  for (double v : mean)
    z += std::exp(v - top);
  std::size_t best = 0;
  for (std::size_t i = 0; i < mean.size(); ++i) {
    const double posterior = std::exp(mean[i] - top) / z;
    guess.posteriors.emplace_back(m.profiles[i].code, posterior);
    if (mean[i] > mean[best]) best = i;
  }
  guess.code = m.profiles[best].code;
  guess.confidence = guess.posteriors[best].second;
  return guess;
}

std::vector<std::string> known_languages() {
  std::vector<std::string> codes;
  for (const auto& s : language_samples())
    codes.emplace_back(s.code);
  return codes;
}

std::string_view language_name(std::string_view code) {
  for (const auto& s : language_samples())
    if (s.code == code) return s.name;
  return code;
}

} // namespace aetherial::actors::text
