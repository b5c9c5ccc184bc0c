// usms-storm: generates storms and replays them against a running gateway
// (pointed at the simulator), then reports throughput, latency, memory and
// correctness (lost, duplicated, failed).
//
//   usms-storm generate --shape outage --count 100000 --out storm.jsonl
//   usms-storm run --gateway URL --sim URL --storm storm.jsonl
//                  --json out.json --html out.html
//   usms-storm run --gateway URL --sim URL --shape burst --count 5000
//   usms-storm run --gateway URL --sim URL --shape steady --rate 500
//                  --count 30000 --usms-down-for 20 [--usms-freeze-pid PID]
//
// With --usms-down-for the storm drives a USMS outage itself, on its own
// clock: at --usms-down-at seconds (default: so that the outage sits in
// the middle of the storm's sending time) the simulator is set down
// (PUT /admin/faults {"down": true}) or, with --usms-freeze-pid, that
// process is stopped with SIGSTOP; --usms-down-for seconds later it is
// back. The report then counts the SOAP calls made meanwhile and the time
// the backlog took to clear.
//
// Exit codes: 0 nothing lost or duplicated; 1 lost, duplicated or missing
// tickets; 2 bad usage or storm; 3 unreachable, not drained in time, or
// requests never acknowledged.

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "bench/storm/storm_file.hpp"
#include "bench/storm/storm_report.hpp"
#include "bench/storm/storm_runner.hpp"

namespace {

using namespace usms::bench;

std::string machine_description() {
  std::string cpu;
  std::ifstream ci{"/proc/cpuinfo"};
  std::string line;
  while (std::getline(ci, line))
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  utsname u{};
  uname(&u);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s, %u cores, %.1f GiB RAM, Linux %s, load %.2f %.2f %.2f at start",
                cpu.c_str(), std::thread::hardware_concurrency(),
                static_cast<double>(pages) * static_cast<double>(page) / (1 << 30),
                u.release, load[0], load[1], load[2]);
  return buf;
}

void add_shape_options(CLI::App* app, shape_options& s) {
  app->add_option("--shape", s.shape, "steady | burst | ramp | outage")
    ->check(CLI::IsMember({"steady", "burst", "ramp", "outage"}));
  app->add_option("--count", s.count, "requests in the storm");
  app->add_option("--rate", s.rate, "steady: requests/s; ramp: final rate");
  app->add_option("--rate-from", s.rate_from, "ramp: initial requests/s");
  app->add_option("--items", s.items, "configuration items the alarms name");
  app->add_option("--seed", s.seed, "random seed (also in correlation ids)");
  app->add_option("--prefix", s.prefix, "correlation id prefix (default: the shape)");
}

} // namespace

