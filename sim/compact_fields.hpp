#pragma once

/// A ticket's fields packed into one string (one allocation per ticket
/// instead of a map node and up to two strings per field), so that a
/// simulator holding hundreds of thousands of tickets stays small and fast.
/// Entry layout: field index (1 byte, position in ticket_field_defs()),
/// value length (4 bytes, native order), value bytes.

#include <optional>
#include <string>
#include <string_view>

#include "contract/ticket.hpp"

namespace usms::sim {

class compact_fields {
public:
  compact_fields() = default;
  /// Packs `fields`; names that are not `Ticket` fields are dropped.
  explicit compact_fields(const ticket_fields& fields);

  /// The value of the field named `soap_name`, if set.
  std::optional<std::string_view> get(std::string_view soap_name) const;

  /// Sets (or replaces) one field.
  void set(std::string_view soap_name, std::string_view value);

  /// Unpacks every field.
  ticket_fields unpack() const;

private:
  template <class F>
  void for_each(F&& fn) const;

  std::string blob_;
};

} // namespace usms::sim
