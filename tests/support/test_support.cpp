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
