#include "tests/support/postgres_server.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "persistence/pg.hpp"

namespace usms::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* server_user = "usms-pgtest";
constexpr const char* state_file = "server";

/// Who runs initdb and postgres: this process's user, or, as root, an
/// unprivileged one.
struct identity {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

identity server_identity() {
  if (::geteuid() != 0)
    return {};
  auto* pw = ::getpwnam(server_user);
  if (!pw) {
    // A system user without home or shell; two test runs racing here
    // both end up with it.
    std::string cmd = std::string{"useradd --system --no-create-home "
                                  "--home-dir /nonexistent --shell "
                                  "/usr/sbin/nologin "}
                      + server_user + " >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    pw = ::getpwnam(server_user);
  }
  if (!pw)
    pw = ::getpwnam("nobody");
  if (!pw)
    throw std::runtime_error("postgres_server: no unprivileged user to run "
                             "PostgreSQL as (useradd failed, no nobody)");
  return {true, pw->pw_uid, pw->pw_gid};
}

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0)
    return false;
  // A zombie nobody reaps (a container without init) is gone too.
  auto stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size()
         || stat[close + 2] != 'Z';
}

/// Starts `argv` as `who` with stdout and stderr appended to `log`.
/// `detached`: in a session of its own, outliving this process; otherwise
/// it gets SIGQUIT (PostgreSQL's immediate shutdown) when this process
/// dies, so a crashed test leaves no server behind.
pid_t spawn(const std::vector<std::string>& argv, const identity& who,
            const std::string& log, bool detached) {
  auto parent = ::getpid();
  auto pid = ::fork();
  if (pid < 0)
    throw std::runtime_error("postgres_server: fork failed");
  if (pid > 0)
    return pid;
  // The child: only async-signal-safe calls from here on.
  if (detached)
    ::setsid();
  int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  int in = ::open("/dev/null", O_RDONLY);
  if (out < 0 || in < 0)
    ::_exit(126);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(out, 2);
  // No pipe of another child the test captures may stay open in here.
  ::syscall(SYS_close_range, 3u, ~0u, 0u);
  if (who.switch_user
      && (::setgroups(0, nullptr) != 0 || ::setgid(who.gid) != 0
          || ::setuid(who.uid) != 0))
    ::_exit(126);
  if (!detached) {
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent)
      ::_exit(126);
  }
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

/// Waits for `pid` (a child of ours) to exit; its exit code, or -1.
int wait_child(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Directories of servers that died with their test (a SIGKILLed test
/// process cannot clean up): older than ten minutes, no postmaster alive.
void remove_stale_dirs(const fs::path& base) {
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(base, ec)) {
    auto name = entry.path().filename().string();
    if (name.rfind("usms-pg-", 0) != 0 || !entry.is_directory(ec))
      continue;
    auto age = fs::file_time_type::clock::now()
               - fs::last_write_time(entry.path(), ec);
    if (ec || age < 10min)
      continue;
    auto pid_text = read_text((entry.path() / "data/postmaster.pid").string());
    auto pid = static_cast<pid_t>(std::atoi(pid_text.c_str()));
    if (!alive(pid))
      fs::remove_all(entry.path(), ec);
  }
}

std::string make_server_dir() {
  // A short path: the socket's full name must stay under 108 bytes.
  fs::path base = "/tmp";
  remove_stale_dirs(base);
  std::string pattern = (base / "usms-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("postgres_server: mkdtemp failed");
  return pattern;
}

std::string random_suffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  std::ostringstream out;
  out << ::getpid() << "_" << ++counter << "_" << std::hex << rd();
  return out.str();
}

} // namespace

std::string postgres_server::bin_dir() {
  const char* env = std::getenv("USMS_PG_BIN");
  std::string dir = env && *env ? env : "/usr/lib/postgresql/15/bin";
  return ::access((dir + "/initdb").c_str(), X_OK) == 0
                 && ::access((dir + "/postgres").c_str(), X_OK) == 0
             ? dir
             : std::string{};
}

