#pragma once

/// What the codec's two readers share: the gateway's reader of USMS answers
/// (soap_parse_response.cpp) and the simulator's reader of incoming requests
/// (soap_parse_request.cpp). Both guard the untrusted bytes, parse them and
/// open Envelope/Body the same way; only the wording and failure codes of
/// their messages differ. Internal to contract/.

#include <string>
#include <string_view>

#include "contract/result.hpp"
#include "contract/soap_codec.hpp"
#include "contract/xml_reader.hpp"

namespace usms::soap {

/// A failure with its code first, as the readers branch on it.
failure parse_failure(std::string code, std::string message);

/// `s` without leading and trailing XML whitespace.
std::string_view trim_xml_space(std::string_view s);

/// An xsd:int that is >= 0; -1 when the text is not one.
long parse_count(std::string_view text);

/// Whether `n` has child elements (text-only elements have none).
bool has_child_elements(const xml::node* n);

/// Who is speaking, for messages: the gateway reads a "USMS answer", the
/// simulator reads "the request".
struct parse_subject {
  std::string_view name; ///< "USMS answer", "the request"
  /// For requests, the code of every structural failure (the simulator
  /// answers it as ErrorCode); answers use the codes `parse_response`
  /// documents instead.
  std::string_view code;
  bool answer;
};

/// The parts of an opened envelope.
struct envelope_parts {
  const xml::node* header = nullptr;     ///< nullptr when there is none
  const xml::node* body_child = nullptr; ///< the Body's first element
};

/// Guards `body` (xml_guard.hpp), parses it into `doc` (which keeps the tree
/// alive) and opens a SOAP 1.1 Envelope with a non-empty Body.
result<envelope_parts> read_envelope(xml::document& doc, std::string_view body,
                                     const parse_limits& limits,
                                     const parse_subject& who);

} // namespace usms::soap
