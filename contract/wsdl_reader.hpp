#pragma once

/// What a document/literal WSDL 1.1 says about its operations, read into
/// plain values: each operation's SOAPAction, request and answer elements
/// with their children (name, type, how often), enumerations, fault
/// elements. The contract drafter (wsdl_draft.hpp) works from this.
/// Internal to contract/.

#include <string>
#include <string_view>
#include <vector>

#include "contract/result.hpp"

namespace usms::soap::wsdl {

/// A namespace-qualified name.
struct qname {
  std::string ns;
  std::string local;
  bool operator==(const qname& o) const {
    return ns == o.ns && local == o.local;
  }
};

/// One child element of a sequence.
struct child {
  std::string name;
  qname type;                   ///< empty local: an anonymous type
  bool complex = false;         ///< its type has child elements
  std::vector<child> children;  ///< when complex
  std::vector<std::string> values; ///< its type's enumeration, if any
  bool optional = false;        ///< minOccurs="0"
  bool repeated = false;        ///< maxOccurs > 1
};

/// A global element: its name and its children (none for simple ones).
struct element {
  qname name;
  qname type;
  std::vector<child> children;
  std::vector<std::string> values; ///< a simple element's enumeration
};

struct operation {
  std::string name;
  std::string soap_action;
  element request;
  element answer;
  std::vector<element> faults; ///< the fault messages' elements
};

struct service {
  std::string name;        ///< wsdl:definitions' name, or empty
  std::string target_ns;   ///< of wsdl:definitions
  std::vector<operation> operations;
  /// Global elements of each schema, by namespace (for fault details
  /// whose code and message are elements of their own).
  std::vector<element> globals;
};

/// Reads a WSDL 1.1 document with its schemas inline. Fails when it is not
/// XML, not a WSDL, or names messages and elements it does not define.
result<service> read_service(std::string_view text);

} // namespace usms::soap::wsdl
