#pragma once

/// A tiny webhook receiver for the reply tests: a real HTTP server on
/// loopback (usms::http::server) that records every POST it gets and
/// answers with a status the test chooses.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "transport/http_server.hpp"

namespace usms::test {

class webhook_receiver {
public:
  /// One request the receiver got.
  struct delivery {
    std::string method;
    std::string target;
    std::string body;
    std::string request_id_header; ///< X-USMS-Request-Id
    unsigned answered = 0;         ///< status given; 0 when held
  };

  /// Listens on 127.0.0.1 on a free port.
  webhook_receiver();
  /// Stops the server (held requests are dropped).
  ~webhook_receiver();
  webhook_receiver(const webhook_receiver&) = delete;
  webhook_receiver& operator=(const webhook_receiver&) = delete;

  /// `http://127.0.0.1:PORT` + `path`.
  std::string url(const std::string& path = "/hook") const;

  /// The next `n` requests get `status` (then 200 again).
  void fail_next(int n, unsigned status = 500);
  /// While true, requests get no answer at all.
  void hold(bool on);

  std::vector<delivery> deliveries() const;
  /// Waits until at least `n` requests came; returns whether they did.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

private:
  mutable std::mutex mtx_;
  std::vector<delivery> got_;
  int fail_left_ = 0;
  unsigned fail_status_ = 500;
  bool hold_ = false;
  std::vector<usms::http::responder> held_;
  std::unique_ptr<usms::http::server> server_;
};

} // namespace usms::test
