#pragma once

/// Reading the gateway's JSON answers in tests: parse (failing the test on
/// bad JSON), pick fields with a fallback, quote text for a request body.

#include <cstdint>
#include <string>

#include <rapidjson/document.h>

namespace usms::test {

/// Reads a JSON text; fails the test on bad JSON. Main test thread only:
/// Catch2 v2's assertions and messages are not thread-safe.
rapidjson::Document parse_json(const std::string& text);

/// The `request_id` of an acceptance answer, or "" when `body` is not a JSON
/// object with a string `request_id`. Touches no Catch2 macro, so worker
/// threads of a test use it; the test checks what they got after join().
std::string request_id_of(const std::string& body);

/// `doc[key]` as a string, or "" when absent / not a string.
std::string json_string(const rapidjson::Value& doc, const char* key);

/// `doc[key]` as an integer, or `fallback` when absent / not an integer.
int64_t json_int(const rapidjson::Value& doc, const char* key,
                 int64_t fallback = -1);

/// A JSON string literal (quoted, escaped) of `text`.
std::string json_quote(const std::string& text);

/// True for the request states that end a request.
bool is_finished_state(const std::string& state);

} // namespace usms::test
