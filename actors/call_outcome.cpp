#include "actors/call_outcome.hpp"

namespace usms {

namespace {

std::string fault_text(const call_result& r) {
  std::string text = r.server_fault ? "USMS server error" : "USMS rejected it";
  if (!r.error_code.empty())
    text += " (" + r.error_code + ")";
  if (!r.error_message.empty())
    text += ": " + r.error_message;
  return text;
}

std::string http_text(const call_result& r) {
  return "HTTP " + std::to_string(r.http_status);
}

call_outcome busy(const call_result& r) {
  // 429 asks the gateway to slow down; 503 says USMS is unavailable. Both
  // say USMS did not take the call, whatever the body holds.
  call_outcome out;
  out.cls = outcome_class::not_processed;
  out.signal = r.http_status == 429 ? health_signal::neutral
                                    : health_signal::failure;
  out.pause_ms = r.retry_after_ms;
  out.reason = "USMS busy (" + http_text(r) + ")";
  if (r.kind == call_result_kind::fault && !r.error_code.empty())
    out.reason += ": " + r.error_code
                  + (r.error_message.empty() ? "" : " " + r.error_message);
  return out;
}

call_outcome from_fault(const call_result& r) {
  call_outcome out;
  out.reason = fault_text(r);
  if (!r.server_fault) {
    // The caller's mistake, except AUTH: then the gateway's own
    // credentials are wrong and the request must wait for better ones.
    out.cls = r.error_code == "AUTH" ? outcome_class::auth_failed
                                     : outcome_class::permanent;
    out.signal = health_signal::life;
    return out;
  }
  if (r.error_code == "UNAVAILABLE") {
    // USMS says its backend is down or busy: it did not do the work.
    out.cls = outcome_class::not_processed;
    out.signal = health_signal::failure;
    return out;
  }
  // Any other Server fault may come after the ticket was stored.
  out.cls = outcome_class::ambiguous;
  out.signal = health_signal::life;
  return out;
}

call_outcome from_transport(const call_result& r) {
  call_outcome out;
  out.signal = health_signal::failure;
  if (!r.request_sent) {
    out.cls = outcome_class::not_processed;
    out.reason = "USMS unreachable: " + r.error;
  } else {
    out.cls = outcome_class::ambiguous;
    out.reason = "no answer from USMS after sending: " + r.error;
  }
  return out;
}

call_outcome from_other_http(const call_result& r) {
  call_outcome out;
  out.reason = r.error.empty() ? "unexpected answer from USMS (" + http_text(r)
                                   + ")"
                               : r.error;
  auto status = r.http_status;
  if (!r.request_sent) {
    // The request could not be put into a SOAP envelope: nothing left the
    // gateway and nothing was learnt about USMS.
    out.cls = outcome_class::permanent;
    out.signal = health_signal::neutral;
  } else if (status == 413) {
    // Too large for USMS or a proxy: the same bytes will never pass.
    out.cls = outcome_class::permanent;
    out.signal = health_signal::life;
  } else if (status >= 400 && status < 500) {
    // A proxy's 401/403/404 in front of USMS: the call never reached it.
    out.cls = outcome_class::not_processed;
    out.signal = health_signal::failure;
  } else if (status >= 500) {
    out.cls = outcome_class::ambiguous;
    out.signal = health_signal::failure;
  } else {
    // A 2xx (or stranger) answer that is not the expected SOAP: USMS is
    // alive, but whether it did the work is unknown.
    out.cls = outcome_class::ambiguous;
    out.signal = health_signal::life;
  }
  return out;
}

} // namespace

call_outcome classify(const call_result& r) {
  if ((r.http_status == 429 || r.http_status == 503)
      && r.kind != call_result_kind::answer)
    return busy(r);
  switch (r.kind) {
    case call_result_kind::answer:
      return {outcome_class::done, health_signal::life, -1, {}};
    case call_result_kind::fault:
      return from_fault(r);
    case call_result_kind::transport:
      return from_transport(r);
    case call_result_kind::malformed:
      break;
  }
  return from_other_http(r);
}

std::string to_string(outcome_class x) {
  switch (x) {
    case outcome_class::done:
      return "done";
    case outcome_class::permanent:
      return "permanent";
    case outcome_class::not_processed:
      return "not_processed";
    case outcome_class::ambiguous:
      return "ambiguous";
    case outcome_class::auth_failed:
      return "auth_failed";
  }
  return "unknown";
}

std::string to_string(health_signal x) {
  switch (x) {
    case health_signal::life:
      return "life";
    case health_signal::failure:
      return "failure";
    case health_signal::neutral:
      return "neutral";
  }
  return "unknown";
}

} // namespace usms
