#include "tests/support/missing_tool.hpp"

#include <cstdlib>

#include <catch2/catch.hpp>

namespace usms::test {

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0';
}

void report_missing_tool(const std::string& tool, const std::string& what) {
  if (in_ci())
    FAIL(tool << " is missing, and CI is set; not checked: " << what);
  WARN(tool << " is missing; not checked: " << what);
}

} // namespace usms::test
