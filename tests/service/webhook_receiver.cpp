#include "tests/service/webhook_receiver.hpp"

#include <stdexcept>
#include <thread>

namespace usms::test {

webhook_receiver::webhook_receiver() {
  usms::http::server_options opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  server_ = std::make_unique<usms::http::server>(
    opts, [this](usms::http::request req, usms::http::responder respond) {
      std::unique_lock<std::mutex> guard{mtx_};
      delivery d;
      d.method = req.method;
      d.target = req.target;
      d.body = std::move(req.body);
      d.request_id_header = std::string{req.header("X-USMS-Request-Id")};
      if (hold_) {
        got_.push_back(std::move(d));
        held_.push_back(std::move(respond));
        return;
      }
      usms::http::response res;
      res.status = 200;
      if (fail_left_ > 0) {
        --fail_left_;
        res.status = fail_status_;
      }
      d.answered = res.status;
      got_.push_back(std::move(d));
      guard.unlock();
      res.body = "{}";
      respond(std::move(res));
    });
  if (auto err = server_->start(); !err.empty())
    throw std::runtime_error("webhook receiver: " + err);
}

webhook_receiver::~webhook_receiver() {
  server_->stop();
  std::lock_guard<std::mutex> guard{mtx_};
  held_.clear();
}

std::string webhook_receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
}

void webhook_receiver::fail_next(int n, unsigned status) {
  std::lock_guard<std::mutex> guard{mtx_};
  fail_left_ = n;
  fail_status_ = status;
}

void webhook_receiver::hold(bool on) {
  std::lock_guard<std::mutex> guard{mtx_};
  hold_ = on;
}

std::vector<webhook_receiver::delivery> webhook_receiver::deliveries() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return got_;
}

bool webhook_receiver::wait_for(std::size_t n,
                                std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (got_.size() >= n)
        return true;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

} // namespace usms::test
