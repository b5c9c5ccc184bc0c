// The simulator's reader of SOAP requests on any bytes: a failure or a
// call, never a crash. A call it reads that the gateway's writer accepts
// reads back the same.
//
// Input: one selector byte (bit 0: the simulator serves USMS API v1), then
// the HTTP body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/soap_codec.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using usms::fuzz::require;
namespace soap = usms::soap;

bool same(const soap::call& a, const soap::call& b) {
  return a.op == b.op && a.api_version == b.api_version && a.type == b.type
         && a.ticket_id == b.ticket_id && a.fields == b.fields
         && a.work_note == b.work_note && a.filter == b.filter
         && a.max_results == b.max_results;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size == 0)
    return 0;
  int served = data[0] & 1 ? 1 : 2;
  std::string_view body{reinterpret_cast<const char*>(data) + 1, size - 1};
  auto parsed = soap::parse_request(body, served);
  if (!parsed) {
    require(!parsed.error().code.empty(), "a failure without a code");
    return 0;
  }
  soap::credentials creds = parsed->creds.value_or(soap::credentials{});
  auto envelope = soap::build_request(parsed->request, creds);
  if (!envelope)
    return 0; // the simulator is lenient where the gateway's writer is not
  auto again = soap::parse_request(*envelope, served);
  require(again.ok(), "a rewritten request is refused");
  require(same(again->request, parsed->request),
          "a request reads back different");
  return 0;
}
