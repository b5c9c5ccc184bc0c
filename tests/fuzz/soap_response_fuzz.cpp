// The gateway's reader of USMS answers on any bytes: hostile, truncated or
// foreign XML is a failure, never a crash. An answer it reads, written again
// by the codec, reads back the same.
//
// Input: one selector byte (bits 0-1, with bits 4-5 above them: the
// operation; bits 2-3: the contract, see fuzz_contracts.hpp; bits 6-7: the
// ticket type, when the operation has it), then the HTTP body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/soap_codec.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_contracts.hpp"

namespace {

using usms::fuzz::require;
namespace soap = usms::soap;

bool same(const soap::answer& a, const soap::answer& b) {
  return a.ticket_id == b.ticket_id && a.tickets == b.tickets
         && a.total_count == b.total_count;
}

/// `b` is `a` written by build_fault and read again. SOAP requires a
/// faultstring: for a fault without one the writer sends the ErrorMessage.
bool same(const soap::fault& a, const soap::fault& b) {
  auto faultstring = a.faultstring.empty() ? a.error_message : a.faultstring;
  return a.server == b.server && faultstring == b.faultstring
         && a.error_code == b.error_code && a.error_message == b.error_message;
}

/// The ticket type `bits` names if `op` serves it, else its first one.
usms::ticket_type type_for(const soap::operation& op, unsigned bits) {
  auto wanted = static_cast<usms::ticket_type>(bits % 3);
  if (op.has_type(wanted))
    return wanted;
  for (unsigned t = 0; t < 3; ++t)
    if (op.has_type(static_cast<usms::ticket_type>(t)))
      return static_cast<usms::ticket_type>(t);
  return wanted;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  auto input = usms::fuzz::split_selector(data, size);
  if (!input)
    return 0;
  auto [selector, body] = *input;
  const auto& k = usms::fuzz::fuzz_contract((selector >> 2) & 3);
  unsigned index = (((selector >> 4) & 3) << 2) | (selector & 3);
  const auto& op = k.operations[index % k.operations.size()];
  auto type = type_for(op, selector >> 6);
  auto parsed = soap::parse_response(k, op, type, body);
  if (!parsed) {
    require(!parsed.error().code.empty(), "a failure without a code");
    return 0;
  }
  if (parsed->fault_info) {
    auto again = soap::parse_response(
      k, op, type, soap::build_fault(k, *parsed->fault_info));
    require(again && again->fault_info
              && same(*parsed->fault_info, *again->fault_info),
            "a fault reads back different");
    return 0;
  }
  soap::call c;
  c.act = op.act;
  c.type = type;
  auto again = soap::parse_response(k, op, type,
                                    soap::build_response(k, op, c, parsed->ok));
  require(again.ok() && !again->fault_info, "a rewritten answer is refused");
  require(same(parsed->ok, again->ok), "an answer reads back different");
  return 0;
}
