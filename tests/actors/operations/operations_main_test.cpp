// The Operations agent's unit tests: one Boost.Test module over several files.
#define BOOST_TEST_MODULE operations
#include <boost/test/unit_test.hpp>
