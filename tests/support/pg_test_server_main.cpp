// usms-pg-test-server start [--durable] DIR | stop DIR: the PostgreSQL
// server of one test run, for a CTest fixture, scripts/test --postgres and
// the benches. `start` leaves a server running and its state in DIR (the
// tests find it through USMS_TEST_PG_DIR=DIR) and prints its URL
// (`--durable`: fsync on, as a production server); `stop` ends it and
// removes its files. Without PostgreSQL installed `start` says so and succeeds:
// each test then reports the missing programs itself (and fails under CI).

#include <iostream>
#include <string>

#include "tests/support/postgres_server.hpp"

int main(int argc, char** argv) {
  using usms::test::postgres_server;
  std::string command = argc >= 3 ? argv[1] : "";
  bool durable = argc == 4 && std::string{argv[2]} == "--durable";
  if ((command != "start" && command != "stop")
      || argc != (durable && command == "start" ? 4 : 3)) {
    std::cerr << "usage: usms-pg-test-server start [--durable] DIR | stop DIR"
              << std::endl;
    return 2;
  }
  std::string dir = argv[argc - 1];
  try {
    // A server a crashed run left behind goes first.
    bool stopped = postgres_server::stop_detached(dir);
    if (command == "stop") {
      std::cout << (stopped ? "stopped" : "no server was running") << std::endl;
      return 0;
    }
    if (postgres_server::bin_dir().empty()) {
      std::cout << "PostgreSQL is not installed: no server started"
                << std::endl;
      return 0;
    }
    postgres_server::options opts;
    opts.detachable = true;
    opts.durable = durable;
    auto server = postgres_server::start(opts);
    server->detach_to(dir);
    std::cout << server->url() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "usms-pg-test-server: " << e.what() << std::endl;
    return 1;
  }
}
