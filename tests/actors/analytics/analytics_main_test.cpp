// The Analytics agent's unit tests: one Boost.Test module over several files.
#define BOOST_TEST_MODULE analytics
#include <boost/test/unit_test.hpp>
