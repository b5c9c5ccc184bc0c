#pragma once

#include "config/settings.hpp"
#include "config/value_source.hpp"
#include "contract/result.hpp"

#include <map>
#include <optional>
#include <string>

namespace usms::config {

/// Which key's value came from where, by dotted name (`soap.retries`).
using source_map = std::map<std::string, value_source>;

/// The rules that tie keys together: `offload.amount <= offload.max_entries`,
/// `soap.backoff_base <= soap.backoff_max`, `usms.client_key` needs
/// `usms.client_cert`, `server.tls_cert` and `server.tls_key` are set
/// together, `server.tls_client_ca` needs them. The failure's code is the key
/// to blame; with `sources` the message says where both values came from.
std::optional<usms::failure>
check_consistency(const settings& s, const source_map* sources = nullptr);

/// Every key's own rules (config/keys.hpp) plus check_consistency: for
/// settings built in code rather than loaded.
std::optional<usms::failure> validate(const settings& s);

} // namespace usms::config
