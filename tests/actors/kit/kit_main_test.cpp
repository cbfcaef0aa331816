// The agents' common base: one Boost.Test module over several files.
#define BOOST_TEST_MODULE kit
#include <boost/test/unit_test.hpp>
