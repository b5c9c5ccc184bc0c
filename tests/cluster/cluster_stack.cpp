#include "tests/cluster/cluster_stack.hpp"

#include <thread>

#include <catch2/catch.hpp>

namespace usms::test {

namespace {

using namespace std::chrono_literals;

} // namespace

cluster_stack::cluster_stack(cluster_options opts) : opts_(std::move(opts)) {
  env_ = gateway_stack_defaults();
  env_.push_back("USMS_GW_STORAGE_URL=" + pg_.url());
  env_.push_back("USMS_GW_CLUSTER_LEASE=" + opts_.lease);
  env_.insert(env_.end(), opts_.gateway_env.begin(), opts_.gateway_env.end());
  std::vector<std::string> sim_args{"--listen", "127.0.0.1:0"};
  sim_args.insert(sim_args.end(), opts_.sim_args.begin(),
                  opts_.sim_args.end());
  sim_ = child_process::start(bin_path("usms-sim"), std::move(sim_args), {},
                              tmp_.path());
  gateways_.resize(static_cast<size_t>(opts_.instances));
  for (int i = 0; i < opts_.instances; ++i)
    start(i);
}

// The child_process destructors SIGKILL and reap every process.
cluster_stack::~cluster_stack() = default;

void cluster_stack::start(int i) {
  auto& slot = gateways_.at(static_cast<size_t>(i));
  REQUIRE((!slot || !slot->running()));
  auto env = env_;
  env.push_back("USMS_GW_CLUSTER_INSTANCE_ID=" + name(i));
  slot.reset();
  slot = child_process::start(
    bin_path("usms-gateway"),
    {"--listen", "127.0.0.1:0", "--offload-path", offload_path(),
     "--usms-url", sim_->base_url() + "/usms"},
    std::move(env), tmp_.path());
}

http_reply cluster_stack::call(int i, const std::string& method,
                               const std::string& path,
                               const std::string& body,
                               std::chrono::milliseconds timeout) {
  usms::http::header_list headers;
  if (!body.empty())
    headers.push_back({"Content-Type", "application/json"});
  return http_call(method, url(i) + path, body, std::move(headers), timeout);
}

rapidjson::Document cluster_stack::json(int i, const std::string& method,
                                        const std::string& path,
                                        const std::string& body,
                                        unsigned status) {
  auto r = call(i, method, path, body);
  INFO(name(i) << ": " << method << " " << path << " -> " << r.status << " "
               << r.error << "\n"
               << r.body);
  REQUIRE(r.status == status);
  return parse_json(r.body);
}

std::string cluster_stack::try_create(int i, const std::string& summary,
                                      const std::string& correlation_id) {
  auto r = call(i, "POST", "/api/v1/tickets/incident",
                "{\"fields\": {\"summary\": " + json_quote(summary)
                  + "}, \"correlation_id\": " + json_quote(correlation_id)
                  + "}",
                5s);
  if (r.status != 202)
    return {};
  // Clients call this on several threads.
  return request_id_of(r.body);
}

bool cluster_stack::wait_drained(int i, std::chrono::milliseconds timeout) {
  return wait_until(
    [&] {
      auto r = call(i, "GET", "/api/v1/requests?limit=1");
      return r.status == 200 && json_int(parse_json(r.body), "total") == 0;
    },
    timeout);
}

std::vector<std::pair<std::string, std::string>> cluster_stack::finished(int i) {
  std::vector<std::pair<std::string, std::string>> out;
  for (int64_t offset = 0;; offset += 1000) {
    auto doc = json(i, "GET",
                    "/api/v1/status?limit=1000&offset=" + std::to_string(offset));
    auto& rows = doc["rows"];
    for (auto& row : rows.GetArray())
      out.emplace_back(json_string(row, "request_id"),
                       json_string(row, "status"));
    if (rows.Size() < 1000)
      return out;
  }
}

rapidjson::Document cluster_stack::sim_stats() {
  auto r = http_call("GET", sim_->base_url() + "/admin/stats");
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

void cluster_stack::set_faults(const std::string& json) {
  auto r = http_call("PUT", sim_->base_url() + "/admin/faults", json,
                     {{"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
}

int64_t cluster_stack::sim_calls(const std::string& op) {
  auto doc = sim_stats();
  if (!doc.HasMember("calls"))
    return 0;
  return json_int(doc["calls"], op.c_str(), 0);
}

} // namespace usms::test
