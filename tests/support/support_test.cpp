// Tests of the integration-test helpers themselves, with /bin/sh as the
// child process.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/test_support.hpp"

using namespace usms::test;
using std::chrono::milliseconds;

TEST_CASE("child_process waits for the listening line", "[support]") {
  auto child = child_process::start(
    "/bin/sh",
    {"-c", "echo starting; echo oops >&2; "
           "echo 'listening on http://127.0.0.1:4321'; exec sleep 30"});
  CHECK(child->base_url() == "http://127.0.0.1:4321");
  CHECK(child->port() == 4321);
  CHECK(child->pid() > 0);
  CHECK(child->running());
  CHECK(wait_until([&] { return child->output().find("oops")
                                  != std::string::npos; },
                   milliseconds(2000)));
  CHECK(child->output().find("starting") != std::string::npos);
  child->send_signal(SIGTERM);
  CHECK(child->wait_exit(milliseconds(5000)) == 128 + SIGTERM);
  CHECK_FALSE(child->running());
}

TEST_CASE("child_process reports an early exit with the output",
          "[support]") {
  CHECK_THROWS_WITH(child_process::start("/bin/sh",
                                         {"-c", "echo bad flag >&2; exit 3"}),
                    Catch::Contains("exited with code 3")
                      && Catch::Contains("bad flag"));
  CHECK_THROWS_WITH(child_process::start("/nonexistent/binary", {}),
                    Catch::Contains("exec failed"));
}

TEST_CASE("child_process gives up after the ready timeout", "[support]") {
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(child_process::start("/bin/sh",
                                         {"-c", "echo silent; sleep 30"}, {},
                                         {}, milliseconds(300)),
                    Catch::Contains("did not print")
                      && Catch::Contains("silent"));
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(3000));
}

TEST_CASE("child_process passes environment and working directory",
          "[support]") {
  temp_dir dir;
  auto child = child_process::start(
    "/bin/sh",
    {"-c", "echo \"FOO=$FOO PWD=$(pwd)\"; "
           "echo listening on https://[::1]:8443; exit 0"},
    {"FOO=bar"}, dir.path());
  CHECK(child->base_url() == "https://[::1]:8443");
  CHECK(child->port() == 8443);
  CHECK(child->wait_exit(milliseconds(5000)) == 0);
  CHECK(child->output().find("FOO=bar PWD=" + dir.path())
        != std::string::npos);
}

TEST_CASE("the destructor kills a running child", "[support]") {
  pid_t pid;
  {
    auto child = child_process::start(
      "/bin/sh", {"-c", "echo listening on http://127.0.0.1:1; exec sleep 60"});
    pid = child->pid();
  }
  CHECK(::kill(pid, 0) != 0); // gone and reaped
}

TEST_CASE("temp_dir is created and removed", "[support]") {
  std::string path;
  {
    temp_dir dir;
    path = dir.path();
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    ::mkdir((path + "/sub").c_str(), 0700);
    std::ofstream(path + "/sub/file.txt") << "x";
  }
  struct stat st{};
  CHECK(::stat(path.c_str(), &st) != 0);
}

TEST_CASE("wait_until polls until true or timeout", "[support]") {
  int calls = 0;
  CHECK(wait_until([&] { return ++calls == 3; }, milliseconds(2000)));
  CHECK(calls == 3);
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(wait_until([] { return false; }, milliseconds(100)));
  CHECK(std::chrono::steady_clock::now() - start >= milliseconds(100));
}

TEST_CASE("http_call reports a transport error", "[support]") {
  // Port 1 on loopback: nothing listens there.
  auto r = http_call("GET", "http://127.0.0.1:1/", {}, {}, milliseconds(3000));
  CHECK(r.status == 0);
  CHECK_FALSE(r.error.empty());
  CHECK(r.failure == usms::http::failure_kind::connect);
  CHECK(bin_path("usms-sim").find("/usms-sim") != std::string::npos);
}
