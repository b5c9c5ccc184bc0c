#include "transport/client_proxy.hpp"

#include <memory>
#include <utility>

#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include "transport/beast_text.hpp"
#include "transport/client_call.hpp"

namespace usms::http::detail {

namespace bhttp = boost::beast::http;
using boost::beast::error_code;

namespace {

// The CONNECT request and the parser of its answer, alive until the answer
// is read. The request is one line and a Host header: written as text, it
// spares the TU a Beast serializer (seconds of compile time).
struct connect_exchange {
  explicit connect_exchange(const std::string& where)
    : request("CONNECT " + where + " HTTP/1.1\r\nHost: " + where
              + "\r\n\r\n") {
    // A CONNECT answer has no body: the tunnel follows the header.
    answer.skip(true);
  }

  std::string request;
  bhttp::response_parser<bhttp::empty_body> answer;
};

} // namespace

std::optional<url> parse_proxy(const std::string& option, std::string& error) {
  if (option.empty())
    return std::nullopt;
  auto proxy = parse_url(option);
  if (!proxy || proxy->scheme != "http") {
    // Not quoted: the URL may carry a password.
    error = "bad proxy URL: expected http://host:port";
    return std::nullopt;
  }
  return proxy;
}

void open_proxy_tunnel(boost::beast::tcp_stream& stream,
                       boost::beast::flat_buffer& buffer, const url& target,
                       tunnel_handler done) {
  auto where = authority(target, true);
  auto exchange = std::make_shared<connect_exchange>(where);
  boost::asio::async_write(
    stream, boost::asio::buffer(exchange->request),
    [&stream, &buffer, exchange, where,
     done = std::move(done)](error_code ec, std::size_t) mutable {
      if (ec)
        return done(ec, {});
      bhttp::async_read(
        stream, buffer, exchange->answer,
        [&buffer, exchange, where,
         done = std::move(done)](error_code ec, std::size_t) {
          if (ec)
            return done(ec, {});
          const auto& answer = exchange->answer.get();
          auto status = answer.result_int();
          if (status / 100 != 2)
            return done({}, "proxy refused CONNECT to " + where + ": "
                              + std::to_string(status) + " "
                              + to_std(answer.reason()));
          // Bytes after the header would be the server's TLS data before
          // our ClientHello, which cannot happen with a sane proxy.
          if (buffer.size() != 0)
            return done({}, "proxy sent data after its CONNECT answer");
          done({}, {});
        });
    });
}

} // namespace usms::http::detail
