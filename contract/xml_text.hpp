#pragma once

/// XML 1.0 character rules and escaping, shared by the codec's writer and
/// reader. `check_xml_text` and `xml_escape` are declared in soap_codec.hpp.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace usms::soap {

/// Decodes the UTF-8 sequence at `pos` into `cp`; returns its length, or 0
/// when the bytes are not valid UTF-8 (overlong, truncated, > U+10FFFF).
std::size_t next_xml_char(std::string_view text, std::size_t pos,
                          uint32_t& cp);

/// Whether XML 1.0 allows code point `cp` in a document.
bool is_xml_char(uint32_t cp);

/// Appends `text` with `<>&"'` and CR escaped. `text` must be valid.
void append_escaped(std::string& out, std::string_view text);

/// Like `append_escaped`, but replaces characters XML 1.0 does not allow
/// with U+FFFD: for answers that cannot fail.
void append_escaped_lossy(std::string& out, std::string_view text);

/// `text` with characters XML 1.0 does not allow (and invalid UTF-8)
/// replaced by U+FFFD.
std::string sanitize_text(std::string_view text);

} // namespace usms::soap
