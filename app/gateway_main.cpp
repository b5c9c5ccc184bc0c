// usms-gateway: the service's entry point. Parses flags, loads the settings
// (defaults < file < environment < flags < runtime), starts the gateway,
// reloads its TLS certificate on SIGHUP and stops it cleanly on SIGTERM or
// SIGINT.

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/build_info.hpp"
#include "app/gateway.hpp"
#include "app/logging.hpp"
#include "config/keys.hpp"
#include "config/loader.hpp"
#include "config/storage_target.hpp"

extern char** environ;

namespace {

/// Blocks the stop signals and SIGHUP in this thread and every thread
/// started after it, so that only `sigwait` in main sees them.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

/// Raises the open-files soft limit to the hard limit: every connection is
/// a file descriptor. Returns the limit now in force (0: unknown).
rlim_t raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    auto wanted = limit;
    wanted.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &wanted) == 0)
      limit = wanted;
  }
  return limit.rlim_cur;
}

/// The --help footer: every setting, where it can come from, and signals.
std::string settings_help() {
  std::string out =
    "\nSettings (later wins): built-in defaults < the --config file < "
    "USMS_GW_<SECTION>_<KEY>\nenvironment variables < the flags above < "
    "PUT /api/v1/config (keys marked *,\nsaved in the database; "
    "--reset-runtime-config drops them). Every key is\nexplained in "
    "share/usms-gateway/usms-gateway.sample.toml.\n\n";
  for (const auto& key : usms::config::all_keys()) {
    auto line = "  " + key.dotted() + (key.runtime ? " *" : "");
    line.resize(std::max<std::size_t>(line.size() + 1, 37), ' ');
    out += line + key.env_name() + "\n      " + std::string{key.help} + "\n";
  }
  out += "\nSIGTERM or SIGINT stops it gracefully: the intake answers 503, SOAP "
         "calls in flight\nget their grace period, everything unfinished stays "
         "journaled and resumes at\nthe next start. SIGHUP reads "
         "server.tls_cert, server.tls_key and\nserver.tls_client_ca again: "
         "new connections use them, open ones carry on.";
  return out;
}

} // namespace

int main(int argc, char** argv) {
  // First thing: a SIGTERM during start-up must wait for sigwait, not kill
  // the process by default action.
  auto signals = block_signals();
  auto open_files = raise_open_files_limit();
  CLI::App cli{"usms-gateway: turns ticket requests into SOAP calls to USMS, "
               "with retries, a durable journal and a status table."};
  std::string config_file;
  std::map<std::string, std::string> flags;
  std::string listen, db, usms_url, api_version, offload_path, contract;
  bool reset_runtime = false;
  bool show_version = false;
  cli.add_option("--config", config_file, "TOML config file");
  cli.add_option("--listen", listen, "HOST:PORT for the API and pages "
                                     "(server.listen; port 0 = any free)");
  cli.add_option("--db", db, "SQLite database file (storage.db)");
  cli.add_option("--usms-url", usms_url, "USMS SOAP endpoint (usms.url)");
  cli.add_option("--api-version", api_version, "USMS API version, 1 or 2 "
                                               "(usms.api_version)")
    ->check(CLI::IsMember({"1", "2"}));
  cli.add_option("--offload-path", offload_path,
                 "folder for offload CSV files (offload.path)");
  cli.add_option("--contract", contract,
                 "USMS contract file; wins over --api-version "
                 "(usms.contract)");
  cli.add_flag("--reset-runtime-config", reset_runtime,
               "drop the settings saved at run time through the API");
  cli.add_flag("--version", show_version, "print the version and exit");
  cli.footer(settings_help); // built only when --help is asked for
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (show_version) {
    std::cout << "usms-gateway " << usms::app::gateway_version() << std::endl;
    return 0;
  }
  if (!listen.empty())
    flags["server.listen"] = listen;
  if (!db.empty())
    flags["storage.db"] = db;
  if (!usms_url.empty())
    flags["usms.url"] = usms_url;
  if (!api_version.empty())
    flags["usms.api_version"] = api_version;
  if (!offload_path.empty())
    flags["offload.path"] = offload_path;
  if (!contract.empty())
    flags["usms.contract"] = contract;

  auto env = usms::config::environment_map(environ);
  // The database decides where runtime values live: load once without
  // them to find it, then again with them.
  auto first = usms::config::load_settings(config_file, env, flags, {});
  if (!first) {
    std::cerr << "usms-gateway: " << first.error().message << std::endl;
    return 2;
  }
  std::map<std::string, std::string> runtime;
  try {
    runtime = usms::app::load_runtime_config(
      usms::config::resolved_storage(*first).location, reset_runtime);
  } catch (const std::exception& e) {
    std::cerr << "usms-gateway: " << e.what() << std::endl;
    return 2;
  }
  auto loaded = usms::config::load_settings(config_file, env, flags, runtime);
  if (!loaded) {
    std::cerr << "usms-gateway: " << loaded.error().message << std::endl;
    return 2;
  }
  if (auto err = usms::app::setup_logging(loaded->values.log.level,
                                          loaded->values.log.format);
      !err.empty()) {
    std::cerr << "usms-gateway: " << err << std::endl;
    return 2;
  }

  // Returning freed memory to the kernel after every journal transaction
  // made glibc madvise (and flush TLBs) thousands of times a second; keep
  // up to 256 MiB of free heap instead. (A no-op when linked with jemalloc,
  // which decays unused pages on its own schedule.)
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  // Every connection is a file descriptor; the database, the journal and
  // the SOAP client need some more.
  auto max_connections = loaded->values.server.max_connections;
  if (open_files != 0 && open_files != RLIM_INFINITY
      && static_cast<rlim_t>(max_connections) >= open_files)
    spdlog::warn("server.max_connections is {} but the open-files limit is "
                 "{}: running out of descriptors will cap connections first",
                 max_connections, open_files);
  usms::app::gateway gw{std::move(*loaded)};
  // A lease taken over means another instance has this one's requests: it
  // stops as if told to, and says so in its exit status.
  gw.on_lease_lost([] { ::kill(::getpid(), SIGTERM); });
  if (auto err = gw.start(); !err.empty()) {
    std::cerr << "usms-gateway: " << err << std::endl;
    spdlog::critical("cannot start: {}", err);
    return 1;
  }
  std::cout << "listening on " << gw.base_url() << std::endl;
  spdlog::info("usms-gateway {} listening on {}", usms::app::gateway_version(),
               gw.base_url());

  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP)
      break;
    if (auto err = gw.reload_tls(); err.empty())
      spdlog::info("SIGHUP: TLS certificate reloaded for new connections");
    else
      spdlog::error("SIGHUP: TLS certificate not reloaded: {}", err);
  }
  spdlog::info("signal {}: stopping", sig);
  gw.stop(std::chrono::seconds(10));
  spdlog::info("stopped");
  spdlog::shutdown();
  return gw.lease_lost() ? 3 : 0;
}
