#include "transport/http_server.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "test_helpers.hpp"

using namespace usms::http;
using namespace usms::http::test;
using namespace std::chrono_literals;

namespace {

// Answers with the request's target, so order and routing are visible.
handler echo_target() {
  return [](request req, responder respond) {
    response res;
    res.content_type = "text/plain";
    res.body = req.target;
    respond(std::move(res));
  };
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + what.size()))
    ++n;
  return n;
}

} // namespace

TEST_CASE("server hands the request over and answers", "[server]") {
  request seen;
  std::mutex mutex;
  server s{{}, [&](request req, responder respond) {
             {
               std::lock_guard<std::mutex> guard{mutex};
               seen = req;
             }
             response res;
             res.status = 201;
             res.headers.push_back({"X-Trace", "abc"});
             res.body = "{\"echo\":\"" + req.body + "\"}";
             respond(std::move(res));
           }};
  REQUIRE(s.start().empty());
  REQUIRE(s.port() != 0);

  raw_socket sock{s.port()};
  sock.send("POST /tickets?x=1 HTTP/1.1\r\nHost: t\r\nX-Custom: 42\r\n"
            "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
  auto answer = sock.read_all();
  CHECK(answer.rfind("HTTP/1.1 201 Created\r\n", 0) == 0);
  CHECK(answer.find("Server: usms\r\n") != std::string::npos);
  CHECK(answer.find("Content-Type: application/json\r\n") != std::string::npos);
  CHECK(answer.find("Content-Length: 16\r\n") != std::string::npos);
  CHECK(answer.find("X-Trace: abc\r\n") != std::string::npos);
  CHECK(answer.find("Connection: close\r\n") != std::string::npos);
  CHECK(answer.substr(answer.size() - 16) == "{\"echo\":\"hello\"}");

  std::lock_guard<std::mutex> guard{mutex};
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/tickets?x=1");
  CHECK(seen.body == "hello");
  CHECK(seen.header("x-custom") == "42");
  CHECK(seen.remote_address.rfind("127.0.0.1:", 0) == 0);
}

TEST_CASE("pipelined requests are answered in order", "[server]") {
  // The first request is answered last (from another thread): the server
  // must still send the answers in request order.
  std::vector<std::thread> workers;
  std::mutex mutex;
  server s{{}, [&](request req, responder respond) {
             auto delay = req.target == "/1" ? 100ms : 0ms;
             std::lock_guard<std::mutex> guard{mutex};
             workers.emplace_back([delay, target = req.target, respond] {
               std::this_thread::sleep_for(delay);
               response res;
               res.body = "answer" + target;
               respond(std::move(res));
             });
           }};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  sock.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
            "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            "GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto answer = sock.read_all();
  auto a1 = answer.find("answer/1");
  auto a2 = answer.find("answer/2");
  auto a3 = answer.find("answer/3");
  REQUIRE(a1 != std::string::npos);
  REQUIRE(a2 != std::string::npos);
  REQUIRE(a3 != std::string::npos);
  CHECK(a1 < a2);
  CHECK(a2 < a3);
  CHECK(count(answer, "HTTP/1.1 200 OK") == 3);
  std::lock_guard<std::mutex> guard{mutex};
  for (auto& t : workers)
    t.join();
}

TEST_CASE("an oversized body gets 413 and the connection closes", "[server]") {
  std::atomic<int> calls{0};
  server_options options;
  options.max_body = 1000;
  server s{options, [&](request, responder respond) {
             ++calls;
             respond({});
           }};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  sock.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"
            + std::string(5000, 'x'));
  auto answer = sock.read_all();
  CHECK(answer.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0) == 0);
  CHECK(answer.find("Connection: close\r\n") != std::string::npos);
  CHECK(answer.find("{\"error\":{\"code\":\"payload_too_large\",\"message\":"
                    "\"request body exceeds 1000 bytes\"}}")
        != std::string::npos);
  CHECK(calls == 0);

  // A body of exactly the limit is fine.
  raw_socket ok{s.port()};
  ok.send("POST /fits HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
          "Connection: close\r\n\r\n"
          + std::string(1000, 'y'));
  CHECK(ok.read_all().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(calls == 1);
}

