#pragma once

/// What every connection of one HTTP client shares: the options, the checked
/// proxy, the TLS context. Built once when the client starts, immutable
/// after. Private to transport/.

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "transport/http_client.hpp"
#include "transport/url.hpp"

namespace usms::http::detail {

struct client_config {
  client_options options;
  std::optional<url> proxy;
  std::string proxy_error; ///< non-empty: every call fails with it
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::string tls_error; ///< non-empty: every https call fails with it
};

/// Checks the proxy and builds the TLS context. Errors do not throw: they
/// surface on the calls they concern, as `connect` failures.
std::shared_ptr<const client_config> make_client_config(client_options options);

} // namespace usms::http::detail
