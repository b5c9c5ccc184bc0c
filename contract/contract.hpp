#pragma once

/// A USMS contract: how the gateway's ticket requests map to one operator's
/// SOAP contract (namespaces, operations and element names per action and
/// ticket type, value spellings, fault codes, WS-Security, lookups). It is
/// read from a contract file (docs/contract-file.md) and checked once by
/// `load_contract_file`; the codec then builds and reads every envelope from
/// it. Every piece of an envelope that does not depend on a call's values
/// (the envelope's start, the request element, the tags of each field) is
/// encoded at load time, so building an envelope only appends strings.
///
/// A contract is immutable once loaded: share it as
/// `std::shared_ptr<const contract>`.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contract/result.hpp"
#include "contract/ticket.hpp"
#include "contract/ticket_fields.hpp"

namespace usms::soap {

/// How many fields the ticket model has (`ticket_field_defs()`), and how
/// many query filters (`query_filter_fields()`).
inline constexpr std::size_t model_field_count = 25;
inline constexpr std::size_t filter_field_count = 6;

/// What one child element of a request element carries.
enum class request_part : uint8_t {
  type,      ///< the ticket type (v2 `TicketType`)
  ticket_id, ///< the ticket to update
  fields,    ///< the ticket fields: one wrapper element, or the fields
  work_note, ///< an update's work note
  filter,    ///< the query filter: one wrapper element, or the filters
  limit,     ///< the most tickets a query returns
};

/// An element's name and its tags with the contract's prefix, ready to
/// append. An empty `name` means "no such element".
struct element_tags {
  std::string name;  ///< `Summary`
  std::string open;  ///< `<usms:Summary>`
  std::string close; ///< `</usms:Summary>`
  std::string empty; ///< `<usms:Summary/>`

  explicit operator bool() const { return !name.empty(); }
};

/// Model values and the wire's spellings of them, for one kind of value
/// (statuses of one ticket type, priorities, booleans, change types).
struct value_map {
  std::vector<std::pair<std::string, std::string>> pairs; ///< model, wire
  /// Every model value of the kind has a spelling here.
  bool complete = false;

  bool empty() const { return pairs.empty(); }
  /// The wire spelling of a model value (the value itself when unmapped).
  std::string_view to_wire(std::string_view model) const;
  /// The model value a wire value stands for: a mapped spelling's model
  /// value, or the value itself when it is no mapped model value and the
  /// map is not complete; nullopt otherwise.
  std::optional<std::string_view> to_model(std::string_view wire) const;
};

/// Where a fault's detail keeps its code and message, and how the
/// operator's codes map to the gateway's (VALIDATION, NOT_FOUND,
/// TRANSITION, AUTH, UNSUPPORTED, UNAVAILABLE).
struct fault_layout {
  std::string ns;
  std::string detail;  ///< the wrapper inside `detail`; empty: none
  std::string code;    ///< `ErrorCode`
  std::string message; ///< `ErrorMessage`
  std::vector<std::pair<std::string, std::string>> codes; ///< wire, ours
  /// Pre-encoded `<detail>` start and end, with the wrapper if any.
  std::string detail_open;
  std::string detail_close;
  element_tags code_tags;
  element_tags message_tags;

  /// Our code for a wire code (the wire code itself when unmapped).
  std::string_view ours(std::string_view wire) const;
  /// The wire code for one of ours: the first that maps to it, else ours.
  std::string_view wire(std::string_view ours) const;
};

/// One operation of the contract.
struct operation {
  std::string name;               ///< `CreateTicket`
  std::string soap_action;        ///< as the contract names it
  std::string soap_action_header; ///< quoted, as sent: `"CreateTicket"`
  action act = action::create;
  std::array<bool, 3> types{}; ///< by ticket_type
  /// False: the service offers it, but the gateway sends another
  /// operation for the same action and type (v2's CreateIncident).
  bool send = true;
  std::string ns;
  int line = 0; ///< where the file defines it

  // The request: its element, and its children in wire order.
  element_tags request;
  std::vector<request_part> parts;
  element_tags type_element;
  element_tags ticket_id;
  element_tags ticket; ///< the fields' wrapper; empty name: the fields sit
                       ///< directly in the request element
  element_tags work_note;
  element_tags filter; ///< the filters' wrapper; empty name: directly
  element_tags limit;
  std::vector<uint8_t> fields; ///< model field indexes carried, wire order
  std::array<int8_t, model_field_count> field_slot{}; ///< index in `fields`
  std::vector<uint8_t> filters; ///< model filter indexes, wire order
  std::array<int8_t, filter_field_count> filter_slot{};

