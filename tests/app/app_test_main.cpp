// The command line's commands as library functions, without a broker.
#define BOOST_TEST_MODULE app
#include <boost/test/unit_test.hpp>
