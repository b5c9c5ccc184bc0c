#include "tests/service/service_stack.hpp"

#include <algorithm>
#include <thread>

#include <catch2/catch.hpp>

namespace usms::test {

namespace {

using namespace std::chrono_literals;

// Fast SOAP retries keep every test short; a test passes its own values to
// replace these.
const std::vector<std::string> default_env = {
  "USMS_GW_SOAP_RETRIES=2",
  "USMS_GW_SOAP_BACKOFF_BASE=50ms",
  "USMS_GW_SOAP_BACKOFF_MAX=200ms",
  "USMS_GW_USMS_REQUEST_TIMEOUT=2s",
  "USMS_GW_USMS_CONNECT_TIMEOUT=1s",
  // Loopback must never go through a proxy of the machine running tests.
  "USMS_GW_USMS_BYPASS_PROXY=true",
  "USMS_GW_LOG_LEVEL=info",
};

std::string env_key(const std::string& entry) {
  return entry.substr(0, entry.find('='));
}

} // namespace

service_stack::service_stack(stack_options opts) : opts_(std::move(opts)) {
  std::vector<std::string> sim_args{"--listen", "127.0.0.1:0"};
  sim_args.insert(sim_args.end(), opts_.sim_args.begin(),
                  opts_.sim_args.end());
  sim_ = child_process::start(bin_path("usms-sim"), std::move(sim_args), {},
                              tmp_.path());
  auto env = default_env;
  for (auto& extra : opts_.gateway_env) {
    auto key = env_key(extra);
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const std::string& e) {
                               return env_key(e) == key;
                             }),
              env.end());
    env.push_back(extra);
  }
  std::vector<std::string> args{"--listen", "127.0.0.1:0", "--db",
                                tmp_.path() + "/gw.db", "--usms-url",
                                sim_->base_url() + "/usms"};
  gw_ = child_process::start(bin_path("usms-gateway"), std::move(args), env,
                             tmp_.path());
}

// The child_process destructors SIGKILL and reap both processes.
service_stack::~service_stack() = default;

const std::string& service_stack::gw_url() const { return gw_->base_url(); }

http_reply service_stack::call(const std::string& method,
                               const std::string& path,
                               const std::string& body,
                               usms::http::header_list headers,
                               std::chrono::milliseconds timeout) {
  if (!body.empty())
    headers.push_back({"Content-Type", "application/json"});
  if (!opts_.token.empty())
    headers.push_back({"Authorization", "Bearer " + opts_.token});
  auto r = http_call(method, gw_->base_url() + path, body, std::move(headers),
                     timeout);
  recorded_answer a;
  a.what = method + " " + path + " -> " + std::to_string(r.status);
  for (auto& h : r.headers)
    a.text += h.name + ": " + h.value + "\n";
  a.text += r.body;
  answers_.push_back(std::move(a));
  return r;
}

rapidjson::Document service_stack::json(const std::string& method,
                                        const std::string& path,
                                        const std::string& body,
                                        unsigned status) {
  auto r = call(method, path, body);
  INFO(method << " " << path << " -> " << r.status << " " << r.error << "\n"
              << r.body);
  REQUIRE(r.status == status);
  return parse_json(r.body);
}

std::string service_stack::submit(const std::string& type,
                                  const std::string& body) {
  auto doc = json("POST", "/api/v1/tickets/" + type, body, 202);
  auto id = str(doc, "request_id");
  REQUIRE_FALSE(id.empty());
  return id;
}

rapidjson::Document service_stack::wait_finished(
  const std::string& id, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = call("GET", "/api/v1/requests/" + id + "?wait=2");
    last = std::to_string(r.status) + " " + r.error + " " + r.body;
    if (r.status == 200) {
      auto doc = parse_json(r.body);
      if (is_finished_state(str(doc, "state")))
        return doc;
    } else if (r.status != 202) {
      std::this_thread::sleep_for(50ms);
    }
  }
  FAIL("request " << id << " did not finish in time; last answer: " << last
                  << "\ngateway output:\n"
                  << gw_->output());
  return {};
}

http_reply service_stack::sim_call(const std::string& method,
                                   const std::string& path,
                                   const std::string& body) {
  usms::http::header_list headers;
  if (!body.empty())
    headers.push_back({"Content-Type", "application/json"});
  return http_call(method, sim_->base_url() + path, body, std::move(headers));
}

void service_stack::set_faults(const std::string& json) {
  auto r = sim_call("PUT", "/admin/faults", json);
  INFO("PUT /admin/faults " << json << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
}

} // namespace usms::test
