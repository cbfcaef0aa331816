// The Development agent's unit tests: one Boost.Test module over several files.
#define BOOST_TEST_MODULE development
#include <boost/test/unit_test.hpp>