TEST_CASE("malformed HTTP gets 400 and the connection closes", "[server]") {
  server s{{}, echo_target()};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  sock.send("GARBAGE\r\n\r\n");
  auto answer = sock.read_all();
  CHECK(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(answer.find("\"code\":\"bad_request\"") != std::string::npos);
}

TEST_CASE("keep-alive serves many requests on one connection", "[server]") {
  server s{{}, echo_target()};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  for (int i = 0; i < 5; ++i) {
    sock.send("GET /k" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    // Each answer is small: read it by its known size.
    std::string expected_body = "/k" + std::to_string(i);
    std::string got;
    char buf[512];
    while (got.find(expected_body) == std::string::npos) {
      auto n = sock.socket().read_some(boost::asio::buffer(buf));
      got.append(buf, n);
    }
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  }
}

TEST_CASE("a responder dropped without a call closes the connection",
          "[server]") {
  server s{{}, [](request, responder) { /* dropped */ }};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  sock.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(sock.read_all().empty()); // EOF, no answer, no hang
}

TEST_CASE("the idle timeout closes a silent connection", "[server]") {
  server_options options;
  options.idle_timeout = 1s;
  server s{options, echo_target()};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  auto start = std::chrono::steady_clock::now();
  CHECK(sock.read_all().empty());
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("a throwing handler answers 500", "[server]") {
  server s{{}, [](request, responder) -> void {
             throw std::runtime_error("boom");
           }};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  sock.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto answer = sock.read_all();
  CHECK(answer.rfind("HTTP/1.1 500", 0) == 0);
  CHECK(answer.find("boom") != std::string::npos);
}

TEST_CASE("stop does not wait for responders the application holds",
          "[server]") {
  std::vector<responder> held;
  std::mutex mutex;
  std::atomic<int> arrived{0};
  auto s = std::make_unique<server>(server_options{},
                                    [&](request, responder respond) {
                                      std::lock_guard<std::mutex> guard{mutex};
                                      held.push_back(std::move(respond));
                                      ++arrived;
                                    });
  REQUIRE(s->start().empty());
  raw_socket sock{s->port()};
  sock.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
  for (int i = 0; i < 200 && arrived == 0; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(arrived == 1);
  auto start = std::chrono::steady_clock::now();
  s->stop();
  s->stop(); // idempotent
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(sock.read_all().empty()); // closed by stop()
  s.reset();
  // Answering or dropping after the server is gone must be harmless.
  std::lock_guard<std::mutex> guard{mutex};
  held.front()({});
  held.clear();
}

TEST_CASE("start reports bind failures", "[server]") {
  server first{{}, echo_target()};
  REQUIRE(first.start().empty());
  server_options options;
  options.port = first.port();
  server second{options, echo_target()};
  auto err = second.start();
  CHECK(err.rfind("cannot listen on 127.0.0.1:" + std::to_string(first.port())
                    + ": ",
                  0)
        == 0);
  CHECK(err.find("in use") != std::string::npos);

}

TEST_CASE("Expect: 100-continue gets its go-ahead", "[server]") {
  server s{{}, [](request req, responder respond) {
             response res;
             res.body = "got:" + req.body;
             respond(std::move(res));
           }};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  sock.send("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            "Content-Length: 4\r\nConnection: close\r\n\r\n");
  std::string got;
  char buf[256];
  while (got.find("\r\n\r\n") == std::string::npos) {
    auto n = sock.socket().read_some(boost::asio::buffer(buf));
    got.append(buf, n);
  }
  CHECK(got == "HTTP/1.1 100 Continue\r\n\r\n");
  sock.send("body");
  auto answer = sock.read_all();
  CHECK(answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(answer.find("got:body") != std::string::npos);
}

TEST_CASE("HEAD gets the length without the body", "[server]") {
  server s{{}, echo_target()};
  REQUIRE(s.start().empty());
  raw_socket sock{s.port()};
  sock.send("HEAD /abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto answer = sock.read_all();
  CHECK(answer.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(answer.size() == answer.find("\r\n\r\n") + 4);
}
