#pragma once

/// A ticket's fields packed into one byte string, so that a simulator
/// holding hundreds of thousands of tickets stays small and fast (one
/// contiguous blob per ticket instead of a map node and up to two heap
/// strings per field). Entry layout: field index (1 byte, position in
/// ticket_field_defs()), value length (4 bytes, native order), value bytes.

#include <optional>
#include <string>
#include <string_view>

#include "contract/ticket.hpp"

namespace usms::sim {

/// Appends `fields` to `blob`; names that are not `Ticket` fields are
/// dropped.
void pack_fields(const ticket_fields& fields, std::string& blob);

/// Appends one field (no check for an earlier entry of the same name).
void pack_field(std::string_view soap_name, std::string_view value,
                std::string& blob);

/// The value of the field named `soap_name` in `blob`, if set (the last
/// entry wins).
std::optional<std::string_view> find_field(std::string_view blob,
                                           std::string_view soap_name);

/// Unpacks every field of `blob` into `out` (later entries win).
void unpack_fields(std::string_view blob, ticket_fields& out);

} // namespace usms::sim
