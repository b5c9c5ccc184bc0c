// usms-load: drives a running gateway with ticket requests over HTTP and
// prints figures as JSON: how fast requests were acknowledged (durable
// intake), and, with --wait, how long each took end to end.
//
//   usms-load --gateway http://127.0.0.1:8080 --count 20000 --concurrency 64
//   usms-load ... --rate 5000 --wait 10      # steady rate, end-to-end latency

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "transport/http_client.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string gateway = "http://127.0.0.1:8080";
  std::string type = "incident";
  std::string prefix = "load";
  int count = 10000;
  int concurrency = 64;
  double rate = 0; // requests per second, 0 = as fast as possible
  double wait = 0; // ?wait= seconds
};

struct run_stats {
  std::mutex mtx;
  std::vector<double> latencies_ms;
  int accepted = 0;  // 202
  int finished = 0;  // 200 with a finished state
  int errors = 0;
  std::string first_error;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty())
    return 0;
  auto idx = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  return v[idx];
}

std::string body_for(const options& opt, int i) {
  // Many alarms name the same configuration item, as in a real storm.
  return R"({"fields":{"summary":"load test alarm )" + std::to_string(i)
         + R"(","priority":3,"configuration_item":"ci-)"
         + std::to_string(i % 5000) + R"("},"source":"usms-load",)"
         + R"("correlation_id":")" + opt.prefix + "-" + std::to_string(i)
         + "\"}";
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  CLI::App cli{"usms-load: load generator for the USMS ticket gateway"};
  cli.add_option("--gateway", opt.gateway, "gateway base URL");
  cli.add_option("--type", opt.type, "ticket type");
  cli.add_option("--prefix", opt.prefix, "correlation id prefix");
  cli.add_option("--count", opt.count, "requests to send");
  cli.add_option("--concurrency", opt.concurrency, "requests in flight");
  cli.add_option("--rate", opt.rate, "requests per second (0: unlimited)");
  cli.add_option("--wait", opt.wait, "?wait=SECONDS on each request");
  cli.set_version_flag("--version", std::string{"usms-load "} + USMS_VERSION);
  CLI11_PARSE(cli, argc, argv);

  usms::http::client_options co;
  co.max_connections_per_host = static_cast<size_t>(opt.concurrency);
  co.request_timeout = std::chrono::milliseconds(
    static_cast<int64_t>((opt.wait + 30) * 1000));
  usms::http::client client{co};

  std::string url = opt.gateway + "/api/v1/tickets/" + opt.type;
  if (opt.wait > 0)
    url += "?wait=" + std::to_string(opt.wait);

  run_stats stats;
  std::atomic<int> in_flight{0};
  std::mutex mtx;
  std::condition_variable cv;
  int done = 0;
  auto start = clock_type::now();
  for (int i = 0; i < opt.count; ++i) {
    if (opt.rate > 0) {
      auto due = start + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(i / opt.rate));
      std::this_thread::sleep_until(due);
    }
    {
      std::unique_lock<std::mutex> guard{mtx};
      cv.wait(guard, [&] { return in_flight.load() < opt.concurrency; });
    }
    ++in_flight;
    usms::http::outgoing req;
    req.url = url;
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = body_for(opt, i);
    auto sent = clock_type::now();
    client.send(std::move(req), [&, sent](usms::http::outcome out) {
      auto ms = std::chrono::duration<double, std::milli>(clock_type::now()
                                                          - sent)
                  .count();
      {
        std::lock_guard<std::mutex> guard{stats.mtx};
        if (out.failure == usms::http::failure_kind::none
            && (out.status == 202 || out.status == 200)) {
          stats.latencies_ms.push_back(ms);
          if (out.status == 202)
            ++stats.accepted;
          else
            ++stats.finished;
        } else {
          ++stats.errors;
          if (stats.first_error.empty())
            stats.first_error = out.error.empty()
                                  ? std::to_string(out.status) + " "
                                      + out.body.substr(0, 200)
                                  : out.error;
        }
      }
      {
        std::lock_guard<std::mutex> guard{mtx};
        --in_flight;
        ++done;
      }
      cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> guard{mtx};
    cv.wait(guard, [&] { return done == opt.count; });
  }
  auto secs = std::chrono::duration<double>(clock_type::now() - start).count();
  client.stop();
  std::sort(stats.latencies_ms.begin(), stats.latencies_ms.end());
  std::printf("{\"sent\": %d, \"accepted_202\": %d, \"finished_200\": %d, "
              "\"errors\": %d, \"seconds\": %.3f, \"per_second\": %.1f, "
              "\"latency_ms\": {\"p50\": %.2f, \"p90\": %.2f, \"p99\": %.2f, "
              "\"max\": %.2f}",
              opt.count, stats.accepted, stats.finished, stats.errors, secs,
              opt.count / secs, percentile(stats.latencies_ms, 50),
              percentile(stats.latencies_ms, 90),
              percentile(stats.latencies_ms, 99),
              stats.latencies_ms.empty() ? 0.0 : stats.latencies_ms.back());
  if (!stats.first_error.empty()) {
    std::string e = stats.first_error;
    std::replace(e.begin(), e.end(), '"', '\'');
    std::replace(e.begin(), e.end(), '\n', ' ');
    std::printf(", \"first_error\": \"%s\"", e.c_str());
  }
  std::printf("}\n");
  return stats.errors == 0 ? 0 : 1;
}
