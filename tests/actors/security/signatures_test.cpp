// SQL injection and XSS signatures: decoding, folding, attacks found, ordinary text left alone.
#include <boost/test/unit_test.hpp>

#include "actors/security/signatures.hpp"
#include "tests/actors/security/security_fixture.hpp"

using namespace aetherial::actors::security::test;

namespace {

std::string kind_of(const std::string& raw) {
  const auto m = match_signature(fold_param(raw, 4096));
  return m ? std::string(m->kind) : std::string("none");
}

} // namespace

BOOST_AUTO_TEST_SUITE(signatures)

BOOST_AUTO_TEST_CASE(folding_decodes_and_normalizes) {
  BOOST_TEST(fold_param("%27%20OR%201%3D1", 100) == "' or 1=1");
  BOOST_TEST(fold_param("UNION/**/SELECT", 100) == "union select");
  BOOST_TEST(fold_param("a+b%2527", 100) == "a b'");           // double encoding
  BOOST_TEST(fold_param("&lt;ScRiPt&gt;", 100) == "<script>"); // HTML references, case
  BOOST_TEST(fold_param("&#60;img&#x3E;", 100) == "<img>");
  BOOST_TEST(fold_param("a\t\n  b", 100) == "a b");
  BOOST_TEST(fold_param("abcdef", 3) == "abc");
}

BOOST_AUTO_TEST_CASE(sql_injection_is_found) {
  for (const std::string attack :
       {"' OR 1=1", "admin' or '1'='1", "1 OR 1=1", "x' OR 'a' = 'a' --", "' or true--",
        "1 UNION SELECT password FROM users", "1%20UNION%20ALL%20SELECT%20null", "1;--", "admin'--",
        "admin' -- ", "'; DROP TABLE users", "1; delete from orders", "1' AND SLEEP(5)",
        "1 waitfor delay '0:0:5'", "x' union/**/select 1", "%2527%2520OR%25201%253D1",
        "select * from information_schema.tables"})
    BOOST_TEST(kind_of(attack) == "sql_injection", attack);
}

BOOST_AUTO_TEST_CASE(xss_is_found) {
  for (const std::string attack :
       {"<script>alert(1)</script>", "<ScRiPt src=//evil>", "%3Cscript%3Ealert(1)%3C/script%3E",
        "&lt;script&gt;alert(1)", "<img src=x onerror=alert(1)>", "<body onload = go()>",
        "\" onmouseover=\"alert(1)", "javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)",
        "<iframe src=//evil>", "<svg/onload=alert(1)>", "&#60;script&#62;"})
    BOOST_TEST(kind_of(attack) == "xss", attack);
}

BOOST_AUTO_TEST_CASE(benign_parameters_do_not_match) {
  for (const std::string benign : {"O'Brien",
                                   "Tom's or Jerry's",
                                   "rock & roll",
                                   "select a union representative",
                                   "the labor union selected a chair",
                                   "1=1 is true",
                                   "drop table tennis",
                                   "JavaScript: The Good Parts",
                                   "onerror handling in C++",
                                   "online=yes",
                                   "Say 'hello' -- a greeting",
                                   "price>=10&sort=desc",
                                   "a <b>bold</b> move",
                                   "how much sleep do I need",
                                   "semicolons; dashes - and more",
                                   "email@example.com",
                                   "50% off",
                                   "C:\\Program Files",
                                   "x = 'a'; y = 'b'",
                                   "or else = or else?",
                                   "SELECT your plan",
                                   "1 or 2 = 3",
                                   "sleepy(cat)",
                                   "<3 this product",
                                   "d'Artagnan",
                                   "café über naïve"})
    BOOST_TEST(kind_of(benign) == "none", benign);
}

BOOST_AUTO_TEST_SUITE_END()
