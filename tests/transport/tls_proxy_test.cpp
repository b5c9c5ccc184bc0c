#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <catch2/catch.hpp>

#include "test_helpers.hpp"

using namespace usms::http;
using namespace usms::http::test;
using namespace std::chrono_literals;

namespace {

// A self-signed certificate made at test time.
struct cert_files {
  std::string cert;
  std::string key;
};

cert_files make_cert(const temp_dir& dir, const std::string& name,
                     const std::string& san) {
  cert_files files{(dir.path() / (name + "-cert.pem")).string(),
                   (dir.path() / (name + "-key.pem")).string()};
  auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=" + name
             + " -addext subjectAltName=" + san + " -days 1 -keyout "
             + files.key + " -out " + files.cert + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return files;
}

// One certificate for the whole binary: key generation takes a while.
const cert_files& localhost_cert() {
  static temp_dir dir;
  static cert_files files
    = make_cert(dir, "localhost", "DNS:localhost,IP:127.0.0.1");
  return files;
}

struct tls_origin {
  tls_origin()
    : s{options(), [this](request req, responder respond) {
          {
            std::lock_guard<std::mutex> guard{mutex};
            remotes.insert(req.remote_address);
          }
          response res;
          res.body = "secure:" + req.target;
          respond(std::move(res));
        }} {
    REQUIRE(s.start().empty());
  }

  static server_options options() {
    server_options o;
    o.tls_cert_file = localhost_cert().cert;
    o.tls_key_file = localhost_cert().key;
    return o;
  }

  std::mutex mutex;
  std::set<std::string> remotes;
  server s;
};

// A CONNECT-only proxy: tunnels bytes both ways with blocking threads.
class tunnel_proxy {
public:
  tunnel_proxy()
    : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    threads_.emplace_back([this] { accept_loop(); });
  }

  ~tunnel_proxy() {
    boost::system::error_code ignored;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    {
      std::lock_guard<std::mutex> guard{mutex_};
      stopping_ = true;
      for (auto& s : sockets_) {
        s->shutdown(tcp::socket::shutdown_both, ignored);
      }
    }
    for (std::size_t i = 0;; ++i) {
      std::thread t;
      {
        std::lock_guard<std::mutex> guard{mutex_};
        if (i >= threads_.size())
          break;
        t = std::move(threads_[i]);
      }
      if (t.joinable())
        t.join();
    }
  }

  uint16_t port() const {
    return acceptor_.local_endpoint().port();
  }

  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> guard{mutex_};
    return requests_;
  }

private:
  void accept_loop() {
    for (;;) {
      auto client = std::make_shared<tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*client, ec);
      if (ec)
        return;
      std::lock_guard<std::mutex> guard{mutex_};
      if (stopping_)
        return;
      sockets_.push_back(client);
      threads_.emplace_back([this, client] { serve(client); });
    }
  }

  void serve(std::shared_ptr<tcp::socket> client) {
    boost::system::error_code ec;
    boost::asio::streambuf head;
    auto n = boost::asio::read_until(*client, head, "\r\n\r\n", ec);
    if (ec)
      return;
    std::string header(boost::asio::buffers_begin(head.data()),
                       boost::asio::buffers_begin(head.data()) + n);
    head.consume(n);
    auto line = header.substr(0, header.find("\r\n"));
    {
      std::lock_guard<std::mutex> guard{mutex_};
      requests_.push_back(line);
    }
    // "CONNECT 127.0.0.1:PORT HTTP/1.1"
    auto target = line.substr(8, line.rfind(' ') - 8);
    auto colon = target.rfind(':');
    auto upstream = std::make_shared<tcp::socket>(ioc_);
    upstream->connect({boost::asio::ip::make_address(target.substr(0, colon)),
                       static_cast<uint16_t>(
                         std::stoi(target.substr(colon + 1)))},
                      ec);
    if (ec) {
      boost::asio::write(*client,
                         boost::asio::buffer(std::string(
                           "HTTP/1.1 502 Bad Gateway\r\n\r\n")),
                         ec);
      return;
    }
    boost::asio::write(*client,
                       boost::asio::buffer(std::string(
                         "HTTP/1.1 200 Connection established\r\n\r\n")),
                       ec);
    {
      std::lock_guard<std::mutex> guard{mutex_};
      sockets_.push_back(upstream);
      threads_.emplace_back([upstream, client] { pump(*upstream, *client); });
    }
    pump(*client, *upstream);
  }

  static void pump(tcp::socket& from, tcp::socket& to) {
    char buf[8192];
    boost::system::error_code ec;
    for (;;) {
      auto n = from.read_some(boost::asio::buffer(buf), ec);
      if (ec)
        break;
      boost::asio::write(to, boost::asio::buffer(buf, n), ec);
      if (ec)
        break;
    }
    to.shutdown(tcp::socket::shutdown_send, ec);
  }

  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
  std::vector<std::string> requests_;
};

