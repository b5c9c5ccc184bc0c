#include "tests/support/gateway_stack.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

namespace usms::test {

namespace {

using namespace std::chrono_literals;

std::string env_key(const std::string& entry) {
  return entry.substr(0, entry.find('='));
}

/// The defaults with each of `overrides` applied: an entry with '='
/// replaces (or adds) its key, a bare key removes it.
std::vector<std::string> merge_env(const std::vector<std::string>& overrides) {
  auto env = gateway_stack_defaults();
  for (auto& entry : overrides) {
    auto key = env_key(entry);
    env.erase(
        std::remove_if(env.begin(), env.end(),
                       [&](const std::string& e) { return env_key(e) == key; }),
        env.end());
    if (entry.find('=') != std::string::npos)
      env.push_back(entry);
  }
  return env;
}

bool wants_postgres(stack_storage storage) {
  if (storage != stack_storage::from_environment)
    return storage == stack_storage::postgres;
  const char* env = std::getenv("USMS_TEST_STORAGE");
  return env && std::string{env} == "postgres";
}

bool has_header(const usms::http::header_list& headers, const char* name) {
  return !usms::http::find_header(headers, name).empty();
}

} // namespace

const std::vector<std::string>& gateway_stack_defaults() {
  static const std::vector<std::string> defaults{
      "USMS_GW_SOAP_RETRIES=2",          "USMS_GW_SOAP_BACKOFF_BASE=50ms",
      "USMS_GW_SOAP_BACKOFF_MAX=200ms",  "USMS_GW_USMS_REQUEST_TIMEOUT=2s",
      "USMS_GW_USMS_CONNECT_TIMEOUT=1s", "USMS_GW_USMS_BYPASS_PROXY=true",
      "USMS_GW_LOG_LEVEL=info",
  };
  return defaults;
}

gateway_stack::gateway_stack(stack_options opts)
    : opts_(std::move(opts)), env_(merge_env(opts_.gateway_env)) {
  if (wants_postgres(opts_.storage)) {
    if (!shared_postgres())
      FAIL("the gateway should run on PostgreSQL, which is not installed");
    pg_.emplace();
    // Unless the test names a URL of its own (one with a password, say).
    bool named = std::any_of(env_.begin(), env_.end(), [](auto& e) {
      return env_key(e) == "USMS_GW_STORAGE_URL";
    });
    if (!named)
      env_.push_back("USMS_GW_STORAGE_URL=" + pg_->url());
    // One name across restarts, as a deployment gives each instance: a
    // restarted gateway takes its requests back at once instead of after
    // the lease of the instance it was.
    if (std::none_of(env_.begin(), env_.end(), [](auto& e) {
          return env_key(e) == "USMS_GW_CLUSTER_INSTANCE_ID";
        }))
      env_.push_back("USMS_GW_CLUSTER_INSTANCE_ID=gw-stack");
  }
  std::vector<std::string> sim_args{"--listen", "127.0.0.1:0", "--api-version",
                                    std::to_string(opts_.api_version)};
  if (!opts_.contract.empty())
    sim_args.insert(sim_args.end(), {"--contract", opts_.contract});
  sim_args.insert(sim_args.end(), opts_.sim_args.begin(), opts_.sim_args.end());
  sim_ = child_process::start(bin_path("usms-sim"), std::move(sim_args), {},
                              tmp_.path());
  if (!opts_.defer_gateway)
    start_gateway();
}

// The child_process destructors SIGKILL and reap both processes.
gateway_stack::~gateway_stack() = default;

void gateway_stack::start_gateway(const std::vector<std::string>& extra_args) {
  // Two gateways on one database would be a test bug, not a scenario.
  REQUIRE((!gw_ || !gw_->running()));
  std::vector<std::string> args{
      "--listen",       "127.0.0.1:0",
      "--offload-path", offload_path(),
      "--usms-url",     sim_->base_url() + "/usms",
      "--api-version",  std::to_string(opts_.api_version)};
  // A --db flag would win over the environment's storage.url.
  if (!pg_)
    args.insert(args.end(), {"--db", db_path()});
  if (!opts_.contract.empty())
    args.insert(args.end(), {"--contract", opts_.contract});
  args.insert(args.end(), opts_.gateway_args.begin(), opts_.gateway_args.end());
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  gw_.reset();
  gw_ = child_process::start(bin_path("usms-gateway"), std::move(args), env_,
                             tmp_.path());
}

int gateway_stack::kill_gateway() {
  REQUIRE(gw_);
  gw_->send_signal(SIGKILL);
  return gw_->wait_exit(10s);
}

int gateway_stack::stop_gateway(std::chrono::milliseconds timeout) {
  REQUIRE(gw_);
  gw_->send_signal(SIGTERM);
  return gw_->wait_exit(timeout);
}

const std::string& gateway_stack::gw_url() const {
  // Not REQUIRE: call() runs on worker threads, and Catch2 v2's assertions
  // are not thread-safe.
  if (!gw_)
    throw std::logic_error("gateway_stack: no gateway started");
  return gw_->base_url();
}

http_reply gateway_stack::call(const std::string& method,
                               const std::string& path, const std::string& body,
                               usms::http::header_list headers,
                               std::chrono::milliseconds timeout) {
  if (!body.empty() && !has_header(headers, "Content-Type"))
    headers.push_back({"Content-Type", "application/json"});
  if (!opts_.token.empty() && !has_header(headers, "Authorization"))
    headers.push_back({"Authorization", "Bearer " + opts_.token});
  auto r
      = http_call(method, gw_url() + path, body, std::move(headers), timeout);
  recorded_answer a;
  a.what = method + " " + path + " -> " + std::to_string(r.status);
  for (auto& h : r.headers)
    a.text += h.name + ": " + h.value + "\n";
  a.text += r.body;
  std::lock_guard<std::mutex> guard(answers_mtx_);
  answers_.push_back(std::move(a));
  return r;
}

rapidjson::Document gateway_stack::json(const std::string& method,
                                        const std::string& path,
                                        const std::string& body,
                                        unsigned status) {
  auto r = call(method, path, body);
  INFO(method << " " << path << " -> " << r.status << " " << r.error << "\n"
              << r.body);
  REQUIRE(r.status == status);
  return parse_json(r.body);
}

std::string gateway_stack::submit(const std::string& type,
                                  const std::string& body) {
  auto doc = json("POST", "/api/v1/tickets/" + type, body, 202);
  auto id = json_string(doc, "request_id");
  REQUIRE_FALSE(id.empty());
  return id;
}

rapidjson::Document gateway_stack::submit_create(const std::string& type,
                                                 const std::string& summary,
                                                 const std::string& corr) {
  std::string body = "{\"fields\": {\"summary\": " + json_quote(summary) + "}";
  if (!corr.empty())
    body += ", \"correlation_id\": " + json_quote(corr);
  body += "}";
  return json("POST", "/api/v1/tickets/" + type, body, 202);
}

std::string gateway_stack::create_ticket(const std::string& type,
                                         const std::string& summary) {
  auto doc = json("POST", "/api/v1/tickets/" + type + "?wait=10",
                  "{\"fields\": {\"summary\": " + json_quote(summary) + "}}");
  REQUIRE(json_string(doc, "state") == "succeeded");
  auto id = json_string(doc, "ticket_id");
  REQUIRE_FALSE(id.empty());
  return id;
}

rapidjson::Document
gateway_stack::wait_finished(const std::string& request_id,
                             std::chrono::milliseconds timeout) {
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

std::vector<status_row>
gateway_stack::status_rows(const std::string& request_id) {
  auto doc = json("GET", "/api/v1/status?limit=1000");
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

int64_t gateway_stack::status_total(const std::string& filters) {
  auto doc = json("GET", "/api/v1/status?limit=1"
                           + (filters.empty() ? "" : "&" + filters));
  return json_int(doc, "total");
}

bool gateway_stack::wait_drained(std::chrono::milliseconds timeout) {
  return wait_until(
    [&] {
      auto r = call("GET", "/api/v1/requests?limit=1");
      return r.status == 200 && json_int(parse_json(r.body), "total") == 0;
    },
    timeout);
}

rapidjson::Document gateway_stack::usms() {
  return json("GET", "/api/v1/usms");
}

rapidjson::Document
gateway_stack::wait_usms(const std::vector<std::string>& states,
                         std::chrono::milliseconds timeout,
                         std::vector<std::string>* seen) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto doc = usms();
    auto state = json_string(doc, "state");
    if (seen && (seen->empty() || seen->back() != state))
      seen->push_back(state);
    if (std::find(states.begin(), states.end(), state) != states.end()
        || std::chrono::steady_clock::now() >= deadline)
      return doc;
    std::this_thread::sleep_for(20ms);
  }
}

double gateway_stack::metric(const std::string& series) {
  auto r = call("GET", "/metrics");
  REQUIRE(r.status == 200);
  // A sample line is the series, one space, the value.
  auto prefix = "\n" + series + " ";
  auto text = "\n" + r.body;
  auto at = text.find(prefix);
  if (at == std::string::npos)
    return -1;
  return std::stod(text.substr(at + prefix.size()));
}

std::vector<recorded_answer> gateway_stack::answers() const {
  std::lock_guard<std::mutex> guard(answers_mtx_);
  return answers_;
}

http_reply gateway_stack::sim_call(const std::string& method,
                                   const std::string& path,
                                   const std::string& body) {
  usms::http::header_list headers;
  if (!body.empty())
    headers.push_back({"Content-Type", "application/json"});
  return http_call(method, sim_->base_url() + path, body, std::move(headers));
}

rapidjson::Document gateway_stack::sim_stats() {
  auto r = sim_call("GET", "/admin/stats");
  INFO("GET /admin/stats -> " << r.status << " " << r.error << r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

void gateway_stack::set_faults(const std::string& json) {
  auto r = sim_call("PUT", "/admin/faults", json);
  INFO("PUT /admin/faults " << json << " -> " << r.status << " " << r.error
                            << r.body);
  REQUIRE(r.status == 200);
}

int64_t gateway_stack::sim_calls(const std::string& op) {
  auto doc = sim_stats();
  return json_int(doc["calls"], op.c_str(), 0);
}

int64_t gateway_stack::sim_creates(const std::string& ref) {
  auto doc = sim_stats();
  return json_int(doc["creates_by_external_reference"], ref.c_str(), 0);
}

int64_t gateway_stack::sim_faults(const std::string& kind) {
  auto doc = sim_stats();
  return json_int(doc["faults_injected"], kind.c_str(), 0);
}

void gateway_stack::freeze_sim() {
  sim_->send_signal(SIGSTOP);
}

void gateway_stack::thaw_sim() {
  sim_->send_signal(SIGCONT);
}

} // namespace usms::test
