#pragma once
// SQL injection and XSS signatures in request parameters.
//
// A parameter is decoded as a server would see it (URL-decoding twice for double encoding,
// '+' as space, HTML character references), then folded: ASCII lower case, SQL block
// comments and control characters to spaces, whitespace runs to one space. Signatures match
// the folded text on word boundaries, so encoding and case tricks do not hide them and
// ordinary text that merely contains a keyword does not trip them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace aetherial::actors::security {

/// A signature a parameter matched.
struct signature_match {
  std::string_view kind;      ///< "sql_injection" or "xss"
  std::string_view signature; ///< the signature's name ("union select", "<script")
};

/// The decoded and folded form of a raw parameter value, inspected up to `max_bytes`.
[[nodiscard]] std::string fold_param(std::string_view raw, std::size_t max_bytes);

/// The first signature the folded text matches (SQL injection before XSS), or nullopt.
[[nodiscard]] std::optional<signature_match> match_signature(std::string_view folded);

} // namespace aetherial::actors::security
