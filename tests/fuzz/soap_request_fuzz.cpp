// The simulator's reader of SOAP requests on any bytes: a failure or a
// call, never a crash. A call it reads that the gateway's writer accepts
// reads back the same.
//
// Input: one selector byte (bits 0-1: the contract the simulator serves,
// see fuzz_contracts.hpp), then the HTTP body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/soap_codec.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_contracts.hpp"

namespace {

using usms::fuzz::require;
namespace soap = usms::soap;

bool same(const soap::incoming& a, const soap::incoming& b) {
  const auto &x = a.request, &y = b.request;
  return a.op == b.op && x.act == y.act && x.type == y.type
         && x.ticket_id == y.ticket_id && x.fields == y.fields
         && x.work_note == y.work_note && x.filter == y.filter
         && x.max_results == y.max_results;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  auto input = usms::fuzz::split_selector(data, size);
  if (!input)
    return 0;
  const auto& k = usms::fuzz::fuzz_contract(input->selector & 3);
  auto parsed = soap::parse_request(k, input->body);
  if (!parsed) {
    require(!parsed.error().code.empty(), "a failure without a code");
    return 0;
  }
  require(parsed->op != nullptr, "a request read without its operation");
  soap::credentials creds = parsed->creds.value_or(soap::credentials{});
  auto envelope = soap::build_request(k, *parsed->op, parsed->request, creds);
  if (!envelope)
    return 0; // the simulator is lenient where the gateway's writer is not
  auto again = soap::parse_request(k, *envelope);
  require(again.ok(), "a rewritten request is refused");
  require(same(*again, *parsed), "a request reads back different");
  return 0;
}