// An absolute-form forwarding proxy built on the transport itself.
struct forward_proxy {
  forward_proxy()
    : upstream{client_options{}},
      s{{}, [this](request req, responder respond) {
          {
            std::lock_guard<std::mutex> guard{mutex};
            targets.push_back(req.target);
          }
          if (req.method == "CONNECT") {
            response res;
            res.status = 403;
            respond(std::move(res));
            return;
          }
          outgoing out;
          out.method = req.method;
          out.url = req.target; // absolute form
          for (auto& h : req.headers)
            if (h.name != "Host")
              out.headers.push_back(h);
          out.body = req.body;
          upstream.send(std::move(out), [respond](outcome o) {
            response res;
            res.status = o.failure == failure_kind::none ? o.status : 502;
            res.body = o.body;
            respond(std::move(res));
          });
        }} {
    REQUIRE(s.start().empty());
  }

  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> guard{mutex};
    return targets;
  }

  std::mutex mutex;
  std::vector<std::string> targets;
  client upstream;
  server s;
};

} // namespace

TEST_CASE("https round trip with the test CA", "[tls]") {
  tls_origin origin;
  client_options options;
  options.ca_file = localhost_cert().cert;
  client c{options};
  for (const char* host : {"127.0.0.1", "localhost"}) {
    INFO(host);
    auto url = std::string("https://") + host + ":"
               + std::to_string(origin.s.port()) + "/secret";
    for (int i = 0; i < 3; ++i) {
      auto o = call(c, get(url));
      REQUIRE(o.error.empty());
      CHECK(o.failure == failure_kind::none);
      CHECK(o.status == 200);
      CHECK(o.body == "secure:/secret");
    }
  }
  // Keep-alive over TLS: one connection per host name.
  std::lock_guard<std::mutex> guard{origin.mutex};
  CHECK(origin.remotes.size() == 2);
}

TEST_CASE("https fails before sending when the peer is not trusted",
          "[tls]") {
  tls_origin origin;
  SECTION("unknown CA") {
    client c{{}};
    auto o = call(c, get(base_url(origin.s, "https")));
    CHECK(o.failure == failure_kind::connect);
    CHECK_FALSE(o.request_sent);
    CHECK(o.error.find("certificate verify failed") != std::string::npos);
  }
  SECTION("wrong host name") {
    temp_dir dir;
    auto other = make_cert(dir, "other", "DNS:other.example");
    server_options so;
    so.tls_cert_file = other.cert;
    so.tls_key_file = other.key;
    server s{so, [](request, responder respond) { respond({}); }};
    REQUIRE(s.start().empty());
    client_options options;
    options.ca_file = other.cert;
    client c{options};
    auto o = call(c, get(base_url(s, "https")));
    CHECK(o.failure == failure_kind::connect);
    CHECK_FALSE(o.request_sent);
  }
  SECTION("verification off") {
    client_options options;
    options.verify_peer = false;
    client c{options};
    auto o = call(c, get(base_url(origin.s, "https")));
    CHECK(o.failure == failure_kind::none);
    CHECK(o.status == 200);
  }
  SECTION("plain http to a TLS port") {
    client c{{}};
    auto o = call(c, get(base_url(origin.s, "http")));
    CHECK(o.failure != failure_kind::none);
  }
}

