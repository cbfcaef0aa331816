#include "actors/content/config.hpp"

#include "actors/text/format.hpp"

namespace aetherial::actors::content {

std::vector<std::string> default_blocklist() {
  return {"kill yourself",
          "kys",
          "i will kill you",
          "i am going to kill you",
          "go die",
          "send me your password",
          "verify your password here",
          "wire the money",
          "buy followers",
          "free bitcoin",
          "crypto giveaway",
          "double your money"};
}

content_config config_from(const agent_settings& settings) {
  content_config cfg;
  auto get = [&](const char* key) -> const std::string* {
    const auto it = settings.find(std::string("content.") + key);
    return it == settings.end() ? nullptr : &it->second;
  };
  if (const auto* v = get("remove_score"))
    cfg.remove_score = text::parse_double(*v, cfg.remove_score);
  if (const auto* v = get("flag_score")) cfg.flag_score = text::parse_double(*v, cfg.flag_score);
  if (const auto* v = get("min_training"))
    cfg.min_training = text::parse_unsigned(*v, cfg.min_training);
  if (const auto* v = get("translate_to")) cfg.translate_to = *v;
  if (const auto* v = get("blocklist")) {
    std::string phrase;
    for (char c : *v + ",") {
      if (c == ',') {
        const auto b = phrase.find_first_not_of(' ');
        if (b != std::string::npos) cfg.blocklist.push_back(phrase.substr(b));
        phrase.clear();
      } else {
        phrase += c;
      }
    }
  }
  return cfg;
}

} // namespace aetherial::actors::content
