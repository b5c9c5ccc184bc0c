#pragma once

/// How the HTTP server reads a request with Beast's parser: its limits
/// while the head is read, and once the head is let through. Header-only,
/// so that the HTTP fuzz target (tests/fuzz/http_head_fuzz.cpp) runs these
/// very steps without the server's network code.

#include <cstdint>
#include <limits>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace usms::http {

using request_parser
  = boost::beast::http::request_parser<boost::beast::http::string_body>;

/// Larger than Beast's 8 KiB default: SOAP and proxy headers can be long.
constexpr std::uint32_t request_header_limit = 64 * 1024;

/// A fresh parser (one per request) as its head is read. No body limit
/// yet: the head guard speaks first (a body without a token is refused as
/// such, whatever its size). Not boost::none: Beast 1.74 compares a
/// declared length against it as against an optional, and "none" is less
/// than any length.
inline void limit_head(request_parser& p) {
  p.body_limit(std::numeric_limits<std::uint64_t>::max());
  p.header_limit(request_header_limit);
}

/// Once the head was let through: a declared length over `max_body` is
/// refused before any body is read, a chunked body as it grows; the body
/// is parsed as it comes (eagerly), what arrived with the head at once.
inline boost::beast::error_code ready_for_body(request_parser& p,
                                               std::uint64_t max_body) {
  auto declared = p.content_length();
  if (declared && *declared > max_body)
    return boost::beast::http::error::body_limit;
  p.body_limit(max_body);
  p.eager(true);
  return {};
}

} // namespace usms::http
