// Untrusted bytes pass `check_body` before RapidXML sees them; elements are
// matched by namespace URI.

#include "contract/soap_parse_envelope.hpp"

#include <climits>

#include "contract/xml_guard.hpp"

namespace usms::soap {

namespace {

constexpr std::string_view soap12_ns
  = "http://www.w3.org/2003/05/soap-envelope";

failure guard_failure(const xml::guard_result& g, const parse_subject& who) {
  using xml::guard_error;
  std::string name{who.name};
  auto code = [&](std::string_view answer_code) {
    return who.answer ? std::string{answer_code} : std::string{who.code};
  };
  switch (g.error) {
    case guard_error::empty:
      return parse_failure(code("empty_body"),
                           who.answer ? "USMS answered with an empty body"
                                      : "the request body is empty");
    case guard_error::html:
      return parse_failure(
        code("html"),
        (who.answer ? "USMS answered with an HTML page, not SOAP"
                    : "the request is an HTML page, not SOAP")
          + (g.detail.empty() ? std::string{" (no title)"} : ": " + g.detail));
    case guard_error::not_xml:
      return parse_failure(code("not_xml"), name + " is not XML: " + g.detail);
    case guard_error::too_large:
      return parse_failure(code("too_large"), name + " refused: " + g.detail);
    case guard_error::nul_byte:
    case guard_error::too_deep:
    case guard_error::too_many:
      return parse_failure(code("hostile"), name + " refused: " + g.detail);
    case guard_error::doctype:
    case guard_error::pi:
      return parse_failure(code("hostile"), name + " refused: it holds "
                                              + g.detail
                                              + ", which SOAP does not allow");
    case guard_error::truncated:
      return parse_failure(code("malformed"),
                           name + " is truncated XML: it " + g.detail);
    case guard_error::malformed:
    case guard_error::none:
      break;
  }
  return parse_failure(code("malformed"),
                       name + " is not well-formed XML: " + g.detail);
}

} // namespace

failure parse_failure(std::string code, std::string message) {
  return failure{std::move(message), std::move(code)};
}

std::string_view trim_xml_space(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

long parse_count(std::string_view text) {
  auto s = trim_xml_space(text);
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  if (s.empty() || s.size() > 10)
    return -1;
  long x = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return -1;
    x = x * 10 + (c - '0');
  }
  return x <= INT_MAX ? x : -1;
}

bool has_child_elements(const xml::node* n) {
  return xml::first_element(n) != nullptr;
}

result<envelope_parts> read_envelope(xml::document& doc, std::string_view body,
                                     const parse_limits& limits,
                                     const parse_subject& who) {
  auto g = xml::check_body(body, limits.max_bytes, limits.max_depth,
                           limits.max_nodes);
  if (!g)
    return guard_failure(g, who);
  std::string name{who.name};
  auto code = std::string{who.answer ? "malformed" : who.code};
  if (auto err = doc.parse(body); !err.empty())
    return parse_failure(code, name + " is not well-formed XML: " + err);
  auto root = doc.root();
  auto not_soap = std::string{who.answer ? "not_soap" : who.code};
  if (!xml::is(root, envelope_ns, "Envelope")) {
    if (xml::is(root, soap12_ns, "Envelope"))
      return parse_failure(not_soap, name + " is a SOAP 1.2 envelope; USMS "
                                            "speaks SOAP 1.1 ("
                                       + std::string{envelope_ns} + ")");
    return parse_failure(not_soap, name + " is not a SOAP 1.1 envelope: its "
                                          "root element is "
                                     + xml::display_name(root));
  }
  envelope_parts parts;
  parts.header = xml::find_child(root, envelope_ns, "Header");
  auto soap_body = xml::find_child(root, envelope_ns, "Body");
  if (!soap_body)
    return parse_failure(not_soap, name + " has no SOAP Body");
  parts.body_child = xml::first_element(soap_body);
  if (!parts.body_child)
    return parse_failure(not_soap, name + " has an empty SOAP Body");
  return parts;
}

} // namespace usms::soap
