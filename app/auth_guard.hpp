#pragma once

/// Access control: bearer tokens with scopes `read`
/// (GET), `submit` (GET plus ticket requests) and `admin` (everything).
/// `/healthz`, `/readyz` and `/metrics` stay open unless `protect_metrics`.

#include <optional>
#include <string_view>
#include <vector>

#include "app/http_api.hpp"
#include "config/settings.hpp"

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

/// A guard answering 401 / 403; empty (open) when `tokens` is empty.
request_guard make_auth_guard(std::vector<config::auth_token> tokens,
                              bool protect_metrics);

} // namespace usms::app
