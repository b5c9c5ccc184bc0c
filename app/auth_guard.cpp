#include "app/auth_guard.hpp"

#include <array>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "api/api_error.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

using digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

digest hash(std::string_view text) {
  digest d;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         d.data());
  return d;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

http::response auth_error(unsigned status, const char* code,
                          const char* message) {
  http::response res;
  res.status = status;
  res.body = api::to_json(api::api_error{status, code, message, ""});
  if (status == 401)
    res.headers.push_back({"WWW-Authenticate", "Bearer realm=\"usms-gateway\""});
  return res;
}

} // namespace

std::optional<config::token_scope> required_scope(std::string_view method,
                                                  std::string_view path,
                                                  bool protect_metrics) {
  if (path == "/healthz" || path == "/readyz" || path == "/metrics")
    return protect_metrics ? std::optional{config::token_scope::read}
                           : std::nullopt;
  if (!starts_with(path, "/api/"))
    return std::nullopt; // the pages and their assets hold no data
  if (method == "GET" || method == "HEAD")
    return config::token_scope::read;
  if (starts_with(path, "/api/v1/tickets/")
      && (method == "POST" || method == "PATCH"))
    return config::token_scope::submit;
  // Alarm events are ticket requests by another name.
  if ((path == "/api/v1/alarms" || path == "/api/v1/alertmanager")
      && method == "POST")
    return config::token_scope::submit;
  return config::token_scope::admin;
}

std::optional<config::token_scope>
token_scope_of(std::string_view authorization,
               const std::vector<config::auth_token>& tokens) {
  // The scheme name is case-insensitive (RFC 7235).
  constexpr std::string_view bearer = "bearer ";
  if (authorization.size() <= bearer.size())
    return std::nullopt;
  for (size_t i = 0; i < bearer.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i]))
        != bearer[i])
      return std::nullopt;
  // Hashing first makes every comparison the same length, and
  // CRYPTO_memcmp takes the same time whatever matches.
  auto given = hash(authorization.substr(bearer.size()));
  std::optional<config::token_scope> found;
  for (auto& t : tokens) {
    auto want = hash(t.token);
    if (CRYPTO_memcmp(given.data(), want.data(), given.size()) == 0)
      found = t.scope;
  }
  return found;
}

http::head_guard make_auth_guard(std::vector<config::auth_token> tokens,
                                 bool protect_metrics) {
  if (tokens.empty())
    return {};
  return [tokens = std::move(tokens), protect_metrics](
           const http::request& req) -> std::optional<http::response> {
    auto path = http::target_path(req.target);
    auto need = required_scope(req.method, path, protect_metrics);
    if (!need)
      return std::nullopt;
    auto have = token_scope_of(req.header("Authorization"), tokens);
    if (!have)
      return auth_error(401, "unauthorized",
                        "a valid bearer token is required");
    if (static_cast<int>(*have) < static_cast<int>(*need))
      return auth_error(403, "forbidden",
                        "this token's scope does not allow that");
    return std::nullopt;
  };
}

} // namespace usms::app
