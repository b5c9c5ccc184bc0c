#pragma once

/// A namespace-aware view over RapidXML. RapidXML keeps `prefix:local` names
/// as written; here every element is matched by namespace URI and local name,
/// resolving prefixes (and the default `xmlns`) through the element's
/// ancestors, so any prefix a peer picks works.
///
/// Call `check_body` (xml_guard.hpp) first: `document::parse` assumes the
/// depth is bounded.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidxml/rapidxml.hpp>

namespace usms::xml {

using node = rapidxml::xml_node<char>;

/// Owns one copy of the input and the parsed tree.
class document {
public:
  document();
  ~document();
  document(const document&) = delete;
  document& operator=(const document&) = delete;

  /// Copies `text` once and parses it, validating closing tags. Returns an
  /// empty string on success, else why the XML is not well-formed.
  std::string parse(std::string_view text);

  /// The root element; nullptr before a successful parse.
  const node* root() const;

private:
  std::string buffer_;
  std::unique_ptr<rapidxml::xml_document<char>> doc_;
};

/// `Envelope` for `soapenv:Envelope`.
std::string_view local_name(const node* n);

/// The URI bound to `prefix` (empty: the default namespace) in scope at `n`.
/// nullopt when the prefix is not declared; the unprefixed default namespace
/// is then "" (no namespace).
std::optional<std::string_view> lookup_namespace(const node* n,
                                                 std::string_view prefix);

/// The namespace URI of element `n`; nullopt when its prefix is unbound.
std::optional<std::string_view> namespace_of(const node* n);

/// Whether `n` is the element {ns}local.
bool is(const node* n, std::string_view ns, std::string_view local);

/// The first child element of `parent` (skipping text and comments).
const node* first_element(const node* parent);

/// The next sibling element of `n`.
const node* next_element(const node* n);

/// The first child element {ns}local of `parent`; nullptr when absent.
const node* find_child(const node* parent, std::string_view ns,
                       std::string_view local);

/// The element's character data (text and CDATA children, concatenated).
std::string text(const node* n);

/// "{urn:x}Name" for messages.
std::string display_name(const node* n);

} // namespace usms::xml
