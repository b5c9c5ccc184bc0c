#pragma once

/// The service tests' world: a real usms-sim and a real usms-gateway as
/// child processes on loopback, every gateway call optionally carrying a
/// bearer token, and every answer the gateway gave kept for the canary
/// check.

#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/json_fields.hpp"
#include "tests/support/test_support.hpp"

namespace usms::test {

/// The service tests' short names for the shared JSON helpers.
inline std::string str(const rapidjson::Value& doc, const char* key) {
  return json_string(doc, key);
}
inline int64_t num(const rapidjson::Value& doc, const char* key) {
  return json_int(doc, key);
}
inline std::string quote(const std::string& text) {
  return json_quote(text);
}

struct stack_options {
  /// Extra gateway environment ("USMS_GW_...=..."), replacing the defaults
  /// of the same name.
  std::vector<std::string> gateway_env;
  /// Extra simulator flags.
  std::vector<std::string> sim_args;
  /// Sent as `Authorization: Bearer TOKEN` on every gateway call when set.
  std::string token;
};

/// One answer of the gateway as the tests saw it.
struct recorded_answer {
  std::string what; ///< "GET /path -> 200"
  std::string text; ///< the headers and the body
};

class service_stack {
public:
  explicit service_stack(stack_options opts = {});
  ~service_stack();
  service_stack(const service_stack&) = delete;
  service_stack& operator=(const service_stack&) = delete;

  /// A call to the gateway (`path` starts with '/'); a body is sent as
  /// JSON. The answer is recorded.
  http_reply call(const std::string& method, const std::string& path,
                  const std::string& body = {},
                  usms::http::header_list headers = {},
                  std::chrono::milliseconds timeout
                  = std::chrono::seconds(20));

  /// The call, requiring `status`; returns the parsed body.
  rapidjson::Document json(const std::string& method, const std::string& path,
                           const std::string& body = {},
                           unsigned status = 200);

  /// POSTs a ticket request to `/api/v1/tickets/TYPE`, requires 202 and
  /// returns its request id.
  std::string submit(const std::string& type, const std::string& body);

  /// Polls `GET /api/v1/requests/{id}?wait=2` until it is finished; fails
  /// the test after `timeout`.
  rapidjson::Document wait_finished(const std::string& id,
                                    std::chrono::milliseconds timeout
                                    = std::chrono::seconds(20));

  /// A call to the simulator (`/admin/...`); not recorded.
  http_reply sim_call(const std::string& method, const std::string& path,
                      const std::string& body = {});
  /// PUT /admin/faults, requiring 200.
  void set_faults(const std::string& json);

  child_process& gateway() { return *gw_; }
  child_process& sim() { return *sim_; }
  const std::string& gw_url() const;
  const std::string& dir() const { return tmp_.path(); }
  const std::vector<recorded_answer>& answers() const { return answers_; }

private:
  stack_options opts_;
  temp_dir tmp_;
  std::unique_ptr<child_process> sim_;
  std::unique_ptr<child_process> gw_;
  std::vector<recorded_answer> answers_;
};

} // namespace usms::test
