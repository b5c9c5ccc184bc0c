// The server against slow, idle, numerous and unauthorised clients: the
// request-head deadline, the idle deadline, the connection limit, and the
// head guard that answers before a body is read.

#include "transport/http_server.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "test_helpers.hpp"
#include "tests/support/test_support.hpp"

using namespace usms::http;
using namespace usms::http::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

handler echo_body_size(std::atomic<int>& calls) {
  return [&calls](request req, responder respond) {
    ++calls;
    response res;
    res.content_type = "text/plain";
    res.body = req.target + ":" + std::to_string(req.body.size());
    respond(std::move(res));
  };
}

/// True once the server closed `sock` (EOF or reset), without blocking.
bool closed_by_server(raw_socket& sock) {
  sock.socket().non_blocking(true);
  char byte;
  boost::system::error_code ec;
  sock.socket().read_some(boost::asio::buffer(&byte, 1), ec);
  sock.socket().non_blocking(false);
  return ec && ec != boost::asio::error::would_block;
}

/// Sends `bytes` one at a time, `gap` apart (then nothing), until the
/// server closes the connection; how long that took, or `give_up`.
clock_type::duration trickle_until_closed(raw_socket& sock,
                                          const std::string& bytes,
                                          std::chrono::milliseconds gap,
                                          std::chrono::seconds give_up) {
  auto start = clock_type::now();
  std::size_t sent = 0;
  while (clock_type::now() - start < give_up) {
    if (closed_by_server(sock))
      return clock_type::now() - start;
    if (sent < bytes.size()) {
      boost::system::error_code ec;
      boost::asio::write(sock.socket(), boost::asio::buffer(&bytes[sent], 1),
                         ec);
      ++sent;
    }
    std::this_thread::sleep_for(gap);
  }
  return give_up;
}

std::string keep_alive_get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

} // namespace

TEST_CASE("header_timeout bounds the whole request head, however slowly it "
          "trickles",
          "[server][limits]") {
  server_options options;
  options.header_timeout = 1s;
  options.idle_timeout = 10s;
  std::atomic<int> calls{0};
  server s{options, echo_body_size(calls)};
  REQUIRE(s.start().empty());

  // One byte every 100 ms: each byte is "activity", yet the head as a
  // whole takes far longer than a second.
  raw_socket slow{s.port()};
  auto head = "GET /slow HTTP/1.1\r\nHost: x\r\nX-Pad: "
              + std::string(80, 'a') + "\r\n\r\n";
  auto took = trickle_until_closed(slow, head, 100ms, 8s);
  CHECK(took >= 900ms);
  CHECK(took < 3s);
  CHECK(calls == 0);

  // A prompt client on another connection is served all along.
  raw_socket prompt{s.port()};
  prompt.send(keep_alive_get("/prompt"));
  CHECK(prompt.read_answer().find("/prompt:0") != std::string::npos);
}

TEST_CASE("a kept-alive connection may idle for idle_timeout, then it is "
          "closed",
          "[server][limits]") {
  server_options options;
  options.header_timeout = 500ms;
  options.idle_timeout = 2s;
  std::atomic<int> calls{0};
  server s{options, echo_body_size(calls)};
  REQUIRE(s.start().empty());

  raw_socket sock{s.port()};
  sock.send(keep_alive_get("/one"));
  CHECK(sock.read_answer().find("/one:0") != std::string::npos);
  // Longer than header_timeout between requests is fine: idle time is
  // idle_timeout's.
  std::this_thread::sleep_for(1200ms);
  REQUIRE_FALSE(closed_by_server(sock));
  sock.send(keep_alive_get("/two"));
  CHECK(sock.read_answer().find("/two:0") != std::string::npos);

  auto took = trickle_until_closed(sock, "", 50ms, 8s);
  CHECK(took >= 1800ms);
  CHECK(took < 4s);
}