  // The answer.
  element_tags answer;
  element_tags answer_ticket_id; ///< create
  element_tags answer_ticket;    ///< update (one), query (each)
  element_tags answer_total;     ///< query; empty: the tickets counted
  bool total_first = true;       ///< query: TotalCount before the tickets

  // Pre-encoded envelope pieces.
  std::string head;      ///< XML declaration and the Envelope start tag
  std::string body_open; ///< `<soapenv:Body>` and the request start tag
  std::string tail;      ///< the request end tag, Body and Envelope ends
  std::array<std::string, 3> type_text; ///< the type element, per type
  std::string answer_open; ///< `<soapenv:Body>` and the answer start tag
  std::string answer_tail;

  bool has_type(ticket_type t) const {
    return types[static_cast<std::size_t>(t)];
  }
  /// Whether the request carries model field `index`.
  bool carries(std::size_t index) const { return field_slot[index] >= 0; }
  /// Whether the query request carries model filter `index`.
  bool filters_by(std::size_t index) const { return filter_slot[index] >= 0; }
};

/// A loaded, checked contract.
struct contract {
  std::string name;   ///< for messages: "USMS API v2"
  std::string source; ///< the file it came from
  std::string ns;     ///< the contract namespace
  std::string prefix; ///< the prefix its elements are written with
  bool ws_security = true;
  bool lookup_by_external_reference = false;
  std::array<std::string, 3> type_names; ///< wire names, by ticket_type

  /// The ticket's elements by model field index (empty: not mapped), and
  /// the model indexes in the order the file lists them (the wire order).
  std::array<element_tags, model_field_count> field_tags;
  std::vector<uint8_t> field_order;
  /// Each model field's index in `field_order` (-1: not mapped).
  std::array<int8_t, model_field_count> field_position{};
  /// The query filter's elements by model filter index, and their order.
  std::array<element_tags, filter_field_count> filter_tags;
  std::vector<uint8_t> filter_order;

  std::array<value_map, 3> statuses; ///< by ticket_type
  value_map priorities;              ///< Priority, Impact, Urgency
  value_map booleans;
  value_map change_types;

  fault_layout faults;
  std::vector<operation> operations;
  /// The operation the gateway sends per action and type (index into
  /// `operations`, -1: none), at `act * 3 + type`.
  std::array<int8_t, 9> sent_ops{};

  /// The operation the gateway sends for `a` on `t`; nullptr when the
  /// contract offers none.
  const operation* sent(action a, ticket_type t) const;
  bool offers(action a, ticket_type t) const { return sent(a, t) != nullptr; }
  /// The operation whose request element is `local` (any namespace).
  const operation* by_request(std::string_view local) const;
  /// The model field whose element is `local`; -1 when none is.
  int field_of_element(std::string_view local) const;
  /// The value map for fields of `kind` on `type`; nullptr when the
  /// values go on the wire as they are.
  const value_map* values_for(field_kind kind, ticket_type type) const;
  /// "create incident, create change, update incident, ..." for messages.
  std::string offered_list() const;
};

/// The names of `op`'s request children: its type, ticket id, wrapper,
/// work note, filter and limit elements and the fields and filters that
/// sit directly in the request element (not in wire order).
std::vector<std::string_view> request_child_names(const contract& k,
                                                  const operation& op);

/// Reads and checks a contract file. Failures name the file, the line and
/// the reason: "contract.toml line 12: unknown key 'feilds' in [operation]".
result<std::shared_ptr<const contract>> load_contract_file(
  const std::string& path);

/// The same from text; `source` names it in messages.
result<std::shared_ptr<const contract>>
load_contract_text(std::string_view text, const std::string& source);

/// The built-in contract of USMS API version 1 or 2 (contract/usms-v1.toml,
/// usms-v2.toml, compiled in), loaded on first use.
std::shared_ptr<const contract> builtin_contract(int api_version);

/// The model index of a field's JSON or SOAP name (-1 when unknown), and of
/// a query filter's.
int model_field_index(std::string_view soap_name);
int model_filter_index(std::string_view soap_name);

/// The JSON names of the query filters, in model order (`ticket_id`, ...,
/// `updated_since`).
const std::array<std::string_view, filter_field_count>& filter_json_names();

} // namespace usms::soap
