#pragma once

/// A real usms-sim and usms-gateway for one test, on loopback ports, with
/// the gateway's database in a temporary directory so it can be restarted
/// on the same journal.

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/cli/run_command.hpp"
#include "tests/support/json_fields.hpp"
#include "tests/support/test_support.hpp"

namespace usms::test {

class stack {
public:
  /// Starts the simulator with `sim_args` and a gateway pointed at it.
  explicit stack(std::vector<std::string> sim_args = {});

  /// Starts the gateway again (after it exited) on the same database.
  void restart_gateway();

  child_process& gateway() { return *gateway_; }
  child_process& sim() { return *sim_; }
  const std::string& gateway_url() const { return gateway_->base_url(); }

  /// usmsctl with `--gateway` set to this gateway.
  command_run usmsctl(std::vector<std::string> args,
                      std::chrono::milliseconds timeout
                      = std::chrono::seconds(60));

  /// GET /admin/stats on the simulator, parsed.
  rapidjson::Document sim_stats();

  /// PUT /admin/faults on the simulator.
  void set_sim_faults(const std::string& json);

private:
  void start_gateway();
  temp_dir dir_;
  std::unique_ptr<child_process> sim_;
  std::unique_ptr<child_process> gateway_;
};

} // namespace usms::test