TEST_CASE("over max_connections a new connection is closed at once while "
          "open ones keep working",
          "[server][limits]") {
  server_options options;
  options.max_connections = 3;
  std::atomic<int> calls{0};
  server s{options, echo_body_size(calls)};
  REQUIRE(s.start().empty());

  std::vector<std::unique_ptr<raw_socket>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<raw_socket>(s.port()));
    open.back()->send(keep_alive_get("/open" + std::to_string(i)));
    REQUIRE(open.back()->read_answer().find("200 OK") != std::string::npos);
  }

  auto start = clock_type::now();
  raw_socket extra{s.port()};
  extra.send(keep_alive_get("/extra"));
  CHECK(extra.read_all().empty()); // closed, never answered
  CHECK(clock_type::now() - start < 2s);

  open[0]->send(keep_alive_get("/again"));
  CHECK(open[0]->read_answer().find("/again:0") != std::string::npos);

  // A closed connection frees its place.
  open.pop_back();
  CHECK(usms::test::wait_until(
    [&] {
      raw_socket next{s.port()};
      next.send("GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      return next.read_all().find("/next:0") != std::string::npos;
    },
    5s));
}

TEST_CASE("the head guard answers from the headers and never reads a "
          "refused body",
          "[server][limits]") {
  server_options options;
  options.max_body = 1024 * 1024;
  std::atomic<int> guarded{0};
  options.on_head = [&guarded](const request& head) -> std::optional<response> {
    ++guarded;
    CHECK(head.body.empty());
    CHECK(head.remote_address.rfind("127.0.0.1:", 0) == 0);
    if (head.header("authorization") == "Bearer ok")
      return std::nullopt;
    if (head.target == "/throw")
      throw std::runtime_error("guard failed");
    response res;
    res.status = 401;
    res.body = R"({"error":{"code":"unauthorized"}})";
    return res;
  };
  std::atomic<int> calls{0};
  server s{options, echo_body_size(calls)};
  REQUIRE(s.start().empty());

  SECTION("a 100 MB body announced without a token: 401 at once") {
    raw_socket sock{s.port()};
    auto start = clock_type::now();
    sock.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000"
              "\r\n\r\nonly a few bytes");
    auto answer = sock.read_answer();
    CHECK(answer.rfind("HTTP/1.1 401", 0) == 0);
    CHECK(answer.find("Connection: close") != std::string::npos);
    CHECK(clock_type::now() - start < 2s);
    CHECK(calls == 0);
  }

  SECTION("with the token the same size is over max_body: 413 unread") {
    raw_socket sock{s.port()};
    sock.send("POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok"
              "\r\nContent-Length: 100000000\r\n\r\nonly a few bytes");
    CHECK(sock.read_answer().rfind("HTTP/1.1 413", 0) == 0);
    CHECK(calls == 0);
  }

  SECTION("a client waiting for 100 Continue gets the 401 instead") {
    raw_socket sock{s.port()};
    sock.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
              "Content-Length: 5000\r\n\r\n");
    auto answer = sock.read_answer();
    CHECK(answer.rfind("HTTP/1.1 401", 0) == 0);
    CHECK(answer.find("100 Continue") == std::string::npos);
  }

  SECTION("a bodiless refused request keeps the connection") {
    raw_socket sock{s.port()};
    sock.send(keep_alive_get("/no-token"));
    CHECK(sock.read_answer().rfind("HTTP/1.1 401", 0) == 0);
    sock.send("POST /in HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\n"
              "Content-Length: 5\r\n\r\nhello");
    CHECK(sock.read_answer().find("/in:5") != std::string::npos);
    CHECK(calls == 1);
    CHECK(guarded == 2);
  }

  SECTION("a throwing guard answers 500") {
    raw_socket sock{s.port()};
    sock.send(keep_alive_get("/throw"));
    auto answer = sock.read_answer();
    CHECK(answer.rfind("HTTP/1.1 500", 0) == 0);
    CHECK(answer.find("guard failed") != std::string::npos);
    CHECK(calls == 0);
  }
}
