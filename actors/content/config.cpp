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

void read_config(kit::settings_reader& r, content_config& cfg) {
  r.read("remove_score", cfg.remove_score);
  r.read("flag_score", cfg.flag_score);
  r.read("min_training", cfg.min_training);
  r.read("translate_to", cfg.translate_to);
  // Added to the defaults; each phrase keeps what follows its first word as written.
  r.append_list("blocklist", cfg.blocklist, [](std::string_view phrase) {
    const auto b = phrase.find_first_not_of(' ');
    return b == std::string_view::npos ? std::string() : std::string(phrase.substr(b));
  });
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(content_config, config_from, read_config)

} // namespace aetherial::actors::content
