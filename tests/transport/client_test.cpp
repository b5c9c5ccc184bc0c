#include "transport/http_client.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "test_helpers.hpp"

using namespace usms::http;
using namespace usms::http::test;
using namespace std::chrono_literals;

namespace {

// Records the remote address of every request and echoes the body.
struct recording_server {
  recording_server(server_options options = {})
    : s{options, [this](request req, responder respond) {
          {
            std::lock_guard<std::mutex> guard{mutex};
            remotes.push_back(req.remote_address);
            targets.push_back(req.target);
            last = req;
          }
          response res;
          res.headers.push_back({"X-Method", req.method});
          res.body = req.body.empty() ? "{\"ok\":true}" : req.body;
          respond(std::move(res));
        }} {
    REQUIRE(s.start().empty());
  }

  std::set<std::string> distinct_remotes() {
    std::lock_guard<std::mutex> guard{mutex};
    return {remotes.begin(), remotes.end()};
  }

  std::mutex mutex;
  std::vector<std::string> remotes;
  std::vector<std::string> targets;
  request last;
  server s;
};

// Accepts connections, reads what comes, never answers.
class silent_server {
public:
  silent_server()
    : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] {
      for (;;) {
        auto sock = std::make_shared<tcp::socket>(ioc_);
        boost::system::error_code ec;
        acceptor_.accept(*sock, ec);
        if (ec)
          return;
        std::lock_guard<std::mutex> guard{mutex_};
        sockets_.push_back(sock);
      }
    });
  }
  ~silent_server() {
    boost::system::error_code ignored;
    acceptor_.cancel(ignored);
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    thread_.join();
  }
  uint16_t port() const {
    return acceptor_.local_endpoint().port();
  }

private:
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::thread thread_;
};

// Answers every connection with fixed bytes, then closes.
class canned_server {
public:
  explicit canned_server(std::string answer)
    : answer_(std::move(answer)),
      acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] {
      tcp::socket sock(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec)
        return;
      char buf[4096];
      sock.read_some(boost::asio::buffer(buf), ec); // the request
      boost::asio::write(sock, boost::asio::buffer(answer_), ec);
      sock.shutdown(tcp::socket::shutdown_send, ec);
      sock.read_some(boost::asio::buffer(buf), ec);
    });
  }
  ~canned_server() {
    thread_.join();
  }
  uint16_t port() const {
    return acceptor_.local_endpoint().port();
  }

private:
  std::string answer_;
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

} // namespace

TEST_CASE("client round trip", "[client]") {
  recording_server origin;
  client c{{}};
  auto req = post(base_url(origin.s) + "/tickets?id=7", "{\"a\":1}");
  req.headers.push_back({"SOAPAction", "\"urn:create\""});
  auto o = call(c, req);
  CHECK(o.failure == failure_kind::none);
  CHECK(o.error.empty());
  CHECK(o.request_sent);
  CHECK(o.status == 200);
  CHECK(o.body == "{\"a\":1}");
  CHECK(o.header("x-method") == "POST");
  CHECK(o.header("content-type") == "application/json");
  CHECK(o.elapsed.count() > 0);

  std::lock_guard<std::mutex> guard{origin.mutex};
  CHECK(origin.last.target == "/tickets?id=7");
  CHECK(origin.last.header("soapaction") == "\"urn:create\"");
  CHECK(origin.last.header("host") == "127.0.0.1:" + std::to_string(origin.s.port()));
  CHECK(origin.last.header("content-length") == "7");
}

TEST_CASE("sequential calls reuse one kept-alive connection", "[client]") {
  recording_server origin;
  client c{{}};
  for (int i = 0; i < 20; ++i) {
    auto o = call(c, get(base_url(origin.s) + "/k"));
    REQUIRE(o.failure == failure_kind::none);
  }
  CHECK(origin.distinct_remotes().size() == 1);
}

TEST_CASE("a connection idle longer than max_idle is not reused",
          "[client]") {
  recording_server origin;
  client_options options;
  options.max_idle = 100ms;
  client c{options};
  REQUIRE(call(c, get(base_url(origin.s))).failure == failure_kind::none);
  std::this_thread::sleep_for(250ms);
  REQUIRE(call(c, get(base_url(origin.s))).failure == failure_kind::none);
  CHECK(origin.distinct_remotes().size() == 2);
}

