#pragma once

/// Access control: bearer tokens with scopes `read`
/// (GET), `submit` (GET plus ticket requests) and `admin` (everything).
/// `/healthz`, `/readyz` and `/metrics` stay open unless `protect_metrics`.
/// The HTTP server asks it from a request's head, before the body is read.

#include <optional>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// The scope a request needs; nullopt when it needs none.
std::optional<config::token_scope> required_scope(std::string_view method,
                                                  std::string_view path,
                                                  bool protect_metrics);

/// The scope of `authorization` (`Bearer …`) among `tokens`, compared in
/// constant time; nullopt when no token matches.
std::optional<config::token_scope>
token_scope_of(std::string_view authorization,
               const std::vector<config::auth_token>& tokens);

/// A head guard answering 401 / 403 from the method, target and
/// Authorization header alone; empty (open) when `tokens` is empty.
http::head_guard make_auth_guard(std::vector<config::auth_token> tokens,
                                 bool protect_metrics);

} // namespace usms::app
