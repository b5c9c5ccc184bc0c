#include "tests/cli/stack.hpp"

#include <catch2/catch.hpp>

namespace usms::test {

stack::stack(std::vector<std::string> sim_args) {
  std::vector<std::string> args{"--listen", "127.0.0.1:0"};
  args.insert(args.end(), sim_args.begin(), sim_args.end());
  sim_ = child_process::start(bin_path("usms-sim"), args);
  start_gateway();
}

void stack::start_gateway() {
  gateway_ = child_process::start(
    bin_path("usms-gateway"),
    {"--listen", "127.0.0.1:0", "--db", dir_.path() + "/gateway.db",
     "--usms-url", sim_->base_url() + "/usms", "--offload-path",
     dir_.path() + "/offload"},
    // Short backoff: a test should not sit out production retry delays.
    {"USMS_GW_SOAP_BACKOFF_BASE=50ms", "USMS_GW_SOAP_BACKOFF_MAX=500ms",
     "USMS_GW_LOG_LEVEL=warn"},
    dir_.path());
}

void stack::restart_gateway() {
  REQUIRE_FALSE(gateway_->running());
  start_gateway();
}

command_run stack::usmsctl(std::vector<std::string> args,
                           std::chrono::milliseconds timeout) {
  args.insert(args.begin(), {"--gateway", gateway_url()});
  return run_command(bin_path("usmsctl"), args, {}, timeout);
}

rapidjson::Document stack::sim_stats() {
  auto rep = http_call("GET", sim_->base_url() + "/admin/stats");
  REQUIRE(rep.status == 200);
  return parse_json(rep.body);
}

void stack::set_sim_faults(const std::string& json) {
  auto rep = http_call("PUT", sim_->base_url() + "/admin/faults", json,
                       {{"Content-Type", "application/json"}});
  REQUIRE(rep.status == 200);
}

} // namespace usms::test
