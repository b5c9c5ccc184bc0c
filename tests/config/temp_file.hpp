#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace usms::config::test {

/// A file with the given text that is removed when the object goes.
class temp_file {
public:
  explicit temp_file(const std::string& text) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path()
             / ("usms-config-test-" + std::to_string(::getpid()) + "-"
                + std::to_string(counter++) + ".toml"))
                .string();
    std::ofstream{path_} << text;
  }
  ~temp_file() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;

  const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace usms::config::test
