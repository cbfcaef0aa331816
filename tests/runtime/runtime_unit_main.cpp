#define BOOST_TEST_MODULE runtime_unit
#include <boost/test/unit_test.hpp>
