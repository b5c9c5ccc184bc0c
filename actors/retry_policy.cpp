#include "actors/retry_policy.hpp"

#include <algorithm>

namespace usms {

std::chrono::milliseconds retry_policy::backoff(int attempts,
                                                std::mt19937_64& rng) const {
  auto shift = std::clamp(attempts - 1, 0, 30);
  auto exp = base.count() * (int64_t{1} << shift);
  auto capped = std::min<int64_t>(exp, cap.count());
  if (!jitter || capped <= 1)
    return std::chrono::milliseconds{capped};
  // Jitter spreads a storm's retries so they do not hit USMS in one wave.
  std::uniform_int_distribution<int64_t> dist{capped / 2, capped};
  return std::chrono::milliseconds{dist(rng)};
}

std::chrono::milliseconds retry_policy::delay(int attempts,
                                              int64_t retry_after_ms,
                                              std::mt19937_64& rng) const {
  auto d = backoff(attempts, rng);
  if (retry_after_ms >= 0) {
    auto honoured = std::min<int64_t>(retry_after_ms, 3600 * 1000);
    d = std::max(d, std::chrono::milliseconds{honoured});
  }
  return d;
}

namespace {

std::string fault_reason(const call_result& r) {
  std::string text = r.server_fault ? "USMS server error" : "USMS rejected it";
  if (!r.error_code.empty())
    text += " (" + r.error_code + ")";
  if (!r.error_message.empty())
    text += ": " + r.error_message;
  return text;
}

} // namespace

verdict judge(action act, const call_result& r) {
  bool create = act == action::create;
  // 429 and 503 say USMS did not take the call: retrying is safe, even for
  // a create, whatever the body holds.
  if ((r.http_status == 429 || r.http_status == 503)
      && r.kind != call_result_kind::answer)
    return {verdict_kind::retry,
            "USMS busy (HTTP " + std::to_string(r.http_status) + ")"
              + (r.error_code.empty() ? std::string{}
                                      : ": " + r.error_code + " "
                                          + r.error_message)};
  switch (r.kind) {
    case call_result_kind::answer:
      return {verdict_kind::success, {}};
    case call_result_kind::fault:
      if (!r.server_fault)
        return {verdict_kind::permanent, fault_reason(r)};
      // A Server fault may come after the ticket was stored.
      return {create ? verdict_kind::ambiguous : verdict_kind::retry,
              fault_reason(r)};
    case call_result_kind::transport:
      if (!r.request_sent)
        return {verdict_kind::retry, "USMS unreachable: " + r.error};
      return {create ? verdict_kind::ambiguous : verdict_kind::retry,
              "no answer from USMS after sending: " + r.error};
    case call_result_kind::malformed:
      break;
  }
  // An HTTP answer that is not the expected SOAP.
  auto status = r.http_status;
  if (status == 429 || status == 503)
    return {verdict_kind::retry, "USMS busy (HTTP " + std::to_string(status)
                                   + ")"};
  if (!r.request_sent)
    return {verdict_kind::permanent, r.error};
  if (status >= 400 && status < 500)
    return {verdict_kind::permanent, r.error};
  return {create ? verdict_kind::ambiguous : verdict_kind::retry, r.error};
}

} // namespace usms
