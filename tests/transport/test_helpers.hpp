#pragma once

/// Helpers for the transport tests: blocking wrappers over the async client,
/// raw loopback sockets, and a temporary directory.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "tests/support/test_support.hpp"
#include "transport/http_client.hpp"
#include "transport/http_server.hpp"

namespace usms::http::test {

using tcp = boost::asio::ip::tcp;

/// Sends one call and waits for its outcome (at most `limit`).
inline outcome call(client& c, outgoing req,
                    std::chrono::seconds limit = std::chrono::seconds(20)) {
  auto done = std::make_shared<std::promise<outcome>>();
  auto result = done->get_future();
  c.send(std::move(req), [done](outcome o) { done->set_value(std::move(o)); });
  if (result.wait_for(limit) != std::future_status::ready) {
    outcome o;
    o.failure = failure_kind::bad_response;
    o.error = "test: no completion in time";
    return o;
  }
  return result.get();
}

inline outgoing get(std::string url) {
  outgoing req;
  req.method = "GET";
  req.url = std::move(url);
  return req;
}

inline outgoing post(std::string url, std::string body) {
  outgoing req;
  req.method = "POST";
  req.url = std::move(url);
  req.body = std::move(body);
  req.headers.push_back({"Content-Type", "application/json"});
  return req;
}

inline std::string base_url(const server& s, const char* scheme = "http") {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(s.port());
}

/// A blocking loopback socket for speaking raw HTTP to the server.
class raw_socket {
public:
  explicit raw_socket(uint16_t port) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  void send(const std::string& bytes) {
    boost::asio::write(socket_, boost::asio::buffer(bytes));
  }

  /// Reads until the peer closes (EOF or reset) and returns everything.
  std::string read_all() {
    std::string result;
    char buf[4096];
    for (;;) {
      boost::system::error_code ec;
      auto n = socket_.read_some(boost::asio::buffer(buf), ec);
      result.append(buf, n);
      if (ec)
        return result;
    }
  }

  /// Reads one answer (head and Content-Length bytes of body) and keeps
  /// what follows for the next call; empty when the peer closed first.
  std::string read_answer() {
    std::string answer;
    while ((answer = usms::test::take_http_answer(pending_)).empty())
      if (!read_more())
        return {};
    return answer;
  }

  tcp::socket& socket() {
    return socket_;
  }

private:
  bool read_more() {
    char buf[4096];
    boost::system::error_code ec;
    auto n = socket_.read_some(boost::asio::buffer(buf), ec);
    pending_.append(buf, n);
    return !ec;
  }

  boost::asio::io_context ioc_;
  tcp::socket socket_;
  std::string pending_;
};

/// A port nobody listens on (bound, then released).
inline uint16_t closed_port() {
  boost::asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

/// A fresh directory under the system temp dir, removed on destruction.
class temp_dir {
public:
  temp_dir() {
    auto pattern = (std::filesystem::temp_directory_path() / "usms-transport-XXXXXX")
                     .string();
    path_ = mkdtemp(pattern.data());
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const {
    return path_;
  }

private:
  std::filesystem::path path_;
};

} // namespace usms::http::test
