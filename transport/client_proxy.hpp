#pragma once

/// The client's HTTP proxy: checking the configured proxy URL, and opening a
/// tunnel through the proxy with CONNECT (for https, whose TLS then runs end
/// to end inside the tunnel). Private to transport/.

#include <functional>
#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "transport/url.hpp"

namespace usms::http::detail {

/// The proxy named by the `proxy` option (`http://host:port`), or nothing
/// and `error` set when the option is not such a URL. An empty option: no
/// proxy, no error.
std::optional<url> parse_proxy(const std::string& option, std::string& error);

/// How a CONNECT ended: `ec` when the exchange with the proxy failed,
/// `refusal` when the proxy answered but no usable tunnel came of it; both
/// empty when the tunnel is open.
using tunnel_handler
  = std::function<void(boost::beast::error_code ec, std::string refusal)>;

/// Asks the proxy at the other end of `stream` for a tunnel to `target`.
/// `stream` and `buffer` must outlive the exchange (the caller's handler
/// keeps their owner alive); `done` runs on the stream's executor.
void open_proxy_tunnel(boost::beast::tcp_stream& stream,
                       boost::beast::flat_buffer& buffer, const url& target,
                       tunnel_handler done);

} // namespace usms::http::detail
