// kit::redact: each class of personal data is masked, the near misses are not, and hostile
// inputs are masked in linear time.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "actors/kit/redact.hpp"

namespace kit = aetherial::actors::kit;

namespace {

/// Checks that `text` redacts to `expected`, and that the result redacts to itself.
void masks(const std::string& text, const std::string& expected) {
  const std::string got = kit::redact(text);
  BOOST_TEST(got == expected, "redact(\"" << text << "\")");
  BOOST_TEST(kit::redact(got) == got, "idempotent on \"" << got << "\"");
  BOOST_TEST(kit::has_personal_data(text) == (got != text), text);
}

/// Checks that `text` is left as it is.
void keeps(const std::string& text) {
  masks(text, text);
}

/// `unit` repeated up to `bytes` bytes.
std::string repeated(const std::string& unit, std::size_t bytes) {
  std::string s;
  s.reserve(bytes + unit.size());
  while (s.size() < bytes)
    s += unit;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(redact)

BOOST_AUTO_TEST_CASE(email_addresses) {
  masks("write to jane.doe@example.com", "write to [email]");
  masks("jane.doe+support@mail.example.co.uk.", "[email].");
  masks("<o'brien_1@sub-domain.example.org>", "<[email]>");
  masks("a@b.io, c.d@e.fr", "[email], [email]");
  masks("Mail: USER@EXAMPLE.COM!", "Mail: [email]!");
  // Near misses: no top-level domain of letters, no local part, a handle, an @ alone.
  keeps("user@localhost");
  keeps("user@host.c0m");
  keeps("@example.com");
  keeps("ping @jane on chat");
  keeps("2 @ 3 dollars");
  keeps("name.@example.com");
}

BOOST_AUTO_TEST_CASE(payment_cards) {
  masks("card 4111 1111 1111 1111 declined", "card [card] declined");
  masks("card 4111-1111-1111-1111", "card [card]");
  masks("4111111111111111", "[card]");
  masks("amex 3782 822463 10005 ok", "amex [card] ok");
  masks("13 digits 4222222222222.", "13 digits [card].");
  masks("19 digits 6011 0000 0000 0000 001", "19 digits [card]");
  masks("(5555555555554444)", "([card])");
  // Order ids that fail the Luhn check, too short or too long, inside words or decimals.
  keeps("order 4111111111111112");
  keeps("order 12345678901234");
  keeps("order ORD-123456789012345678");
  keeps("id 41111111111111111111111");
  keeps("ref ORD4111111111111111");
  keeps("total 4111111111111111.50");
  keeps("1,234,567,890,123,456");
  keeps("0000 0000 0000 0000");
}

BOOST_AUTO_TEST_CASE(phone_numbers) {
  masks("call +1 (415) 555-2671 now", "call [phone] now");
  masks("+44 20 7946 0958.", "[phone].");
  masks("+33 6 12 34 56 78", "[phone]");
  masks("+49-171-1234567", "[phone]");
  masks("+14155552671", "[phone]");
  masks("(555) 123-4567", "[phone]");
  masks("555-123-4567 or 555.987.6543", "[phone] or [phone]");
  masks("1-800-555-1234", "[phone]");
  masks("555 123 4567 555 987 6543", "[phone] [phone]");
  masks("UK 020 7946 0958, FR 06 12 34 56 78", "UK [phone], FR [phone]");
  masks("DE 0171 1234567 or (030) 12345678", "DE [phone] or [phone]");
  masks("mobile 07911123456", "mobile [phone]");
  masks("call 555-123-4567 4111 1111 1111 1111", "call [phone] [card]");
  // Dates, times, versions, prices, quantities and ids.
  keeps("on 2024-01-15 at 10:30");
  keeps("on 01.02.2024 or 15/01/2024 or 01-02-2024 10");
  keeps("version 1.2.3, build 2.10.1");
  keeps("price $1,299.99, +12.5%");
  keeps("+1234567 points");
  keeps("order 12345678");
  keeps("zero-padded 0000012345");
  keeps("555-123-4567-89");
  keeps("ext 12-555-123-4567");
  keeps("between 100-200 users");
}

BOOST_AUTO_TEST_CASE(ip_addresses) {
  masks("from 203.0.113.9 and 10.0.0.255:8080", "from [ip] and [ip]:8080");
  masks("blocked 192.168.0.1.", "blocked [ip].");
  masks("v6 2001:db8::1 and fe80::1%eth0", "v6 [ip] and [ip]%eth0");
  masks("loopback ::1", "loopback [ip]");
  masks("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "[ip]");
  masks("[2001:db8::ff00:42:8329]:443", "[[ip]]:443");
  masks("::ffff:192.0.2.1 mapped", "[ip] mapped");
  masks("addr 2001:db8::1: blocked", "addr [ip]: blocked");
  // Versions, octets out of range or zero-padded, times, MAC addresses, code.
  keeps("version 1.2.3.4.5 and v1.2.3.4");
  keeps("256.1.1.1 and 01.2.3.4 and 1.2.3");
  keeps("at 10:30:00 and 12:30");
  keeps("mac 00:1a:2b:3c:4d:5e");
  keeps("std::vector and a::b and dead::beef");
  keeps("effect llm-000000000000c8050000000000000002");
}

BOOST_AUTO_TEST_CASE(ips_can_be_kept) {
  kit::redact_options keep_ips;
  keep_ips.ips = false;
  BOOST_TEST(kit::redact("blocked 203.0.113.9, call 020 7946 0958", keep_ips) ==
             "blocked 203.0.113.9, call [phone]");
  // An address kept whole is not read as anything else either.
  BOOST_TEST(kit::redact("10.123.45.67", keep_ips) == "10.123.45.67");
  BOOST_TEST(!kit::has_personal_data("2001:db8::1", keep_ips));
  // What people are told: every agent masks addresses, except Security, whose replies are
  // about the address it blocked.
  BOOST_TEST(kit::reply_redaction("support").ips);
  BOOST_TEST(kit::reply_redaction("orchestrator").ips);
  BOOST_TEST(!kit::reply_redaction("security").ips);
  BOOST_TEST(kit::reply_redaction("security").emails);
}

BOOST_AUTO_TEST_CASE(each_class_can_be_left_out) {
  const std::string text = "a@b.io 4111 1111 1111 1111 +44 20 7946 0958 203.0.113.9";
  kit::redact_options o;
  BOOST_TEST(kit::redact(text, o) == "[email] [card] [phone] [ip]");
  o.emails = false;
  BOOST_TEST(kit::redact(text, o) == "a@b.io [card] [phone] [ip]");
  o.cards = false;
  BOOST_TEST(kit::redact(text, o) == "a@b.io 4111 1111 1111 1111 [phone] [ip]");
  o.phones = false;
  BOOST_TEST(kit::redact(text, o) == "a@b.io 4111 1111 1111 1111 +44 20 7946 0958 [ip]");
  o.ips = false;
  BOOST_TEST(kit::redact(text, o) == text);
}

BOOST_AUTO_TEST_CASE(text_around_is_kept_byte_for_byte) {
  keeps("");
  keeps("plain words, no numbers");
  keeps("UTF-8: café 日本語 — ok");
  masks("café jane@example.com 日本", "café [email] 日本");
  masks(std::string("nul\0byte a@b.io", 15), std::string("nul\0byte [email]", 16));
}

BOOST_AUTO_TEST_CASE(hostile_inputs_are_masked_in_linear_time) {
  constexpr std::size_t size = 1 << 20;
  const std::vector<std::string> units = {"@",
                                          "a@",
                                          "a.",
                                          "x@a.",
                                          "1",
                                          "1 ",
                                          "1-",
                                          "1.",
                                          "0 ",
                                          "+1 ",
                                          "1:",
                                          ":",
                                          "::",
                                          "(1) ",
                                          "a.b@c.d",
                                          "1.1.1.1.",
                                          "9 (",
                                          "0-0.",
                                          "fe:",
                                          "+(1) ",
                                          "4111 1111 1111 1111 ",
                                          "555-123-4567 ",
                                          "a@b.io "};
  for (const auto& unit : units) {
    const std::string text = unit == "x@a." ? "x@" + repeated("a.", size) : repeated(unit, size);
    const auto start = std::chrono::steady_clock::now();
    const std::string out = kit::redact(text);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(seconds < 5.0, "\"" << unit << "\" x " << size << " took " << seconds << " s");
    BOOST_TEST(out.size() <= text.size() + text.size() / 2);
  }
}

BOOST_AUTO_TEST_SUITE_END()
