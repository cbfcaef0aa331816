#include "tests/actors/kit/state_checks.hpp"

#include "actors/registry.hpp"

namespace aetherial::actors::test {

std::unique_ptr<agent> make_registered(std::string_view kind, const agent_settings& settings) {
  const auto* k = find_agent_kind(kind);
  BOOST_TEST_REQUIRE((k != nullptr), kind << " is not in the registry");
  auto made = k->make(settings);
  BOOST_TEST_REQUIRE((made != nullptr), kind << " made nothing");
  return made;
}

void check_refused(agent& a, const bytes& snapshot) {
  const auto before = a.snapshot();
  BOOST_TEST(!a.restore(snapshot.data(), snapshot.size()));
  BOOST_TEST(a.snapshot() == before);
}

bool round_trips(agent& a, const bytes& snapshot, std::string_view identifier,
                 bool (*verify)(flatbuffers::Verifier&)) {
  BOOST_TEST_REQUIRE(snapshot.size() >= 8u);
  BOOST_TEST(std::string_view(reinterpret_cast<const char*>(snapshot.data()) + 4, 4) == identifier);
  if (verify != nullptr) {
    flatbuffers::Verifier verifier(snapshot.data(), snapshot.size());
    BOOST_TEST(verify(verifier));
  }
  if (!a.restore(snapshot.data(), snapshot.size())) return false;
  BOOST_TEST(a.snapshot() == snapshot);
  return true;
}

} // namespace aetherial::actors::test