TEST_CASE("a connection the server closed is not reused", "[client]") {
  // The server closes after each answer (Connection: close from the app).
  std::mutex mutex;
  std::set<std::string> remotes;
  server s{{}, [&](request req, responder respond) {
             {
               std::lock_guard<std::mutex> guard{mutex};
               remotes.insert(req.remote_address);
             }
             response res;
             res.headers.push_back({"Connection", "close"});
             respond(std::move(res));
           }};
  REQUIRE(s.start().empty());
  client c{{}};
  for (int i = 0; i < 3; ++i) {
    auto o = call(c, get(base_url(s)));
    REQUIRE(o.failure == failure_kind::none);
    CHECK(o.status == 200);
  }
  std::lock_guard<std::mutex> guard{mutex};
  CHECK(remotes.size() == 3);
}

TEST_CASE("max_connections_per_host bounds concurrent connections",
          "[client]") {
  std::mutex mutex;
  std::set<std::string> remotes;
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::vector<std::thread> workers;
  server_options server_opts;
  server_opts.io_threads = 2;
  server s{server_opts, [&](request req, responder respond) {
             auto now = ++in_flight;
             for (int seen = max_in_flight; now > seen
                                            && !max_in_flight
                                                  .compare_exchange_weak(seen,
                                                                         now);)
               ;
             std::lock_guard<std::mutex> guard{mutex};
             remotes.insert(req.remote_address);
             // Answer a little later so calls pile up.
             workers.emplace_back([&in_flight, respond] {
               std::this_thread::sleep_for(5ms);
               --in_flight;
               respond({});
             });
           }};
  REQUIRE(s.start().empty());

  client_options options;
  options.max_connections_per_host = 4;
  client c{options};
  constexpr int n = 100;
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  for (int i = 0; i < n; ++i)
    c.send(get(base_url(s) + "/n" + std::to_string(i)), [&](outcome o) {
      if (o.failure == failure_kind::none && o.status == 200)
        ++ok;
      ++done;
    });
  for (int i = 0; i < 1000 && done < n; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(done == n);
  CHECK(ok == n);
  CHECK(max_in_flight <= 4);
  std::lock_guard<std::mutex> guard{mutex};
  CHECK(remotes.size() <= 4);
  CHECK(remotes.size() >= 2); // the calls did run in parallel
  for (auto& t : workers)
    t.join();
}

TEST_CASE("a reset after the request is reset_after_send", "[client]") {
  server s{{}, [](request, responder respond) {
             response res;
             res.reset_connection = true;
             respond(std::move(res));
           }};
  REQUIRE(s.start().empty());
  client c{{}};
  auto o = call(c, post(base_url(s) + "/x", "{}"));
  CHECK(o.failure == failure_kind::reset_after_send);
  CHECK(o.request_sent);
  CHECK_FALSE(o.error.empty());
}

TEST_CASE("a dropped responder gives reset_after_send", "[client]") {
  server s{{}, [](request, responder) {}};
  REQUIRE(s.start().empty());
  client c{{}};
  auto o = call(c, get(base_url(s)));
  CHECK(o.failure == failure_kind::reset_after_send);
  CHECK(o.request_sent);
}

TEST_CASE("a server that never answers gives timeout_after_send",
          "[client]") {
  silent_server silent;
  client c{{}};
  auto req = post("http://127.0.0.1:" + std::to_string(silent.port()) + "/",
                  "{}");
  req.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  auto o = call(c, req);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(o.failure == failure_kind::timeout_after_send);
  CHECK(o.request_sent);
  CHECK(took >= 300ms);
  CHECK(took < 3s);
}

TEST_CASE("a closed port gives connect with nothing sent", "[client]") {
  client c{{}};
  auto o = call(c, post("http://127.0.0.1:" + std::to_string(closed_port()),
                        "{}"));
  CHECK(o.failure == failure_kind::connect);
  CHECK_FALSE(o.request_sent);
  CHECK(o.error.find("refused") != std::string::npos);
}

TEST_CASE("a bad URL gives bad_url with nothing sent", "[client]") {
  client c{{}};
  for (const char* bad : {"ftp://x/", "not a url", "http://"}) {
    auto o = call(c, get(bad));
    CHECK(o.failure == failure_kind::bad_url);
    CHECK_FALSE(o.request_sent);
  }
}

TEST_CASE("a call failing at once still completes on an I/O thread",
          "[client]") {
  client_options bad_proxy;
  bad_proxy.proxy = "socks5://127.0.0.1:1080";
  client direct{{}};
  client proxied{bad_proxy};
  struct attempt {
    client& c;
    const char* url;
    failure_kind expected;
  };
  for (auto& a : {attempt{direct, "not a url", failure_kind::bad_url},
                  attempt{proxied, "http://127.0.0.1:1/",
                          failure_kind::connect}}) {
    auto done = std::make_shared<std::promise<std::pair<std::thread::id,
                                                        failure_kind>>>();
    auto result = done->get_future();
    a.c.send(get(a.url), [done](outcome o) {
      done->set_value({std::this_thread::get_id(), o.failure});
    });
    REQUIRE(result.wait_for(5s) == std::future_status::ready);
    auto [thread, failure] = result.get();
    CHECK(thread != std::this_thread::get_id());
    CHECK(failure == a.expected);
  }
}

TEST_CASE("garbage and oversized answers are bad_response", "[client]") {
  SECTION("garbage") {
    canned_server garbage{"NOT HTTP AT ALL\r\n\r\n"};
    client c{{}};
    auto o = call(c, get("http://127.0.0.1:" + std::to_string(garbage.port())));
    CHECK(o.failure == failure_kind::bad_response);
    CHECK(o.request_sent);
  }
  SECTION("too large") {
    canned_server big{"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"
                      + std::string(5000, 'x')};
    client_options options;
    options.max_response_body = 1000;
    client c{options};
    auto o = call(c, get("http://127.0.0.1:" + std::to_string(big.port())));
    CHECK(o.failure == failure_kind::bad_response);
    CHECK(o.error.find("1000") != std::string::npos);
    INFO(o.status << " " << o.body.size());
    CHECK(o.body.empty());
  }
  SECTION("cut short") {
    canned_server cut{"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nxx"};
    client c{{}};
    auto o = call(c, get("http://127.0.0.1:" + std::to_string(cut.port())));
    CHECK(o.failure == failure_kind::reset_after_send);
    CHECK(o.request_sent);
  }
  SECTION("answer until EOF") {
    canned_server eof{"HTTP/1.1 200 OK\r\n\r\nuntil-eof"};
    client c{{}};
    auto o = call(c, get("http://127.0.0.1:" + std::to_string(eof.port())));
    CHECK(o.failure == failure_kind::none);
    CHECK(o.body == "until-eof");
  }
}

TEST_CASE("the server's 413 reaches the client", "[client]") {
  server_options options;
  options.max_body = 1024;
  recording_server origin{options};
  client c{{}};
  auto o = call(c, post(base_url(origin.s), std::string(2 * 1024 * 1024, 'x')));
  CHECK(o.failure == failure_kind::none);
  CHECK(o.status == 413);
  CHECK(o.body.find("payload_too_large") != std::string::npos);
  // The next call works on a fresh connection.
  auto next = call(c, post(base_url(origin.s), "{}"));
  CHECK(next.status == 200);
}

TEST_CASE("stop fails pending and queued calls exactly once", "[client]") {
  silent_server silent;
  client_options options;
  options.max_connections_per_host = 1;
  auto c = std::make_unique<client>(options);
  std::mutex mutex;
  std::vector<outcome> outcomes;
  auto url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/";
  for (int i = 0; i < 3; ++i)
    c->send(post(url, "{}"), [&](outcome o) {
      std::lock_guard<std::mutex> guard{mutex};
      outcomes.push_back(std::move(o));
    });
  std::this_thread::sleep_for(200ms); // the first one is on the wire
  c->stop();
  c->stop();
  {
    std::lock_guard<std::mutex> guard{mutex};
    REQUIRE(outcomes.size() == 3);
    int sent = 0;
    for (auto& o : outcomes) {
      CHECK(o.failure != failure_kind::none);
      if (o.request_sent) {
        ++sent;
        CHECK(o.failure == failure_kind::reset_after_send);
      } else {
        CHECK(o.failure == failure_kind::connect);
      }
    }
    CHECK(sent == 1);
  }
  // After stop, calls complete at once with `connect`.
  bool called = false;
  c->send(get(url), [&](outcome o) {
    called = true;
    CHECK(o.failure == failure_kind::connect);
  });
  CHECK(called);
  c.reset();
}

TEST_CASE("responder called from another thread after a delay", "[client]") {
  std::vector<std::thread> workers;
  std::mutex mutex;
  server s{{}, [&](request req, responder respond) {
             std::lock_guard<std::mutex> guard{mutex};
             workers.emplace_back([respond, body = req.body] {
               std::this_thread::sleep_for(50ms);
               response res;
               res.body = "late:" + body;
               respond(std::move(res));
             });
           }};
  REQUIRE(s.start().empty());
  client c{{}};
  auto o = call(c, post(base_url(s), "x"));
  CHECK(o.failure == failure_kind::none);
  CHECK(o.body == "late:x");
  CHECK(o.elapsed >= 50ms);
  std::lock_guard<std::mutex> guard{mutex};
  for (auto& t : workers)
    t.join();
}
