// usms-sim: a USMS SOAP middleware simulator with fault injection.

#include <signal.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <random>

#include "sim/cli_values.hpp"
#include "sim/sim_service.hpp"
#include "transport/http_server.hpp"

#ifndef USMS_VERSION
#define USMS_VERSION "0.0.0"
#endif

namespace {

/// A CLI11 validator for DURATION values.
struct duration_validator : CLI::Validator {
  duration_validator() {
    name_ = "DURATION";
    func_ = [](const std::string& text) {
      return usms::sim::parse_duration(text)
               ? std::string{}
               : "not a duration (e.g. 5ms, 1.5s, 250us): " + text;
    };
  }
};

double to_ms(const std::string& text) {
  return static_cast<double>(usms::sim::parse_duration(text)->count()) / 1e3;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"usms-sim: simulates the USMS SOAP middleware (SOAP endpoint "
               "/usms, WSDL /usms?wsdl, admin API /admin/stats, "
               "/admin/faults, /admin/reset)"};
  app.set_version_flag("--version", "usms-sim " USMS_VERSION);
  std::string listen = "127.0.0.1:8081";
  int api_version = 2;
  std::string contract_file;
  std::string user;
  std::string password;
  std::string tls_cert;
  std::string tls_key;
  unsigned threads = 2;
  std::string latency = "0";
  std::string latency_jitter = "0";
  std::string hang_for = "60s";
  usms::sim::fault_settings faults;
  uint64_t seed = 0;
  bool seed_given = false;

  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any)")
    ->capture_default_str();
  app.add_option("--api-version", api_version,
                 "built-in contract served: USMS API v1 or v2")
    ->check(CLI::IsMember({1, 2}))
    ->capture_default_str();
  app.add_option("--contract", contract_file,
                 "contract file to serve (docs/contract-file.md); wins over "
                 "--api-version");
  app.add_option("--user", user,
                 "require a WS-Security UsernameToken with this Username");
  app.add_option("--password", password,
                 "require this Password too (needs --user)");
  auto* cert = app.add_option("--tls-cert", tls_cert,
                              "PEM certificate: serve https")
                 ->check(CLI::ExistingFile);
  auto* key = app.add_option("--tls-key", tls_key, "PEM private key")
                ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_option("--threads", threads, "HTTP I/O threads")
    ->check(CLI::Range(1u, 64u))
    ->capture_default_str();

  auto* faults_group = app.add_option_group(
    "Fault injection", "also settable at run time with PUT /admin/faults");
  faults_group
    ->add_option("--latency", latency,
                 "fixed latency added to every SOAP call (e.g. 5ms)")
    ->type_name("DURATION")
    ->check(duration_validator{});
  faults_group
    ->add_option("--latency-jitter", latency_jitter,
                 "plus a uniform random 0..DURATION")
    ->type_name("DURATION")
    ->check(duration_validator{});
  faults_group
    ->add_option("--server-fault-rate", faults.server_fault_rate,
                 "share of calls (0..1) answered with a Server fault "
                 "UNAVAILABLE, HTTP 500")
    ->check(CLI::Range(0.0, 1.0));
  faults_group
    ->add_option("--unavailable-rate", faults.unavailable_rate,
                 "share of calls (0..1) answered with HTTP 503 and "
                 "Retry-After")
    ->check(CLI::Range(0.0, 1.0));
  faults_group
    ->add_option("--retry-after", faults.retry_after_s,
                 "the Retry-After seconds of those 503 answers")
    ->check(CLI::Range(0, 86400))
    ->capture_default_str();
  faults_group
    ->add_option("--reset-after-create-rate", faults.reset_after_create_rate,
                 "share of creates (0..1) whose ticket IS created, then the "
                 "connection is reset without an answer")
    ->check(CLI::Range(0.0, 1.0));
  faults_group
    ->add_option("--hang-after-create-rate", faults.hang_after_create_rate,
                 "share of creates (0..1) whose ticket IS created, then no "
                 "answer: the connection is held for --hang-for (or until "
                 "shutdown), then reset")
    ->check(CLI::Range(0.0, 1.0));
  faults_group
    ->add_option("--hang-for", hang_for, "how long a hung call is held")
    ->type_name("DURATION")
    ->check(duration_validator{})
    ->capture_default_str();
  faults_group
    ->add_option("--seed", seed, "random seed of the fault rates "
                                 "(default: random)")
    ->each([&](const std::string&) { seed_given = true; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!password.empty() && user.empty()) {
    std::cerr << "usms-sim: --password needs --user\n";
    return 2;
  }
  auto where = usms::sim::parse_host_port(listen);
  if (!where) {
    std::cerr << "usms-sim: --listen wants HOST:PORT, got " << listen << "\n";
    return 2;
  }
  auto contract = usms::soap::builtin_contract(api_version);
  if (!contract_file.empty()) {
    auto loaded = usms::soap::load_contract_file(contract_file);
    if (!loaded) {
      std::cerr << "usms-sim: " << loaded.error().message << "\n";
      return 2;
    }
    contract = std::move(*loaded);
  }
  if (!user.empty() && !contract->ws_security) {
    std::cerr << "usms-sim: --user needs a contract with WS-Security ("
              << contract->source << " has ws_security = false)\n";
    return 2;
  }
  faults.latency_ms = to_ms(latency);
  faults.latency_jitter_ms = to_ms(latency_jitter);
  faults.hang_for_s = to_ms(hang_for) / 1e3;
  if (!seed_given)
    seed = std::random_device{}();

  // Signals are taken synchronously by this thread; the server's threads
  // inherit the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  usms::sim::service_options opts;
  opts.contract = contract;
  opts.user = user;
  opts.password = password;
  opts.tls = !tls_cert.empty();
  usms::sim::sim_service service(opts, faults, seed);

  usms::http::server_options sopts;
  sopts.host = where->host;
  sopts.port = where->port;
  sopts.io_threads = threads;
  sopts.tls_cert_file = tls_cert;
  sopts.tls_key_file = tls_key;
  sopts.max_body = 16 * 1024 * 1024;
  usms::http::server server(sopts, [&service](usms::http::request req,
                                              usms::http::responder respond) {
    service.handle(std::move(req), std::move(respond));
  });
  if (auto err = server.start(); !err.empty()) {
    std::cerr << "usms-sim: " << err << "\n";
    return 1;
  }
  std::string host = where->host.find(':') != std::string::npos
                       ? "[" + where->host + "]"
                       : where->host;
  std::string authority = host + ":" + std::to_string(server.port());
  service.set_authority(authority);
  std::printf("listening on %s://%s\n", opts.tls ? "https" : "http",
              authority.c_str());
  std::fflush(stdout);

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  std::fprintf(stderr, "usms-sim: signal %d, stopping\n", sig);
  service.shutdown(); // answer delayed calls, reset hung ones
  server.stop();
  return 0;
}
