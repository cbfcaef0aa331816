// The User Support agent's unit tests: one Boost.Test module over several files.
#define BOOST_TEST_MODULE support
#include <boost/test/unit_test.hpp>
