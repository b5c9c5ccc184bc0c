#pragma once

/// A first contract file for an operator's WSDL (`usmsctl contract
/// from-wsdl`): the namespace, every operation with its SOAPAction and its
/// request and answer elements, the children of those elements matched to
/// the gateway's roles (type, ticket id, fields, work note, filter, limit,
/// ticket id and tickets in answers) and to its ticket fields by their
/// names, enumerations matched to the model's values, fault elements and
/// codes. Whatever the WSDL cannot tell (what a status is called, whether a
/// lookup by ExternalReference works, a field no element matches) is marked
/// with a `TODO` comment. A starting point for a person, not a contract to
/// use unread.

#include <string>
#include <string_view>

#include "contract/result.hpp"

namespace usms::soap {

/// Drafts a contract file from a WSDL's text; `source` names the WSDL in
/// the draft's header. Fails (code `wsdl`) when the text is not a
/// document/literal WSDL 1.1 with its schemas inline.
result<std::string> draft_contract(std::string_view wsdl,
                                   const std::string& source);

} // namespace usms::soap
