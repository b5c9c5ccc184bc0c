#pragma once

/// The WSDL and XML Schema a contract describes: what the simulator serves
/// at `?wsdl` for any contract file, so that SOAP stacks (zeep, CXF, the
/// operator's tools) and schema validators can check what the codec writes.
/// For the built-in contracts the result matches the shipped
/// usms-v1.wsdl / usms-v2.wsdl apart from comments and documentation.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contract/contract.hpp"

namespace usms::soap {

/// One namespace's schema: {target namespace, the xsd:schema document}.
using schema_text = std::pair<std::string, std::string>;

/// A standalone XSD per namespace the contract uses (the main namespace
/// first).
std::vector<schema_text> generate_schemas(const contract& k);

/// A self-contained WSDL 1.1 (SOAP 1.1 binding, document/literal) with the
/// schemas inline; `location` is its soap:address.
std::string generate_wsdl(const contract& k,
                          std::string_view location
                          = "http://localhost:8081/usms");

} // namespace usms::soap
