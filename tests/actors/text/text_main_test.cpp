// The text building blocks' unit tests: one Boost.Test module over several files.
#define BOOST_TEST_MODULE text
#include <boost/test/unit_test.hpp>