TEST_CASE("TLS setup errors are readable", "[tls]") {
  server_options so;
  so.tls_cert_file = "/nonexistent/cert.pem";
  so.tls_key_file = localhost_cert().key;
  server s{so, [](request, responder) {}};
  auto err = s.start();
  CHECK(err.find("/nonexistent/cert.pem") != std::string::npos);

  temp_dir dir;
  auto other = make_cert(dir, "other", "DNS:other.example");
  server_options mismatch;
  mismatch.tls_cert_file = localhost_cert().cert;
  mismatch.tls_key_file = other.key;
  server m{mismatch, [](request, responder) {}};
  CHECK_FALSE(m.start().empty());

  client_options co;
  co.ca_file = "/nonexistent/ca.pem";
  client c{co};
  auto o = call(c, get("https://127.0.0.1:1/"));
  CHECK(o.failure == failure_kind::connect);
  CHECK_FALSE(o.request_sent);
  CHECK(o.error.find("/nonexistent/ca.pem") != std::string::npos);
}

TEST_CASE("http through a proxy uses the absolute form", "[proxy]") {
  std::mutex mutex;
  std::vector<std::string> origin_targets;
  server origin{{}, [&](request req, responder respond) {
                  {
                    std::lock_guard<std::mutex> guard{mutex};
                    origin_targets.push_back(req.target);
                  }
                  response res;
                  res.body = "origin:" + req.body;
                  respond(std::move(res));
                }};
  REQUIRE(origin.start().empty());
  forward_proxy proxy;

  client_options options;
  options.proxy = base_url(proxy.s);
  client c{options};
  auto o = call(c, post(base_url(origin) + "/usms?x=1", "hi"));
  CHECK(o.failure == failure_kind::none);
  CHECK(o.body == "origin:hi");
  auto seen = proxy.seen();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == base_url(origin) + "/usms?x=1");
  std::lock_guard<std::mutex> guard{mutex};
  REQUIRE(origin_targets.size() == 1);
  CHECK(origin_targets[0] == "/usms?x=1");
}

TEST_CASE("https through a proxy tunnels with CONNECT", "[proxy]") {
  tls_origin origin;
  tunnel_proxy proxy;
  client_options options;
  options.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  options.ca_file = localhost_cert().cert;
  client c{options};
  for (int i = 0; i < 2; ++i) {
    auto o = call(c, get(base_url(origin.s, "https") + "/t"));
    REQUIRE(o.error.empty());
    CHECK(o.status == 200);
    CHECK(o.body == "secure:/t");
  }
  auto seen = proxy.requests();
  REQUIRE(seen.size() == 1); // the tunnel was kept alive
  CHECK(seen[0] == "CONNECT 127.0.0.1:" + std::to_string(origin.s.port())
                     + " HTTP/1.1");
}

TEST_CASE("a proxy refusing CONNECT is a connect failure", "[proxy]") {
  forward_proxy proxy;
  client_options options;
  options.proxy = base_url(proxy.s);
  client c{options};
  auto o = call(c, get("https://127.0.0.1:9/"));
  CHECK(o.failure == failure_kind::connect);
  CHECK_FALSE(o.request_sent);
  CHECK(o.error.find("403") != std::string::npos);

  client_options bad;
  bad.proxy = "socks5://127.0.0.1:1080";
  client b{bad};
  auto r = call(b, get("http://127.0.0.1:9/"));
  CHECK(r.failure == failure_kind::connect);
  CHECK_FALSE(r.request_sent);
}
