#pragma once

/// Runs a command-line program to completion for a test: its exit code,
/// stdout and stderr kept apart (a script reads them apart too).

#include <chrono>
#include <string>
#include <vector>

namespace usms::test {

struct command_run {
  int exit_code = -1; ///< 128+signal when killed; -1 on timeout
  std::string out;
  std::string err;
};

/// Runs `exe args...` with extra environment `env` ("K=V") and waits up to
/// `timeout` (then kills it).
command_run run_command(const std::string& exe,
                        const std::vector<std::string>& args,
                        const std::vector<std::string>& env = {},
                        std::chrono::milliseconds timeout
                        = std::chrono::seconds(60));

} // namespace usms::test
