#include "cli/gateway_client.hpp"

#include <future>
#include <memory>

namespace usms::cli {

gateway_client::gateway_client(std::string base_url, std::string token,
                               const tls_files& tls)
  : base_url_(std::move(base_url)), token_(std::move(token)) {
  while (!base_url_.empty() && base_url_.back() == '/')
    base_url_.pop_back();
  http::client_options opts;
  opts.connect_timeout = std::chrono::seconds(5);
  opts.max_connections_per_host = 2;
  opts.io_threads = 1;
  opts.ca_file = tls.ca_file;
  opts.client_cert_file = tls.cert_file;
  opts.client_key_file = tls.key_file.empty() ? tls.cert_file : tls.key_file;
  client_ = std::make_unique<http::client>(opts);
}

gateway_client::~gateway_client() {
  client_->stop();
}

gateway_reply gateway_client::call(const std::string& method,
                                   const std::string& target,
                                   const std::string& body,
                                   const std::string& idempotency_key,
                                   std::chrono::milliseconds timeout) {
  http::outgoing req;
  req.method = method;
  req.url = base_url_ + target;
  req.body = body;
  req.timeout = timeout;
  req.headers.push_back({"Accept", "application/json"});
  if (!body.empty())
    req.headers.push_back({"Content-Type", "application/json"});
  if (!token_.empty())
    req.headers.push_back({"Authorization", "Bearer " + token_});
  if (!idempotency_key.empty())
    req.headers.push_back({"Idempotency-Key", idempotency_key});
  // Shared: the I/O thread may still be inside set_value when this thread
  // wakes up and returns.
  auto done = std::make_shared<std::promise<gateway_reply>>();
  auto answer = done->get_future();
  client_->send(std::move(req), [done](http::outcome out) {
    gateway_reply rep;
    rep.reached = out.failure == http::failure_kind::none;
    rep.status = out.status;
    rep.body = std::move(out.body);
    rep.error = out.error;
    done->set_value(std::move(rep));
  });
  return answer.get();
}

} // namespace usms::cli
