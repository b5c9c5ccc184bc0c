#include "tests/gateway/gateway_fixture.hpp"

#include <algorithm>
#include <csignal>
#include <thread>

#include <catch2/catch.hpp>

namespace usms::test {

namespace {

using namespace std::chrono_literals;

// Fast retries so that every test stays short; a test that needs other
// values passes its own, which replace these.
const std::vector<std::string> default_env = {
  "USMS_GW_SOAP_RETRIES=2",
  "USMS_GW_SOAP_BACKOFF_BASE=50ms",
  "USMS_GW_SOAP_BACKOFF_MAX=200ms",
  "USMS_GW_USMS_REQUEST_TIMEOUT=1s",
  "USMS_GW_USMS_CONNECT_TIMEOUT=1s",
  "USMS_GW_SERVER_MAX_BODY=64KiB",
  // Loopback must never go through a proxy of the machine running the tests.
  "USMS_GW_USMS_BYPASS_PROXY=true",
  "USMS_GW_LOG_LEVEL=info",
};

std::string env_key(const std::string& entry) {
  return entry.substr(0, entry.find('='));
}

} // namespace

gateway_env::gateway_env(gateway_options opts) : opts_(std::move(opts)) {
  std::vector<std::string> sim_args{"--listen", "127.0.0.1:0",
                                    "--api-version",
                                    std::to_string(opts_.api_version)};
  sim_args.insert(sim_args.end(), opts_.sim_args.begin(),
                  opts_.sim_args.end());
  sim_ = child_process::start(bin_path("usms-sim"), std::move(sim_args), {},
                              tmp_.path());
  env_ = default_env;
  for (auto& extra : opts_.gateway_env) {
    auto key = env_key(extra);
    env_.erase(std::remove_if(env_.begin(), env_.end(),
                              [&](const std::string& e) {
                                return env_key(e) == key;
                              }),
               env_.end());
    env_.push_back(extra);
  }
  start_gateway();
}

// The child_process destructors SIGKILL and reap both processes.
gateway_env::~gateway_env() = default;

void gateway_env::start_gateway() {
  std::vector<std::string> args{"--listen", "127.0.0.1:0", "--db", db_path(),
                                "--usms-url", sim_->base_url() + "/usms",
                                "--api-version",
                                std::to_string(opts_.api_version)};
  gw_.reset();
  gw_ = child_process::start(bin_path("usms-gateway"), std::move(args), env_,
                             tmp_.path());
}

void gateway_env::kill_gateway() {
  gw_->send_signal(SIGKILL);
  gw_->wait_exit(10s);
}

int gateway_env::stop_gateway(std::chrono::milliseconds timeout) {
  gw_->send_signal(SIGTERM);
  return gw_->wait_exit(timeout);
}

const std::string& gateway_env::gw_url() const { return gw_->base_url(); }

http_reply gateway_env::call(const std::string& method,
                             const std::string& path, const std::string& body,
                             usms::http::header_list headers,
                             std::chrono::milliseconds timeout) {
  return http_call(method, gw_->base_url() + path, body, std::move(headers),
                   timeout);
}

http_reply gateway_env::send_json(const std::string& method,
                                  const std::string& path,
                                  const std::string& body,
                                  usms::http::header_list headers) {
  headers.push_back({"Content-Type", "application/json"});
  return call(method, path, body, std::move(headers));
}

rapidjson::Document gateway_env::get_json(const std::string& path) {
  auto r = call("GET", path);
  INFO("GET " << path << " -> " << r.status << " " << r.error << "\n"
              << r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

rapidjson::Document gateway_env::wait_finished(
  const std::string& request_id, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = call("GET", "/api/v1/requests/" + request_id + "?wait=2");
    last = std::to_string(r.status) + " " + r.error + " " + r.body;
    if (r.status == 200) {
      auto doc = parse_json(r.body);
      if (is_finished_state(json_string(doc, "state")))
        return doc;
    } else if (r.status != 202) {
      // A transport error while the gateway restarts: try again.
      std::this_thread::sleep_for(50ms);
    }
  }
  FAIL("request " << request_id << " did not finish in time; last answer: "
                  << last << "\ngateway output:\n"
                  << gw_->output());
  return {};
}

rapidjson::Document gateway_env::submit_create(const std::string& type,
                                               const std::string& summary,
                                               const std::string& corr) {
  std::string body = "{\"fields\": {\"summary\": " + json_quote(summary)
                     + "}";
  if (!corr.empty())
    body += ", \"correlation_id\": " + json_quote(corr);
  body += "}";
  auto r = send_json("POST", "/api/v1/tickets/" + type, body);
  INFO("create " << type << " -> " << r.status << " " << r.error << "\n"
                 << r.body);
  REQUIRE(r.status == 202);
  return parse_json(r.body);
}

std::string gateway_env::create_ticket(const std::string& type,
                                       const std::string& summary) {
  auto r = send_json("POST", "/api/v1/tickets/" + type + "?wait=10",
                     "{\"fields\": {\"summary\": " + json_quote(summary)
                       + "}}");
  INFO("create " << type << " -> " << r.status << " " << r.error << "\n"
                 << r.body);
  REQUIRE(r.status == 200);
  auto doc = parse_json(r.body);
  REQUIRE(json_string(doc, "state") == "succeeded");
  auto id = json_string(doc, "ticket_id");
  REQUIRE_FALSE(id.empty());
  return id;
}

std::optional<std::vector<status_row>>
gateway_env::status_rows(const std::string& request_id) {
  auto r = call("GET", "/api/v1/status?limit=1000");
  if (r.status == 404)
    return std::nullopt;
  INFO("GET /api/v1/status -> " << r.status << " " << r.error << "\n"
                                << r.body);
  REQUIRE(r.status == 200);
  auto doc = parse_json(r.body);
  REQUIRE(doc.HasMember("rows"));
  REQUIRE(doc["rows"].IsArray());
  std::vector<status_row> out;
  for (auto& row : doc["rows"].GetArray()) {
    if (json_string(row, "request_id") != request_id)
      continue;
    status_row x;
    x.request_id = request_id;
    x.status = json_string(row, "status");
    x.reason = json_string(row, "reason");
    x.ticket_id = json_string(row, "ticket_id");
    x.attempts = json_int(row, "attempts");
    out.push_back(std::move(x));
  }
  return out;
}

rapidjson::Document gateway_env::sim_stats() {
  auto r = http_call("GET", sim_->base_url() + "/admin/stats");
  INFO(r.error << r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

void gateway_env::set_faults(const std::string& json) {
  auto r = http_call("PUT", sim_->base_url() + "/admin/faults", json,
                     {{"Content-Type", "application/json"}});
  INFO("PUT /admin/faults " << json << " -> " << r.status << " " << r.error
                            << r.body);
  REQUIRE(r.status == 200);
}

int64_t gateway_env::sim_calls(const std::string& op) {
  auto doc = sim_stats();
  auto& calls = doc["calls"];
  return json_int(calls, op.c_str(), 0);
}

int64_t gateway_env::sim_creates(const std::string& ref) {
  auto doc = sim_stats();
  auto& creates = doc["creates_by_external_reference"];
  return json_int(creates, ref.c_str(), 0);
}

} // namespace usms::test
