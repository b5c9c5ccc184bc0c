// The gateway against hostile connection patterns: thousands of clients
// trickling their headers (slow loris), more connections than
// server.max_connections, heads that never finish, idle kept-alive
// connections, and a huge body sent without a token.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "tests/gateway/raw_client.hpp"
#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

const std::string create_body
  = R"({"fields": {"summary": "limits test"}, "source": "limits-test"})";

/// Raises this process's open-files soft limit to the hard limit and
/// returns it.
rlim_t raise_open_files() {
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  limit.rlim_cur = limit.rlim_max;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  return limit.rlim_cur;
}

/// How many file descriptors process `pid` has open.
std::size_t open_descriptors(pid_t pid) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::size_t n = 0;
  for (fs::directory_iterator it{"/proc/" + std::to_string(pid) + "/fd", ec},
       end;
       !ec && it != end; it.increment(ec))
    ++n;
  return n;
}

/// Many non-blocking connections, each sending a request head one byte at
/// a time, round after round, from one thread.
class slow_clients {
public:
  slow_clients(uint16_t port, std::size_t count) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (std::size_t i = 0; i < count; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      REQUIRE(fd >= 0);
      int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      REQUIRE((rc == 0 || errno == EINPROGRESS));
      fds_.push_back(fd);
    }
  }

  ~slow_clients() {
    for (int fd : fds_)
      ::close(fd);
  }

  /// Sends the next byte of the head on every connection.
  void trickle() {
    char byte = head_[sent_ % head_.size()];
    for (int fd : fds_)
      ::send(fd, &byte, 1, MSG_NOSIGNAL); // EAGAIN: still connecting
    ++sent_;
  }

  /// Connections the server has not closed.
  std::size_t still_open() const {
    std::size_t open = 0;
    for (int fd : fds_) {
      char byte;
      auto n = ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        ++open;
    }
    return open;
  }

private:
  // Never ends: a header line that keeps growing.
  std::string head_ = "POST /api/v1/tickets/incident HTTP/1.1\r\nHost: x\r\n"
                      "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  std::size_t sent_ = 0;
  std::vector<int> fds_;
};

} // namespace

TEST_CASE("5,000 slow connections trickling headers do not keep a normal "
          "client from its 202 within 2 s",
          "[gateway][limits][slowloris]") {
  constexpr std::size_t slow_count = 5000;
  REQUIRE(raise_open_files() > slow_count + 200);
  stack_options opts;
  // The slow heads must outlive the test: they are held, not cut.
  opts.gateway_env = {"USMS_GW_SERVER_HEADER_TIMEOUT=120s"};
  gateway_stack stack{opts};
  auto port = stack.gateway().port();
  REQUIRE(stack.call("GET", "/healthz").status == 200);

  slow_clients slow{port, slow_count};
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    while (!done) {
      slow.trickle();
      std::this_thread::sleep_for(250ms);
    }
  });
  // Let every connection be accepted and start its head.
  std::this_thread::sleep_for(2s);

  // The gateway really holds them (not the kernel's accept queue).
  CHECK(open_descriptors(stack.gateway().pid()) > slow_count);

  // A normal client, on a new connection each time: connect, send, 202.
  for (int i = 0; i < 5; ++i) {
    auto start = clock_type::now();
    raw_client normal{port};
    REQUIRE(normal.connected());
    REQUIRE(normal.send("POST /api/v1/tickets/incident HTTP/1.1\r\n"
                        "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: "
                        + std::to_string(create_body.size()) + "\r\n\r\n"
                        + create_body));
    auto answer = normal.read_answer(5s);
    auto took = clock_type::now() - start;
    INFO("request " << i << " after "
                    << std::chrono::duration_cast<std::chrono::milliseconds>(
                         took)
                         .count()
                    << " ms: " << answer);
    CHECK(answer.rfind("HTTP/1.1 202", 0) == 0);
    CHECK(took < 2s);
  }
  done = true;
  trickler.join();
  // They were all there, held open by the gateway, the whole time.
  CHECK(slow.still_open() >= slow_count - 10);
  CHECK(open_descriptors(stack.gateway().pid()) > slow_count);
  CHECK(stack.gateway().running());
}

