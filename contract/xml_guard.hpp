#pragma once

/// Checks a body before RapidXML sees it. RapidXML recurses once per nesting
/// level and knows nothing of DOCTYPE safety, so everything that could hurt
/// it is refused here by a linear scan without recursion.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace usms::xml {

/// Why a body was refused before parsing.
enum class guard_error : uint8_t {
  none,
  empty,       ///< no bytes, or only whitespace
  too_large,   ///< over `max_bytes`
  nul_byte,    ///< a NUL byte anywhere
  html,        ///< an HTML page (detail: its title)
  not_xml,     ///< does not start like XML (detail: the first characters)
  too_deep,    ///< nesting deeper than `max_depth`
  too_many,    ///< more than `max_nodes` elements and attributes
  doctype,     ///< a DOCTYPE (or ENTITY) declaration
  pi,          ///< a processing instruction other than the XML declaration
  truncated,   ///< ends inside a tag, comment or before the root closes
  malformed,   ///< structure the scan can already tell is wrong
};

struct guard_result {
  guard_error error = guard_error::none;
  std::string detail; ///< a sentence fragment saying what was found

  explicit operator bool() const { return error == guard_error::none; }
};

/// Scans `body` once: size, NUL bytes, HTML, leading garbage, element depth,
/// element and attribute count, DOCTYPE, processing instructions,
/// unterminated constructs, content after the root element.
guard_result check_body(std::string_view body, std::size_t max_bytes,
                        std::size_t max_depth, std::size_t max_nodes);

/// The `<title>` of an HTML page, whitespace collapsed and shortened; empty
/// when there is none.
std::string html_title(std::string_view body);

} // namespace usms::xml
