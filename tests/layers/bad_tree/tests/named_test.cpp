// Planted: a test name CTest would cut at the ';'.
TEST_CASE("first part; second part", "[planted]") {}