TEST_CASE("over server.max_connections new connections are closed at once "
          "while open ones keep working",
          "[gateway][limits]") {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_SERVER_MAX_CONNECTIONS=4"};
  gateway_stack stack{opts};
  auto port = stack.gateway().port();

  std::vector<std::unique_ptr<raw_client>> open;
  for (int i = 0; i < 4; ++i) {
    open.push_back(std::make_unique<raw_client>(port));
    REQUIRE(open.back()->send(keep_alive_get("/healthz")));
    REQUIRE(open.back()->read_answer().rfind("HTTP/1.1 200", 0) == 0);
  }
  for (int i = 0; i < 3; ++i) {
    raw_client extra{port};
    extra.send(keep_alive_get("/healthz"));
    CHECK(extra.closed_within(1s));
    CHECK(extra.read_answer(100ms).empty());
  }
  // The open ones are still served.
  for (auto& client : open) {
    REQUIRE(client->send(keep_alive_get("/readyz")));
    CHECK(client->read_answer().rfind("HTTP/1.1 200", 0) == 0);
  }
  // A place freed is a place taken.
  open.pop_back();
  CHECK(wait_until(
    [&] {
      raw_client next{port};
      next.send(keep_alive_get("/healthz"));
      return next.read_answer(1s).rfind("HTTP/1.1 200", 0) == 0;
    },
    5s));
}

TEST_CASE("server.header_timeout cuts a head that never ends, "
          "server.idle_timeout a kept-alive connection left idle",
          "[gateway][limits]") {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_SERVER_HEADER_TIMEOUT=1s",
                      "USMS_GW_SERVER_IDLE_TIMEOUT=2s"};
  gateway_stack stack{opts};
  auto port = stack.gateway().port();

  // A byte every 100 ms, forever: cut after about a second.
  raw_client slow{port};
  auto start = clock_type::now();
  bool closed = false;
  std::string head = "GET /healthz HTTP/1.1\r\nX-Slow: ";
  for (int i = 0; i < 60 && !closed; ++i) {
    slow.send(std::string(1, i < int(head.size()) ? head[i] : 'a'));
    closed = slow.closed_within(100ms);
  }
  auto took = clock_type::now() - start;
  CHECK(closed);
  CHECK(took >= 900ms);
  CHECK(took < 3s);

  // Served, then silent: open past the header timeout, closed after the
  // idle timeout.
  raw_client idle{port};
  REQUIRE(idle.send(keep_alive_get("/healthz")));
  REQUIRE(idle.read_answer().rfind("HTTP/1.1 200", 0) == 0);
  start = clock_type::now();
  CHECK_FALSE(idle.closed_within(1500ms));
  CHECK(idle.closed_within(3s));
  took = clock_type::now() - start;
  CHECK(took >= 1800ms);
  CHECK(took < 4s);
}

TEST_CASE("a huge body without a token is answered 401 from its headers, "
          "unread",
          "[gateway][limits][auth]") {
  stack_options opts;
  opts.gateway_env = {
    "USMS_GW_AUTH_TOKENS=rtok-AAAA:read,stok-BBBB:submit"};
  gateway_stack stack{opts};
  auto port = stack.gateway().port();
  auto huge_head = [](const std::string& auth) {
    return "POST /api/v1/tickets/incident HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: application/json\r\n"
           + auth + "Content-Length: 104857600\r\n\r\n{\"fields\": {";
  };

  // 100 MB announced, a dozen bytes sent: the answer comes anyway.
  for (const char* auth : {"", "Authorization: Bearer wrong\r\n"}) {
    INFO("auth header: " << auth);
    raw_client client{port};
    auto start = clock_type::now();
    REQUIRE(client.send(huge_head(auth)));
    auto answer = client.read_answer(5s);
    CHECK(answer.rfind("HTTP/1.1 401", 0) == 0);
    CHECK(answer.find("unauthorized") != std::string::npos);
    CHECK(clock_type::now() - start < 2s);
    CHECK(client.closed_within(5s)); // the body is never read
  }

  // Too small a scope: 403, just as unread.
  raw_client reader{port};
  REQUIRE(reader.send(huge_head("Authorization: Bearer rtok-AAAA\r\n")));
  CHECK(reader.read_answer(5s).rfind("HTTP/1.1 403", 0) == 0);

  // With the right token the size is what is wrong: 413, unread too.
  raw_client submitter{port};
  REQUIRE(submitter.send(huge_head("Authorization: Bearer stok-BBBB\r\n")));
  CHECK(submitter.read_answer(5s).rfind("HTTP/1.1 413", 0) == 0);

  // And the gateway serves on.
  auto r = stack.call("POST", "/api/v1/tickets/incident", create_body,
                      {{"Authorization", "Bearer stok-BBBB"}});
  CHECK(r.status == 202);
}

} // namespace usms::test
