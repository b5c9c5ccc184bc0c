#pragma once

/// The failover tests' world: one simulator, one fresh database on the test
/// run's PostgreSQL server, and several real usms-gateway processes on it,
/// each under a name of its own (`gw-0`, `gw-1`, ...) with a short
/// cluster.lease and one offload folder they share.

#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/gateway_stack.hpp"

namespace usms::test {

struct cluster_options {
  int instances = 2;
  /// cluster.lease of every instance.
  std::string lease = "3s";
  /// Gateway settings as environment for every instance, after the
  /// stack's defaults (gateway_stack_defaults()).
  std::vector<std::string> gateway_env;
  std::vector<std::string> sim_args;
};

class cluster_stack {
public:
  /// Starts the simulator and every instance.
  explicit cluster_stack(cluster_options opts = {});
  ~cluster_stack();
  cluster_stack(const cluster_stack&) = delete;
  cluster_stack& operator=(const cluster_stack&) = delete;

  int size() const { return static_cast<int>(gateways_.size()); }
  /// Starts instance `i` again (it must not be running), under its name.
  void start(int i);
  child_process& gateway(int i) { return *gateways_.at(i); }
  const std::string& url(int i) const { return gateways_.at(i)->base_url(); }
  static std::string name(int i) { return "gw-" + std::to_string(i); }

  http_reply call(int i, const std::string& method, const std::string& path,
                  const std::string& body = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
  rapidjson::Document json(int i, const std::string& method,
                           const std::string& path,
                           const std::string& body = {},
                           unsigned status = 200);
  /// POSTs a create of incident `summary` with `correlation_id` to instance
  /// `i`; the request id when it was accepted (202), else "". Safe to call
  /// on several threads at once (no Catch assertion inside).
  std::string try_create(int i, const std::string& summary,
                         const std::string& correlation_id);

  /// Polls instance `i` until no request is unfinished in the cluster.
  bool wait_drained(int i, std::chrono::milliseconds timeout);
  /// Request id → state of every finished request (the status table, as
  /// instance `i` shows it).
  std::vector<std::pair<std::string, std::string>> finished(int i);

  rapidjson::Document sim_stats();
  void set_faults(const std::string& json);
  int64_t sim_calls(const std::string& op);

  const std::string& database_url() const { return pg_.url(); }
  std::string offload_path() const { return tmp_.path() + "/offload"; }

private:
  cluster_options opts_;
  temp_dir tmp_;
  postgres_database pg_;
  std::vector<std::string> env_;
  std::unique_ptr<child_process> sim_;
  std::vector<std::unique_ptr<child_process>> gateways_;
};

} // namespace usms::test
