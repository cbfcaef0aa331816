#include "actors/content/config.hpp"

#include "actors/kit/settings.hpp"

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

namespace {

content_config read_config(kit::settings_reader& r) {
  content_config cfg;
  cfg.remove_score = r.get_double("remove_score", cfg.remove_score);
  cfg.flag_score = r.get_double("flag_score", cfg.flag_score);
  cfg.min_training = r.get_integer<std::uint64_t>("min_training", cfg.min_training);
  cfg.translate_to = r.get_string("translate_to", cfg.translate_to);
  // Added to the defaults; each phrase keeps what follows its first word as written.
  std::string phrase;
  for (char c : r.get_string("blocklist", "") + ",") {
    if (c == ',') {
      const auto b = phrase.find_first_not_of(' ');
      if (b != std::string::npos) cfg.blocklist.push_back(phrase.substr(b));
      phrase.clear();
    } else {
      phrase += c;
    }
  }
  return cfg;
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(content_config, config_from, read_config)

} // namespace aetherial::actors::content
