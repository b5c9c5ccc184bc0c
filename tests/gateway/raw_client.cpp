#include "tests/gateway/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/test_support.hpp"

namespace usms::test {

namespace {

using clock_type = std::chrono::steady_clock;

int remaining_ms(clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    deadline - clock_type::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

raw_client::raw_client(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ >= 0
      && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

raw_client::~raw_client() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool raw_client::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent,
                    MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    sent += static_cast<std::size_t>(n);
  }
  return fd_ >= 0;
}

bool raw_client::read_more(std::chrono::milliseconds limit) {
  if (fd_ < 0 || eof_)
    return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0)
    return false;
  char chunk[4096];
  auto n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  pending_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::string raw_client::read_answer(std::chrono::milliseconds limit) {
  auto deadline = clock_type::now() + limit;
  std::string answer;
  while ((answer = take_http_answer(pending_)).empty())
    if (!read_more(std::chrono::milliseconds(remaining_ms(deadline))))
      return {};
  return answer;
}

bool raw_client::closed_within(std::chrono::milliseconds limit) {
  auto deadline = clock_type::now() + limit;
  while (!eof_ && clock_type::now() < deadline)
    read_more(std::chrono::milliseconds(remaining_ms(deadline)));
  return eof_;
}

std::string keep_alive_get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

} // namespace usms::test
