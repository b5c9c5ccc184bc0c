#include "transport/client_config.hpp"

#include <utility>

#include "transport/client_proxy.hpp"
#include "transport/tls_setup.hpp"

namespace usms::http::detail {

std::shared_ptr<const client_config>
make_client_config(client_options options) {
  auto cfg = std::make_shared<client_config>();
  cfg->options = std::move(options);
  cfg->proxy = parse_proxy(cfg->options.proxy, cfg->proxy_error);
  auto tls = make_client_tls(cfg->options);
  cfg->tls = std::move(tls.context);
  cfg->tls_error = std::move(tls.error);
  return cfg;
}

} // namespace usms::http::detail
