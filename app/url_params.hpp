#pragma once

/// The parts of a request target the routes read: the decoded path segments
/// and the query parameters, each parameter checked against what its route
/// allows. A failed check is the 400 answer that names the parameter.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.hpp"

namespace usms::app {

/// The segments of `path`, percent-decoded (`+` stays a plus sign; a segment
/// with a bad escape is kept as it came); empty segments are dropped, so
/// `/api//v1/` gives `api`, `v1`.
std::vector<std::string> split_path(std::string_view path);

/// The query parameters of a request target; the last of repeated keys wins.
using params_map = std::map<std::string, std::string>;

/// The query parameters of `target` (`path?query`), decoded.
params_map params_of(std::string_view target);

/// The value of `key`, or null when the target does not have it.
const std::string* param(const params_map& p, const char* key);

/// Reads `key` as an integer in [lo, hi] into `out`; `out` stays as it is
/// when the parameter is absent.
std::optional<api::api_error> read_int(const params_map& p, const char* key,
                                       int64_t lo, int64_t hi, int64_t& out);

/// Reads `key` as an ISO 8601 time into `out` (Unix milliseconds); `out`
/// stays as it is when the parameter is absent or empty.
std::optional<api::api_error> read_time(const params_map& p, const char* key,
                                        int64_t& out);

/// Reads `key`, which must be one of `allowed` (compared without case), into
/// `out` in the allowed spelling; `out` stays as it is when the parameter is
/// absent or empty.
std::optional<api::api_error>
read_choice(const params_map& p, const char* key,
            std::initializer_list<const char*> allowed, std::string& out);

/// Reads `key` as free text of at most 256 characters into `out`; `out`
/// stays as it is when the parameter is absent.
std::optional<api::api_error> read_text(const params_map& p, const char* key,
                                        std::string& out);

} // namespace usms::app
