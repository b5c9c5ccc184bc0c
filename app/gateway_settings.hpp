#pragma once

/// What the gateway's parts are told of the settings: each actor's and
/// client's settings made from the loaded configuration (at start and at
/// every change at run time).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "contract/soap_codec.hpp"
#include "messages/settings.hpp"
#include "transport/http_client.hpp"

namespace usms::app {

/// Splits `HOST:PORT` / `[v6]:PORT`.
bool split_listen(const std::string& text, std::string& host, uint16_t& port);

/// The contract in force: the contract file's, else the built-in one of
/// `usms.api_version`.
std::shared_ptr<const soap::contract>
contract_in_force(const config::settings& s,
                  const std::shared_ptr<const soap::contract>& file);

/// The names SOAP calls are counted under: every operation of the contract
/// file, or of both built-in contracts (api_version may change at run
/// time).
std::vector<std::string>
operation_names(const std::shared_ptr<const soap::contract>& file);

/// The intake's and supervisors' settings; `shared`: other instances use
/// the storage too (every call is fenced).
pipeline_settings pipeline_from(const config::settings& s,
                                const soap::contract& k, bool shared);

dispatcher_settings dispatcher_from(const config::settings& s,
                                    const soap::contract& k);

alarm_engine_settings alarms_from(const config::settings& s,
                                  const soap::contract& k);

http::client_options client_from(const config::settings& s);

/// Why `c`, built from `s`, cannot make SOAP calls to `s.usms.url`: a
/// refusal for apply_config (naming usms.proxy when the proxy is at fault),
/// or "" when it can.
std::string unusable(const http::client& c, const config::settings& s);

} // namespace usms::app
