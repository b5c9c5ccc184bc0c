#include "tests/support/test_support.hpp"

#include <future>
#include <memory>

namespace usms::test {

namespace {

usms::http::client& shared_client() {
  // One client for the whole test binary: connection pools are reused
  // across calls, as a real caller would.
  static usms::http::client instance([] {
    usms::http::client_options opts;
    opts.connect_timeout = std::chrono::seconds(5);
    opts.request_timeout = std::chrono::seconds(15);
    opts.max_connections_per_host = 256;
    opts.verify_peer = false; // tests use self-signed certificates
    opts.io_threads = 1;
    return opts;
  }());
  return instance;
}

} // namespace

http_reply http_call(const std::string& method, const std::string& url,
                     const std::string& body, usms::http::header_list headers,
                     std::chrono::milliseconds timeout) {
  usms::http::outgoing req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  req.timeout = timeout;
  auto done = std::make_shared<std::promise<http_reply>>();
  auto fut = done->get_future();
  shared_client().send(std::move(req), [done](usms::http::outcome out) {
    http_reply rep;
    rep.status = out.status;
    rep.body = std::move(out.body);
    rep.headers = std::move(out.headers);
    rep.failure = out.failure;
    if (out.failure != usms::http::failure_kind::none)
      rep.error = out.error.empty() ? "transport failure" : out.error;
    done->set_value(std::move(rep));
  });
  // The client enforces `timeout` itself; the margin only guards against a
  // completion that never comes (a client bug should fail the test, not
  // hang it).
  if (fut.wait_for(timeout + std::chrono::seconds(10))
      != std::future_status::ready) {
    http_reply rep;
    rep.error = "no completion from the HTTP client for " + url;
    rep.failure = usms::http::failure_kind::timeout_after_send;
    return rep;
  }
  return fut.get();
}

} // namespace usms::test
