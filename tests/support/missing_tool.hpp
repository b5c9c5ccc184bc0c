#pragma once

/// Tests that need a tool beyond the compiler (Python, node, zeep, ...):
/// where the tool is missing they may leave that part out on a developer's
/// machine, never on CI.

#include <string>

namespace usms::test {

/// True when the environment variable CI is set and not empty: there every
/// test must run whole.
bool in_ci();

/// Reports that `tool` is missing, so that `what` goes unchecked: with CI
/// set this fails the test (a CI machine must have every tool); elsewhere it
/// warns, and the test goes on without that part.
void report_missing_tool(const std::string& tool, const std::string& what);

} // namespace usms::test
