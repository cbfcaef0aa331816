#pragma once
// Masking of personal data in free text: e-mail addresses, phone numbers, payment card
// numbers and IP addresses are replaced by typed markers ("[email]", "[phone]", "[card]",
// "[ip]").
//
// Hand-written scanners, no regular expressions: every byte is looked at a bounded number of
// times, so any input, however hostile, is masked in linear time. Deterministic: the same
// text, the same result. ASCII rules; other bytes (UTF-8) count as neither letters nor digits.
//
// What counts (near misses stay as they are):
// - e-mail: local@domain.tld, the top-level domain at least two letters;
// - card: 13 to 19 digits, contiguous or in groups split by single spaces or dashes, whose
//   Luhn checksum holds (so an order id of as many digits almost always survives);
// - phone: "+" and 8 to 15 digits in groups (spaces, dashes, dots, parentheses); the North
//   American 3-3-4 shape with separators ("(555) 123-4567", "1-800-555-1234"); a national
//   number with a trunk 0 of 9 to 12 digits ("020 7946 0958", "06 12 34 56 78",
//   "0171 1234567"), a dd.mm.yyyy date excepted;
// - IP: dotted IPv4 (four octets 0-255, no leading zeros, not part of a longer dotted
//   number such as a version 1.2.3.4.5) and IPv6 (eight groups, or "::" with fewer, and at
//   least one decimal digit, so "a::b" in code is not one).
// Numbers that are part of a word ("ORD4111111111111111") or of a decimal ("1234.56") are
// not masked.

#include <string>
#include <string_view>

namespace aetherial::actors::kit {

/// Which classes of personal data `redact` masks. A class left out is still recognized, so
/// that its text is not taken for another class (an IP kept whole is not read as a phone).
struct redact_options {
  bool emails = true;
  bool phones = true;
  bool cards = true;
  bool ips = true;
};

/// `text` with every e-mail address, phone number, payment card number and IP address that
/// `options` selects replaced by its marker. Idempotent: a redacted text redacts to itself.
[[nodiscard]] std::string redact(std::string_view text, const redact_options& options = {});

/// Whether `redact(text, options)` would change anything.
[[nodiscard]] bool has_personal_data(std::string_view text, const redact_options& options = {});

/// The masking of what an agent of kind `agent` says to people (reply texts and details):
/// everything, except that the Security agent may name an IP address (the address it
/// blocked, the subject of its decisions).
[[nodiscard]] redact_options reply_redaction(std::string_view agent) noexcept;

} // namespace aetherial::actors::kit
