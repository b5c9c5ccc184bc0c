// The gateway's reader of USMS answers on any bytes: hostile, truncated or
// foreign XML is a failure, never a crash. An answer it reads, written again
// by the codec, reads back the same.
//
// Input: one selector byte (bits 0-1: the operation; bit 2: USMS API v1),
// then the HTTP body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/soap_codec.hpp"
#include "tests/fuzz/fuzz_check.hpp"

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size == 0)
    return 0;
  auto op = static_cast<soap::operation>(data[0] & 3);
  int api_version = data[0] & 4 ? 1 : 2;
  std::string_view body{reinterpret_cast<const char*>(data) + 1, size - 1};
  auto parsed = soap::parse_response(op, api_version, body);
  if (!parsed) {
    require(!parsed.error().code.empty(), "a failure without a code");
    return 0;
  }
  soap::call c;
  c.op = op;
  c.api_version = api_version;
  if (parsed->fault_info) {
    auto again = soap::parse_response(
      op, api_version, soap::build_fault(api_version, *parsed->fault_info));
    require(again && again->fault_info
              && same(*parsed->fault_info, *again->fault_info),
            "a fault reads back different");
    return 0;
  }
  auto again = soap::parse_response(op, api_version,
                                    soap::build_response(c, parsed->ok));
  require(again.ok() && !again->fault_info, "a rewritten answer is refused");
  require(same(parsed->ok, again->ok), "an answer reads back different");
  return 0;
}
