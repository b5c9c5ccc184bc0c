#include "transport/server_listener.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "transport/server_session.hpp"

namespace usms::http::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
using boost::system::error_code;

namespace {

std::string format_endpoint(const net::ip::tcp::endpoint& ep) {
  auto address = ep.address();
  if (address.is_v6())
    return "[" + address.to_string() + "]:" + std::to_string(ep.port());
  return address.to_string() + ":" + std::to_string(ep.port());
}

} // namespace

listener::listener(net::io_context& ioc)
  : ioc_(ioc),
    acceptor_(net::make_strand(ioc)),
    retry_(acceptor_.get_executor()) {
}

std::string listener::listen(const std::string& host, uint16_t port) {
  auto where = host + ":" + std::to_string(port);
  error_code ec;
  tcp::resolver resolver{ioc_};
  auto results = resolver.resolve(host, std::to_string(port),
                                  tcp::resolver::passive
                                    | tcp::resolver::numeric_service,
                                  ec);
  if (ec || results.empty())
    return "cannot listen on " + where + ": "
           + (ec ? ec.message() : std::string("no address"));
  tcp::endpoint endpoint = results.begin()->endpoint();
  where = format_endpoint(endpoint);
  auto fail = [&](const error_code& e) {
    return "cannot listen on " + where + ": " + e.message();
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec)
    return fail(ec);
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec)
    return fail(ec);
  if (acceptor_.bind(endpoint, ec); ec)
    return fail(ec);
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec)
    return fail(ec);
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec)
    return fail(ec);
  return {};
}

void listener::run(std::shared_ptr<const server_context> ctx) {
  ctx_ = std::move(ctx);
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&listener::do_accept,
                                          shared_from_this()));
}

void listener::close_now() {
  error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run
  // concurrently, even with several I/O threads.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept,
                                                   shared_from_this()));
}

void listener::on_accept(error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open())
    return;
  if (ec) {
    // Typically out of file descriptors: back off instead of spinning.
    retry_.expires_after(std::chrono::milliseconds(50));
    retry_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec)
        self->do_accept();
    });
    return;
  }
  start(std::move(socket));
  do_accept();
}

void listener::start(tcp::socket socket) {
  error_code ec;
  if (ctx_->max_connections != 0
      && ctx_->sessions->size() >= ctx_->max_connections) {
    // Over the limit: close at once rather than leave the connection in the
    // backlog, so the client learns right away and open ones keep working.
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto remote = socket.remote_endpoint(ec);
  if (ec)
    return; // already gone
  start_session(std::move(socket), ctx_, format_endpoint(remote));
}

} // namespace usms::http::detail
