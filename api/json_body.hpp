#pragma once

/// Reading API request bodies: the JSON parse, the refusal of unknown keys,
/// the optional text keys every request may carry, and the ticket `fields`
/// object in SOAP names. Shared by the ticket, alarm and Alertmanager
/// parsers so that all of them refuse the same input the same way. Only
/// RapidJSON's forward declarations here.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/fwd.h>

#include "api/api_error.hpp"
#include "contract/contract.hpp"
#include "contract/ticket.hpp"

namespace usms::api {

/// Longest `source` (and `correlation_id`), in bytes.
inline constexpr std::size_t max_source_bytes = 256;

/// Longest `reply_to`, in bytes.
inline constexpr std::size_t max_reply_to_bytes = 2048;

/// Parses `body` into `out`; a 400 `malformed_json` when it is not JSON or
/// not an object.
std::optional<api_error> parse_json_object(std::string_view body,
                                           rapidjson::Document& out);

/// A 400 naming the first key of `obj` that is not in `known`.
std::optional<api_error>
reject_unknown_keys(const rapidjson::Value& obj,
                    std::initializer_list<const char*> known);

/// A JSON string's text (it may hold NUL bytes).
std::string json_text(const rapidjson::Value& v);

/// Reads the optional string `key` of `obj` into `out` (absent or null:
/// `out` unchanged): at most `max` bytes of text XML allows.
std::optional<api_error> read_text_key(const rapidjson::Value& obj,
                                       const char* key, std::string& out,
                                       std::size_t max);

/// Reads the optional `source` and `reply_to` (an http:// or https:// URL).
std::optional<api_error> read_source_and_reply_to(const rapidjson::Value& obj,
                                                  std::string& source,
                                                  std::string& reply_to);

/// Reads a `fields` object (snake_case names) into SOAP-named fields of a
/// `type` ticket, checking each name and value; a field operation `op` of
/// contract `k` does not carry is refused with 422. A null value is
/// skipped.
std::optional<api_error> read_ticket_fields(const rapidjson::Value& obj,
                                            ticket_type type,
                                            const soap::contract& k,
                                            const soap::operation& op,
                                            ticket_fields& out);

/// 422 `unsupported_by_usms_api`: the contract offers no operation for
/// `what` ("creating change tickets"); the message lists what it offers.
api_error not_offered(const soap::contract& k, const std::string& what,
                      const std::string& field);

/// 422 `unsupported_by_usms_api`: the contract's operation has no element
/// for `what` (a field, a filter, a work note).
api_error not_carried(const soap::contract& k, const std::string& what,
                      const std::string& field);

} // namespace usms::api
