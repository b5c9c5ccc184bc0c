#include "tests/support/test_support.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace usms::test {

std::string bin_path(const std::string& name) {
  return std::string(USMS_BIN_DIR) + "/" + name;
}

temp_dir::temp_dir() {
  const char* base = ::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp")
                        + "/usms-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::system_error(errno, std::generic_category(),
                            "mkdtemp " + pattern);
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec; // a destructor must not throw; leftovers are harmless
  std::filesystem::remove_all(path_, ec);
}

const std::string& temp_dir::path() const {
  return path_;
}

std::string take_http_answer(std::string& bytes) {
  auto head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string::npos)
    return {};
  std::size_t length = 0;
  auto at = bytes.find("\r\nContent-Length: ");
  if (at != std::string::npos && at < head_end)
    length = std::stoul(bytes.substr(at + 18));
  auto size = head_end + 4 + length;
  if (bytes.size() < size)
    return {};
  auto answer = bytes.substr(0, size);
  bytes.erase(0, size);
  return answer;
}

bool wait_until(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool value = pred();
    if (value || std::chrono::steady_clock::now() >= deadline)
      return value;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

} // namespace usms::test