std::unique_ptr<postgres_server> postgres_server::start(options opts) {
  auto bin = bin_dir();
  if (bin.empty())
    throw std::runtime_error("postgres_server: initdb and postgres not "
                             "found (set USMS_PG_BIN)");
  std::unique_ptr<postgres_server> s{new postgres_server};
  s->dir_ = make_server_dir();
  s->socket_dir_ = s->dir_;
  s->owned_ = true;
  auto who = server_identity();
  if (who.switch_user && ::chown(s->dir_.c_str(), who.uid, who.gid) != 0)
    throw std::runtime_error("postgres_server: chown " + s->dir_ + " failed");
  auto log = s->dir_ + "/log";
  auto data = s->dir_ + "/data";
  auto init = spawn({bin + "/initdb", "-D", data, "-U", "usms", "--auth=trust",
                     "--encoding=UTF8", "--locale=C", "--no-sync",
                     "--no-instructions"},
                    who, log, false);
  if (wait_child(init) != 0)
    throw std::runtime_error("postgres_server: initdb failed:\n"
                             + read_text(log));
  s->pid_
      = spawn({bin + "/postgres", "-D", data, "-k", s->socket_dir_, "-c",
               "listen_addresses=", "-c", "port=" + std::to_string(s->port_),
               "-c", opts.durable ? "fsync=on" : "fsync=off", "-c",
               opts.durable ? "full_page_writes=on" : "full_page_writes=off",
               "-c", "max_connections=200"},
              who, log, opts.detachable);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    try {
      pg::connection probe{s->url()};
      return s;
    } catch (const std::exception&) {
      // not up yet
    }
    int status = 0;
    if (::waitpid(s->pid_, &status, WNOHANG) == s->pid_) {
      s->pid_ = -1;
      throw std::runtime_error("postgres_server: postgres exited:\n"
                               + read_text(log));
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("postgres_server: no connection within 60 s:\n"
                               + read_text(log));
    std::this_thread::sleep_for(50ms);
  }
}

std::unique_ptr<postgres_server>
postgres_server::attach(const std::string& state_dir) {
  std::ifstream in{state_dir + "/" + state_file};
  std::unique_ptr<postgres_server> s{new postgres_server};
  if (!(in >> s->dir_ >> s->socket_dir_ >> s->port_ >> s->pid_))
    return nullptr;
  return s;
}

postgres_server::~postgres_server() {
  if (owned_)
    stop();
}

void postgres_server::stop() noexcept {
  if (pid_ > 0) {
    // SIGINT is the fast shutdown: sessions are ended, nothing is waited
    // for. A child of ours is reaped; one of another process is watched.
    ::kill(pid_, SIGINT);
    auto deadline = std::chrono::steady_clock::now() + 30s;
    auto gone = [&] {
      int status = 0;
      return ::waitpid(pid_, &status, WNOHANG) == pid_ || !alive(pid_);
    };
    while (!gone() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    if (!gone()) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  std::error_code ec;
  if (!dir_.empty())
    fs::remove_all(dir_, ec);
}

std::string postgres_server::url(const std::string& database) const {
  return "postgresql://usms@/" + database + "?host=" + socket_dir_
         + "&port=" + std::to_string(port_);
}

std::string postgres_server::create_database() {
  auto name = "usms_t" + random_suffix();
  pg::connection admin{url()};
  admin.exec("CREATE DATABASE " + name + " TEMPLATE template0");
  return name;
}

void postgres_server::drop_database(const std::string& name) {
  pg::connection admin{url()};
  admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

void postgres_server::detach_to(const std::string& state_dir) {
  fs::create_directories(state_dir);
  std::ofstream out{state_dir + "/" + state_file};
  out << dir_ << "\n" << socket_dir_ << "\n" << port_ << "\n" << pid_ << "\n";
  owned_ = false;
}

bool postgres_server::stop_detached(const std::string& state_dir) {
  auto s = postgres_server::attach(state_dir);
  std::error_code ec;
  fs::remove(state_dir + "/" + state_file, ec);
  if (!s)
    return false;
  // Its directory goes even when the server died on its own (and then
  // its pid, perhaps another process's by now, is left alone).
  bool was_running = alive(s->pid_);
  if (!was_running)
    s->pid_ = -1;
  s->stop();
  return was_running;
}

postgres_server* shared_postgres() {
  static std::mutex mtx;
  static std::unique_ptr<postgres_server> server;
  std::lock_guard<std::mutex> guard{mtx};
  if (server)
    return server.get();
  if (const char* dir = std::getenv("USMS_TEST_PG_DIR"); dir && *dir) {
    server = postgres_server::attach(dir);
    if (server && !alive(server->pid()))
      server.reset();
  }
  if (!server && !postgres_server::bin_dir().empty())
    server = postgres_server::start();
  return server.get();
}

} // namespace usms::test
