#pragma once

/// How the contract drafter recognizes things by name: the words an
/// operation's name starts with, what an element's name says about its
/// role, which ticket field an element holds, which of the gateway's values
/// an enumeration value spells. Guesses, each one marked for review in the
/// draft. Internal to contract/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/ticket.hpp"

namespace usms::soap::wsdl {

/// `CreateChange` -> {"create", "change"}; `get_open-items` -> {"get",
/// "open", "items"}: lowercase words.
std::vector<std::string> words(std::string_view name);

/// Lowercase letters and digits only: `Configuration_Item` ->
/// `configurationitem`.
std::string folded(std::string_view name);

/// The action an operation's name names with its first verb.
std::optional<action> action_of(const std::vector<std::string>& words);

/// The ticket types an operation's name names (besides its verb).
std::vector<ticket_type> types_of(const std::vector<std::string>& words,
                                  std::optional<action> act);

/// The ticket type an enumeration value stands for (`Incident`, `INC`).
std::optional<ticket_type> type_of_value(std::string_view value);

/// The JSON name of the ticket field an element's name suggests, if any.
std::optional<std::string_view> field_of(std::string_view element);

/// The JSON name of the query filter an element's name suggests, if any.
std::optional<std::string_view> filter_of(std::string_view element);

/// What an element's name says it is.
bool names_ticket_id(std::string_view element);
bool names_work_note(std::string_view element);
bool names_limit(std::string_view element);
bool names_total(std::string_view element);
bool names_filter(std::string_view element);
bool names_fault_code(std::string_view element);
bool names_fault_message(std::string_view element);

/// Our fault code (VALIDATION, ...) a wire code suggests, if any.
std::optional<std::string_view> our_code_of(std::string_view wire);

} // namespace usms::soap::wsdl
