#pragma once

#include "config/settings.hpp"
#include "config/validate.hpp"
#include "config/value_source.hpp"
#include "contract/result.hpp"

#include <map>
#include <string>

namespace usms::config {

/// Settings together with where each value came from.
struct loaded {
  settings values;
  /// Every key of the registry by dotted name (`soap.retries`) → its source.
  source_map sources;
};

/// Loads the settings, later sources winning: built-in defaults < the TOML
/// file < environment variables < flags < runtime values.
///
/// - `toml_path`: a TOML file with the tables `[server]` `[storage]`
///   `[cluster]` `[usms]` `[soap]` `[intake]` `[alarms]` `[alertmanager]`
///   `[auth]` `[offload]` `[trend]` `[log]` `[reply]`; empty = no file.
///   Unknown tables or keys are errors naming the line.
/// - `env`: the whole environment (see environment_map). Reads
///   `USMS_GW_<SECTION>_<KEY>` (e.g. `USMS_GW_USMS_MAX_IN_FLIGHT=64`,
///   `USMS_GW_AUTH_TOKENS=tok1:admin,tok2:read`). A `USMS_GW_<SECTION>_…`
///   variable of a known section that names no key is an error (a typo);
///   other `USMS_GW_…` variables are left to their owners. The default of
///   `usms.proxy` is `http_proxy` (or, when that is unset, `HTTP_PROXY`).
/// - `flags`: dotted key → text, e.g. `{"server.listen", "0.0.0.0:9000"}`.
/// - `runtime_json`: dotted key → JSON text, as saved by PUT /api/v1/config
///   (see apply_patch); only runtime-changeable keys are accepted.
///
/// An empty `cluster.instance_id` is replaced by default_instance_id()
/// (config/instance_id.hpp) after all sources, keeping its source. Which of
/// `storage.url` and `storage.db` applies: resolved_storage() in
/// config/storage_target.hpp.
///
/// Every value is checked where it is read; the failure's code is the
/// dotted key and the message names key and source, e.g. `soap.retries from
/// USMS_GW_SOAP_RETRIES: 'abc' is not an integer`. Secrets are never quoted.
/// Other codes: `config_file` (the file cannot be read or is not TOML), the
/// section name (an unknown `[section]`), the variable name (an unknown
/// `USMS_GW_<SECTION>_…` variable).
usms::result<loaded>
load_settings(const std::string& toml_path,
              const std::map<std::string, std::string>& env,
              const std::map<std::string, std::string>& flags,
              const std::map<std::string, std::string>& runtime_json);

/// The process environment (`environ` or main's `envp`) as a map.
std::map<std::string, std::string> environment_map(char** envp);

} // namespace usms::config
