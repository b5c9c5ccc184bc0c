#include "actors/call_outcome.hpp"

#include <catch2/catch.hpp>

using namespace usms;

namespace {

call_result transport(bool sent, const char* error) {
  call_result r;
  r.kind = call_result_kind::transport;
  r.request_sent = sent;
  r.error = error;
  return r;
}

call_result http(unsigned status, call_result_kind kind
                                  = call_result_kind::malformed) {
  call_result r;
  r.kind = kind;
  r.request_sent = true;
  r.http_status = status;
  r.error = "USMS answered HTTP " + std::to_string(status);
  return r;
}

call_result fault(bool server, const char* code, unsigned status = 500) {
  auto r = http(status, call_result_kind::fault);
  r.server_fault = server;
  r.error_code = code;
  r.error_message = "because";
  return r;
}

void check(const call_outcome& o, outcome_class cls, health_signal signal) {
  CHECK(to_string(o.cls) == to_string(cls));
  CHECK(to_string(o.signal) == to_string(signal));
}

} // namespace

TEST_CASE("outcome: a success answer is done and a life signal") {
  call_result r;
  r.kind = call_result_kind::answer;
  r.http_status = 200;
  r.request_sent = true;
  auto o = classify(r);
  check(o, outcome_class::done, health_signal::life);
  CHECK(o.reason.empty());
  CHECK(o.pause_ms == -1);
}

TEST_CASE("outcome: nothing sent (connect refused, connect timeout, partial "
          "send) is not processed and a failure") {
  for (auto* e : {"connection refused", "connect timed out",
                  "connection reset while sending"}) {
    auto o = classify(transport(false, e));
    check(o, outcome_class::not_processed, health_signal::failure);
    CHECK(o.reason.find(e) != std::string::npos);
  }
}

TEST_CASE("outcome: reset or timeout after sending is ambiguous and a "
          "failure") {
  for (auto* e : {"connection reset by peer", "timed out after 30000 ms"}) {
    auto o = classify(transport(true, e));
    check(o, outcome_class::ambiguous, health_signal::failure);
    CHECK(o.reason.find("after sending") != std::string::npos);
  }
}

TEST_CASE("outcome: 429 is not processed and neutral, 503 not processed and "
          "a failure, Retry-After pauses") {
  auto r = http(429);
  auto o = classify(r);
  check(o, outcome_class::not_processed, health_signal::neutral);
  CHECK(o.pause_ms == -1);
  r.retry_after_ms = 7000;
  CHECK(classify(r).pause_ms == 7000);

  r = http(503);
  o = classify(r);
  check(o, outcome_class::not_processed, health_signal::failure);
  CHECK(o.pause_ms == -1);
  r.retry_after_ms = 2000;
  CHECK(classify(r).pause_ms == 2000);
  // A 503 carrying a SOAP fault is still "USMS did not take it".
  auto f = fault(true, "UNAVAILABLE", 503);
  f.retry_after_ms = 1000;
  o = classify(f);
  check(o, outcome_class::not_processed, health_signal::failure);
  CHECK(o.pause_ms == 1000);
  CHECK(o.reason.find("UNAVAILABLE") != std::string::npos);
}

TEST_CASE("outcome: HTTP 500 without a SOAP fault is ambiguous and a "
          "failure, with a Server fault it depends on the code") {
  check(classify(http(500)), outcome_class::ambiguous,
        health_signal::failure);
  check(classify(http(502)), outcome_class::ambiguous,
        health_signal::failure);
  check(classify(fault(true, "UNAVAILABLE")), outcome_class::not_processed,
        health_signal::failure);
  check(classify(fault(true, "INTERNAL")), outcome_class::ambiguous,
        health_signal::life);
  check(classify(fault(true, "")), outcome_class::ambiguous,
        health_signal::life);
}

TEST_CASE("outcome: every Client fault code is permanent, but AUTH stops "
          "dispatch instead") {
  for (auto* code : {"VALIDATION", "NOT_FOUND", "TRANSITION", "UNSUPPORTED",
                     "SOMETHING_NEW"}) {
    auto o = classify(fault(false, code));
    check(o, outcome_class::permanent, health_signal::life);
    CHECK(o.reason.find(code) != std::string::npos);
    CHECK(o.reason.find("because") != std::string::npos);
  }
  check(classify(fault(false, "AUTH")), outcome_class::auth_failed,
        health_signal::life);
}

TEST_CASE("outcome: other HTTP answers without a SOAP fault") {
  // A proxy's 401/403/404: the call never reached USMS.
  for (unsigned s : {401u, 403u, 404u, 407u})
    check(classify(http(s)), outcome_class::not_processed,
          health_signal::failure);
  // 413: these bytes will never pass.
  check(classify(http(413)), outcome_class::permanent, health_signal::life);
  // A 2xx that is not the expected SOAP: alive, outcome unknown.
  check(classify(http(200)), outcome_class::ambiguous, health_signal::life);
  // A request that could not be built never left the gateway.
  call_result r;
  r.kind = call_result_kind::malformed;
  r.request_sent = false;
  r.error = "cannot build the SOAP request: bad field";
  auto o = classify(r);
  check(o, outcome_class::permanent, health_signal::neutral);
  CHECK(o.reason == r.error);
}
