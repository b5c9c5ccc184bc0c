#include "actors/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace usms;
using std::chrono::milliseconds;

TEST_CASE("backoff doubles from the base and stops at the cap") {
  retry_policy p;
  p.base = milliseconds(100);
  p.cap = milliseconds(1000);
  p.jitter = false;
  std::mt19937_64 rng{1};
  CHECK(p.backoff(1, rng) == milliseconds(100));
  CHECK(p.backoff(2, rng) == milliseconds(200));
  CHECK(p.backoff(4, rng) == milliseconds(800));
  CHECK(p.backoff(5, rng) == milliseconds(1000));
  CHECK(p.backoff(60, rng) == milliseconds(1000));
}

TEST_CASE("jitter stays within half and all of the delay") {
  retry_policy p;
  p.base = milliseconds(1000);
  p.cap = milliseconds(8000);
  std::mt19937_64 rng{7};
  for (int i = 0; i < 200; ++i) {
    auto d = p.backoff(3, rng);
    CHECK(d >= milliseconds(2000));
    CHECK(d <= milliseconds(4000));
  }
}

TEST_CASE("Retry-After wins over a shorter backoff and is capped at an hour") {
  retry_policy p;
  p.base = milliseconds(50);
  p.jitter = false;
  std::mt19937_64 rng{1};
  CHECK(p.delay(1, 2000, rng) == milliseconds(2000));
  CHECK(p.delay(1, -1, rng) == milliseconds(50));
  CHECK(p.delay(1, 10LL * 3600 * 1000, rng) == milliseconds(3600 * 1000));
}

TEST_CASE("verdicts: client faults are permanent, server faults on creates "
          "ambiguous") {
  call_result r;
  r.kind = call_result_kind::fault;
  r.server_fault = false;
  r.error_code = "VALIDATION";
  r.error_message = "Summary is required";
  auto v = judge(action::create, r);
  CHECK(v.kind == verdict_kind::permanent);
  CHECK(v.reason.find("VALIDATION") != std::string::npos);
  CHECK(v.reason.find("Summary is required") != std::string::npos);
  r.server_fault = true;
  r.error_code = "UNAVAILABLE";
  CHECK(judge(action::create, r).kind == verdict_kind::ambiguous);
  CHECK(judge(action::update, r).kind == verdict_kind::retry);
}

TEST_CASE("verdicts: transport failures before and after sending") {
  call_result r;
  r.kind = call_result_kind::transport;
  r.request_sent = false;
  r.error = "connection refused";
  CHECK(judge(action::create, r).kind == verdict_kind::retry);
  r.request_sent = true;
  r.error = "timeout";
  CHECK(judge(action::create, r).kind == verdict_kind::ambiguous);
  CHECK(judge(action::query, r).kind == verdict_kind::retry);
}

TEST_CASE("verdicts: HTTP 503 and 429 retry, other 4xx are permanent") {
  call_result r;
  r.kind = call_result_kind::malformed;
  r.request_sent = true;
  r.http_status = 503;
  CHECK(judge(action::create, r).kind == verdict_kind::retry);
  r.http_status = 429;
  CHECK(judge(action::update, r).kind == verdict_kind::retry);
  r.http_status = 404;
  r.error = "USMS answered HTTP 404";
  CHECK(judge(action::update, r).kind == verdict_kind::permanent);
  r.http_status = 502;
  CHECK(judge(action::create, r).kind == verdict_kind::ambiguous);
}

TEST_CASE("a 503 fault on a create is retried, not ambiguous") {
  call_result r;
  r.kind = call_result_kind::fault;
  r.server_fault = true;
  r.http_status = 503;
  r.error_code = "UNAVAILABLE";
  CHECK(judge(action::create, r).kind == verdict_kind::retry);
  r.http_status = 500;
  CHECK(judge(action::create, r).kind == verdict_kind::ambiguous);
}

TEST_CASE("a SOAP answer is a success") {
  call_result r;
  r.kind = call_result_kind::answer;
  CHECK(judge(action::create, r).kind == verdict_kind::success);
}
