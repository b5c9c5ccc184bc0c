#pragma once

/// A blocking loopback TCP connection speaking raw HTTP/1.1, for tests that
/// must control every byte: a head without its body, a kept-alive
/// connection left idle, a connection the server should close.

#include <chrono>
#include <cstdint>
#include <string>

namespace usms::test {

class raw_client {
public:
  /// Connects to 127.0.0.1:PORT (check connected()).
  explicit raw_client(uint16_t port);
  ~raw_client();
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// False when the server no longer takes bytes.
  bool send(const std::string& bytes);
  /// One answer (head and Content-Length bytes of body), waiting up to
  /// `limit`; empty when the server closed or nothing complete came.
  std::string read_answer(std::chrono::milliseconds limit
                          = std::chrono::seconds(10));
  /// Waits up to `limit` for the server to close the connection (EOF or
  /// reset); true when it did. Bytes that arrive meanwhile are kept.
  bool closed_within(std::chrono::milliseconds limit);

private:
  /// Waits up to `limit` for bytes; false on EOF, reset or time out.
  bool read_more(std::chrono::milliseconds limit);

  int fd_ = -1;
  bool eof_ = false;
  std::string pending_;
};

/// `GET path` keeping the connection.
std::string keep_alive_get(const std::string& path);

} // namespace usms::test
