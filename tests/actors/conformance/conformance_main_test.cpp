// The agent conformance suite: one Boost.Test module over every agent kind.
#define BOOST_TEST_MODULE conformance
#include <boost/test/unit_test.hpp>
