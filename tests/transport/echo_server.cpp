// transport_echo_server: a tiny server on usms::http::server for measuring
// throughput (`wrk -t2 -c50 -d5s http://127.0.0.1:PORT/`). Answers
// {"ok":true} or echoes a request body. Not a test.
//
//   transport_echo_server [port] [io_threads]
#include "transport/http_server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  usms::http::server_options options;
  if (argc > 1)
    options.port = static_cast<uint16_t>(std::atoi(argv[1]));
  if (argc > 2)
    options.io_threads = static_cast<unsigned>(std::atoi(argv[2]));
  // Block the signals before the I/O threads start so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  usms::http::server server{options, [](usms::http::request req,
                                        usms::http::responder respond) {
                              usms::http::response res;
                              res.body = req.body.empty() ? "{\"ok\":true}"
                                                          : std::move(req.body);
                              respond(std::move(res));
                            }};
  if (auto err = server.start(); !err.empty()) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  std::printf("listening on http://%s:%u\n", options.host.c_str(),
              static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  server.stop();
  return 0;
}