int main(int argc, char** argv) {
  CLI::App cli{"usms-storm: storm generator, replayer and measurer for the "
               "USMS ticket gateway"};
  cli.set_version_flag("--version", std::string{"usms-storm "} + USMS_VERSION);
  cli.require_subcommand(1);

  shape_options gen_shape;
  std::string gen_out;
  auto* gen = cli.add_subcommand("generate", "write a storm file (JSON lines)");
  add_shape_options(gen, gen_shape);
  gen->add_option("--out", gen_out, "storm file (default: stdout)");

  shape_options run_shape;
  run_options ro;
  std::string storm_file, json_out, html_out;
  std::vector<std::string> peer_specs;
  bool quiet = false;
  auto* run = cli.add_subcommand("run", "replay a storm against a gateway and measure it");
  add_shape_options(run, run_shape);
  run->add_option("--storm", storm_file, "storm file; without it the storm is generated");
  run->add_option("--gateway", ro.gateway, "gateway base URL")->required();
  run->add_option("--sim", ro.sim, "simulator base URL (duplicate check)");
  run->add_option("--gateway-pid", ro.gateway_pid, "gateway pid for RSS/CPU (default: found by name)");
  run->add_option("--concurrency", ro.concurrency, "requests in flight to the intake");
  run->add_option("--drain-timeout", ro.drain_timeout_s, "seconds to wait for the queue to drain");
  run->add_option("--sample-interval", ro.sample_interval_s, "seconds between samples");
  run->add_flag("--intake-only", ro.intake_only, "measure intake only; do not wait for outcomes");
  run->add_flag("--idempotency-keys", ro.idempotency_keys, "send Idempotency-Key: the correlation id");
  run->add_option("--json", json_out, "write the JSON report here");
  run->add_option("--html", html_out, "write the HTML report here");
  run->add_option("--peer", peer_specs, "NAME=FILE.json: a peer's figures to compare with");
  run->add_flag("--quiet", quiet, "no progress line");
  double down_at = -1;
  run->add_option("--usms-down-for", ro.outage.down_for_s,
                  "seconds USMS is away during the storm (needs --sim)");
  run->add_option("--usms-down-at", down_at,
                  "seconds after the start USMS goes away (default: the "
                  "outage centred on the storm's sending time)");
  run->add_option("--usms-freeze-pid", ro.outage.freeze_pid,
                  "SIGSTOP/SIGCONT this simulator process instead of "
                  "setting it down");

  CLI11_PARSE(cli, argc, argv);

  if (gen->parsed()) {
    auto storm = generate_storm(gen_shape);
    if (!storm) {
      std::cerr << "usms-storm: " << storm.error().message << "\n";
      return 2;
    }
    std::ofstream file;
    if (!gen_out.empty()) {
      file.open(gen_out);
      if (!file) {
        std::cerr << "usms-storm: cannot write " << gen_out << "\n";
        return 2;
      }
    }
    std::ostream& out = gen_out.empty() ? std::cout : file;
    for (auto& r : *storm)
      out << storm_line(r) << '\n';
    return out.good() ? 0 : 2;
  }

  run_meta meta;
  std::vector<storm_request> storm;
  if (!storm_file.empty()) {
    std::ifstream in{storm_file};
    if (!in) {
      std::cerr << "usms-storm: cannot read " << storm_file << "\n";
      return 2;
    }
    auto s = read_storm(in);
    if (!s) {
      std::cerr << "usms-storm: " << storm_file << ": " << s.error().message << "\n";
      return 2;
    }
    storm = std::move(*s);
    meta.storm = storm_file + " (" + std::to_string(storm.size()) + " requests)";
  } else {
    auto s = generate_storm(run_shape);
    if (!s) {
      std::cerr << "usms-storm: " << s.error().message << "\n";
      return 2;
    }
    storm = std::move(*s);
    meta.storm = run_shape.shape + ", " + std::to_string(run_shape.count)
                 + " requests, " + std::to_string(run_shape.items) + " items";
  }
  std::vector<peer_figures> peers;
  for (auto& spec : peer_specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) {
      std::cerr << "usms-storm: --peer wants NAME=FILE.json, got " << spec << "\n";
      return 2;
    }
    auto p = read_peer(spec.substr(0, eq), spec.substr(eq + 1));
    if (!p) {
      std::cerr << "usms-storm: " << p.error().message << "\n";
      return 2;
    }
    peers.push_back(std::move(*p));
  }
  if (ro.outage.down_for_s > 0) {
    if (ro.sim.empty()) {
      std::cerr << "usms-storm: --usms-down-for needs --sim\n";
      return 2;
    }
    double span_s = 0;
    for (auto& r : storm)
      span_s = std::max(span_s, r.at_ms / 1000.0);
    ro.outage.down_at_s =
      down_at >= 0 ? down_at
                   : std::max(0.0, (span_s - ro.outage.down_for_s) / 2);
  }
  for (int i = 0; i < argc; ++i)
    meta.command += (i ? " " : "") + std::string{argv[i]};
  meta.machine = machine_description();
  ro.progress = !quiet;

  auto res = run_storm(ro, storm);
  if (!res) {
    std::cerr << "usms-storm: " << res.error().message << "\n";
    return 3;
  }
  std::cout << report_table(*res, meta, peers) << std::flush;
  if (!json_out.empty()) {
    std::ofstream j{json_out};
    j << report_json(*res, meta, peers);
  }
  if (!html_out.empty()) {
    std::ofstream h{html_out};
    h << report_html(*res, meta, peers);
  }
  if (res->lost > 0 || res->duplicated > 0 || res->missing_in_usms > 0)
    return 1;
  if (res->intake_errors > 0 || (!ro.intake_only && !res->drained))
    return 3;
  return 0;
}
