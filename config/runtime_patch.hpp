#pragma once

#include "config/loader.hpp"
#include "contract/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace usms::config {

/// The settings as GET /api/v1/config shows them, grouped by section:
/// `{"server": {"listen": "127.0.0.1:8080", "max_body": "1MiB"}, ...,
/// "sources": {"server": {"listen": "default", ...}, ...}}`. Durations and
/// sizes in their text form (`"30s"`, `"1MiB"`), optional durations as a
/// duration or their word (`"disabled"`, `"never"`), priority tables as
/// objects (`{"critical": 1}`), URLs with their password as `***`. Secrets are
/// never included: `soap.password` shows as
/// `"password_set": true|false`, `auth.tokens` as `"tokens_configured": N`.
std::string to_json(const loaded& current);

/// What a PUT /api/v1/config does to the settings.
struct patch_result {
  /// The merged settings; keys given get the source `runtime`.
  loaded updated;
  /// The runtime-changeable keys given → their JSON text, to persist and
  /// hand to load_settings on the next start.
  std::map<std::string, std::string> runtime_json;
  /// The keys whose value differs from before (dotted names).
  std::vector<std::string> changed_keys;
};

/// Merges a PUT body shaped like to_json's output (`{"soap": {"retries":
/// 5}, "offload": {...}}`) into `current`. Every key is read and checked
/// first, then the cross-field rules on the merged result; any problem
/// refuses the whole body and changes nothing. The failure's code is the
/// dotted key to blame (`malformed` for a body that is not a JSON object of
/// objects) and its message names it: `soap.retrys is not a setting`,
/// `server.listen cannot be changed at run time; edit the config file`,
/// `soap.retries: expected an integer, got a string`; several problems are
/// joined with `; `.
///
/// Echoes are accepted so a GET answer can be sent back edited: the
/// `sources` section, `soap.password_set` and `auth.tokens_configured` are
/// ignored, and so is a key that cannot change at run time when its value
/// equals the current one (auth.tokens is refused whenever given); a URL
/// sent back with its password as `***` stands for the current value. A
/// priority table given replaces the whole table. `soap.password` takes a
/// string, or null or `""` to clear it.
usms::result<patch_result> apply_patch(const loaded& current,
                                       std::string_view json_body);

} // namespace usms::config
