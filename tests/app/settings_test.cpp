// Agent settings from flags: key=value pairs, files, the salt from the environment.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "app/settings.hpp"

using namespace aetherial;

BOOST_AUTO_TEST_CASE(key_value_splits_at_the_first_equals) {
  std::string why;
  auto kv = app::parse_setting("operations.autoscaling.default_max_replicas=20", &why);
  BOOST_TEST_REQUIRE(kv.has_value());
  BOOST_TEST(kv->first == "operations.autoscaling.default_max_replicas");
  BOOST_TEST(kv->second == "20");
  kv = app::parse_setting("content.blocklist=a=b", &why);
  BOOST_TEST_REQUIRE(kv.has_value());
  BOOST_TEST(kv->second == "a=b");
  kv = app::parse_setting("content.translate_to=", &why);
  BOOST_TEST_REQUIRE(kv.has_value());
  BOOST_TEST(kv->second.empty());
  BOOST_TEST(!app::parse_setting("no-equals", &why).has_value());
  BOOST_TEST(why.find("not key=value") != std::string::npos);
  BOOST_TEST(!app::parse_setting("=value", &why).has_value());
}

BOOST_AUTO_TEST_CASE(values_files_and_the_salt) {
  const std::string path = "/tmp/aetherial-app-settings-test-" + std::to_string(::getpid());
  {
    std::ofstream out(path);
    out << "s3cret\n";
  }
  app::settings_flags flags;
  flags.values = {"operations.autoscaling.default_max_replicas=20", "analytics.salt=plain"};
  flags.files = {"analytics.salt=" + path};
  std::string why;
  auto s = app::resolve_settings(flags, "from-env", &why);
  std::remove(path.c_str());
  BOOST_TEST_REQUIRE(s.has_value(), why);
  BOOST_TEST(s->at("operations.autoscaling.default_max_replicas") == "20");
  BOOST_TEST(s->at("analytics.salt") == "s3cret"); // a file wins over a value and the env
  flags.files.clear();
  s = app::resolve_settings(flags, "from-env", &why);
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->at("analytics.salt") == "plain");
  flags.values.clear();
  s = app::resolve_settings(flags, "from-env", &why);
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->at("analytics.salt") == "from-env");
}

BOOST_AUTO_TEST_CASE(bad_pairs_and_unreadable_files_are_errors) {
  std::string why;
  app::settings_flags flags;
  flags.values = {"operations.autoscaling.default_max_replicas"};
  BOOST_TEST(!app::resolve_settings(flags, nullptr, &why).has_value());
  flags.values.clear();
  flags.files = {"analytics.salt=/nonexistent/aetherial/salt"};
  BOOST_TEST(!app::resolve_settings(flags, nullptr, &why).has_value());
  BOOST_TEST(why.find("analytics.salt") != std::string::npos, why);
}
