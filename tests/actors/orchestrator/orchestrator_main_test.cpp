// The Orchestrator agent's unit tests: one Boost.Test module over several files.
#define BOOST_TEST_MODULE orchestrator
#include <boost/test/unit_test.hpp>
