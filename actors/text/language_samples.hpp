#pragma once
// Sample texts from which the built-in language profiles are made.

#include <string_view>
#include <vector>

namespace aetherial::actors::text {

/// One language's sample text.
struct language_sample {
  std::string_view code; ///< ISO 639-1
  std::string_view name;
  std::string_view text;
};

/// The samples, in a fixed order; static data, alive for the whole process.
[[nodiscard]] const std::vector<language_sample>& language_samples();

} // namespace aetherial::actors::text
