#pragma once

/// Helpers shared by every integration test: start a real executable as a
/// child process and wait until it listens, make blocking HTTP calls, make
/// temporary directories, poll for a condition.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "transport/http_client.hpp"
#include "transport/http_types.hpp"

namespace usms::test {

/// USMS_BIN_DIR + "/" + name
std::string bin_path(const std::string& name);

/// A child process with stdout+stderr captured (a reader thread keeps all
/// output).
class child_process {
public:
  /// fork/exec `exe` with `args`, extra environment `env` ("K=V"), working
  /// dir `cwd` (empty: current). Waits up to `ready_timeout` for a stdout
  /// line "listening on http(s)://HOST:PORT"; throws std::runtime_error with
  /// the captured output if it exits or times out first.
  static std::unique_ptr<child_process>
  start(const std::string& exe, std::vector<std::string> args,
        std::vector<std::string> env = {}, std::string cwd = {},
        std::chrono::milliseconds ready_timeout = std::chrono::seconds(20));

  /// "http://127.0.0.1:PORT" (the scheme and host the child printed).
  const std::string& base_url() const;
  uint16_t port() const;
  pid_t pid() const;
  void send_signal(int sig);
  /// Waits for exit; returns the exit code (or 128+signal), or -1 on
  /// timeout.
  int wait_exit(std::chrono::milliseconds timeout);
  /// Everything captured so far (stdout and stderr, interleaved by line).
  std::string output() const;
  bool running();
  /// SIGKILL + reap if still running.
  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

private:
  struct impl;
  child_process();
  std::unique_ptr<impl> impl_;
};

struct http_reply {
  unsigned status = 0;
  std::string body;
  usms::http::header_list headers;
  /// Transport error, empty when an answer came.
  std::string error;
  /// How the call ended (`none` when an answer came).
  usms::http::failure_kind failure = usms::http::failure_kind::none;
};

/// A blocking call for tests (uses one shared usms::http::client
/// internally; it does not verify TLS peers, so self-signed test
/// certificates work).
http_reply http_call(const std::string& method, const std::string& url,
                     const std::string& body = {},
                     usms::http::header_list headers = {},
                     std::chrono::milliseconds timeout
                     = std::chrono::seconds(15));

/// A fresh temporary directory, removed (recursively) on destruction.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const;

private:
  std::string path_;
};

/// Takes one whole HTTP answer (its head and Content-Length bytes of body)
/// off the front of `bytes` read from a connection; empty, and `bytes`
/// untouched, while it is not complete yet.
std::string take_http_answer(std::string& bytes);

/// Polls `pred` every 20ms until true or timeout; returns the last value.
bool wait_until(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout);

} // namespace usms::test
