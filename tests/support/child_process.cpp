#include "tests/support/test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace usms::test {

struct child_process::impl {
  pid_t pid = -1;
  int out_fd = -1;
  int err_fd = -1;
  std::thread reader;
  std::atomic<bool> stop_reading{false};

  mutable std::mutex mtx;
  std::condition_variable cv;
  std::string output;      // complete lines of both streams
  std::string out_partial; // stdout bytes after the last newline
  std::string err_partial;
  bool eof = false;
  bool ready = false;
  std::string base_url;
  uint16_t port = 0;

  std::mutex reap_mtx;
  bool reaped = false;
  int exit_code = -1;

  /// Looks for "listening on http(s)://HOST:PORT" in one stdout line.
  void scan_ready(const std::string& line) {
    if (ready)
      return;
    auto at = line.find("listening on ");
    if (at == std::string::npos)
      return;
    auto url_begin = line.find("http", at);
    if (url_begin == std::string::npos)
      return;
    auto url_end = line.find_first_of(" \t\r\n", url_begin);
    std::string url = line.substr(url_begin, url_end == std::string::npos
                                               ? std::string::npos
                                               : url_end - url_begin);
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    auto scheme_end = url.find("://");
    auto colon = url.rfind(':');
    if (scheme_end == std::string::npos || colon <= scheme_end + 2)
      return;
    try {
      unsigned long p = std::stoul(url.substr(colon + 1));
      if (p == 0 || p > 65535)
        return;
      port = static_cast<uint16_t>(p);
    } catch (const std::exception&) {
      return;
    }
    base_url = url;
    ready = true;
  }

  /// Moves complete lines from `partial` into the output.
  void take_lines(std::string& partial, bool is_stdout) {
    std::size_t start = 0;
    for (;;) {
      auto nl = partial.find('\n', start);
      if (nl == std::string::npos)
        break;
      std::string line = partial.substr(start, nl - start);
      if (is_stdout)
        scan_ready(line);
      output += line;
      output += '\n';
      start = nl + 1;
    }
    partial.erase(0, start);
  }

  void read_loop() {
    bool out_open = true;
    bool err_open = true;
    char buf[8192];
    while (out_open || err_open) {
      pollfd fds[2];
      nfds_t n = 0;
      if (out_open)
        fds[n++] = pollfd{out_fd, POLLIN, 0};
      if (err_open)
        fds[n++] = pollfd{err_fd, POLLIN, 0};
      int rc = ::poll(fds, n, 100);
      if (rc < 0 && errno != EINTR)
        break;
      if (rc <= 0) {
        // A grandchild may keep the pipes open after the child died: give
        // up once the owner asked us to stop and nothing more comes.
        if (stop_reading.load())
          break;
        continue;
      }
      for (nfds_t i = 0; i < n; ++i) {
        if (fds[i].revents == 0)
          continue;
        bool is_stdout = fds[i].fd == out_fd;
        ssize_t got = ::read(fds[i].fd, buf, sizeof(buf));
        if (got < 0 && errno == EINTR)
          continue;
        std::lock_guard<std::mutex> guard(mtx);
        if (got <= 0) {
          (is_stdout ? out_open : err_open) = false;
          continue;
        }
        auto& partial = is_stdout ? out_partial : err_partial;
        partial.append(buf, static_cast<std::size_t>(got));
        take_lines(partial, is_stdout);
      }
      cv.notify_all();
    }
    std::lock_guard<std::mutex> guard(mtx);
    eof = true;
    cv.notify_all();
  }

  static int decode(int status) {
    if (WIFEXITED(status))
      return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
      return 128 + WTERMSIG(status);
    return -1;
  }

  /// True once the child is reaped (its code then in `exit_code`).
  bool try_reap(bool block) {
    std::lock_guard<std::mutex> guard(reap_mtx);
    if (reaped)
      return true;
    if (pid <= 0)
      return true;
    int status = 0;
    for (;;) {
      pid_t rc = ::waitpid(pid, &status, block ? 0 : WNOHANG);
      if (rc == pid) {
        reaped = true;
        exit_code = decode(status);
        return true;
      }
      if (rc < 0 && errno == EINTR)
        continue;
      if (rc < 0) { // not our child any more: nothing to wait for
        reaped = true;
        return true;
      }
      return false;
    }
  }
};

child_process::child_process() : impl_(std::make_unique<impl>()) {
}

std::unique_ptr<child_process>
child_process::start(const std::string& exe, std::vector<std::string> args,
                     std::vector<std::string> env, std::string cwd,
                     std::chrono::milliseconds ready_timeout) {
  // Everything the child needs is prepared before fork: after fork in a
  // threaded process only async-signal-safe calls are allowed.
  std::vector<std::string> argv_store;
  argv_store.push_back(exe);
  for (auto& a : args)
    argv_store.push_back(std::move(a));
  std::vector<char*> argv;
  for (auto& a : argv_store)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_store;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    auto key = entry.substr(0, entry.find('=') + 1);
    bool overridden = false;
    for (auto& extra : env)
      if (extra.compare(0, key.size(), key) == 0)
        overridden = true;
    if (!overridden)
      env_store.push_back(std::move(entry));
  }
  for (auto& extra : env)
    env_store.push_back(extra);
  std::vector<char*> envp;
  for (auto& e : env_store)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed: "
                             + std::string(std::strerror(errno)));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::runtime_error("pipe2 failed: "
                             + std::string(std::strerror(errno)));
  }
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  // PR_SET_PDEATHSIG fires when the forking *thread* exits, so it is only
  // safe (and useful: no orphaned servers after a crashed test) from the
  // main thread.
  bool from_main_thread = ::syscall(SYS_gettid) == ::getpid();
  pid_t parent = ::getpid();
  const char* cwd_c = cwd.empty() ? nullptr : cwd.c_str();

  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      ::close(fd);
    if (null_fd >= 0)
      ::close(null_fd);
    throw std::runtime_error("fork failed: " + std::string(std::strerror(err)));
  }
  if (pid == 0) {
    if (from_main_thread) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent)
        ::_exit(127);
    }
    // Undo any signal mask inherited from a test thread.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (null_fd >= 0)
      ::dup2(null_fd, 0);
    // Sockets of the test process (not all CLOEXEC) must not leak into
    // the child.
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
      for (int fd = 3; fd < 4096; ++fd)
        ::close(fd);
    if (cwd_c && ::chdir(cwd_c) != 0) {
      const char msg[] = "child_process: chdir failed\n";
      [[maybe_unused]] auto ignored = ::write(2, msg, sizeof(msg) - 1);
      ::_exit(127);
    }
    if (std::strchr(argv[0], '/'))
      ::execve(argv[0], argv.data(), envp.data());
    else
      ::execvpe(argv[0], argv.data(), envp.data());
    const char msg[] = "child_process: exec failed: ";
    [[maybe_unused]] auto a = ::write(2, msg, sizeof(msg) - 1);
    const char* err = std::strerror(errno);
    [[maybe_unused]] auto b = ::write(2, err, std::strlen(err));
    [[maybe_unused]] auto c = ::write(2, "\n", 1);
    ::_exit(127);
  }

  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (null_fd >= 0)
    ::close(null_fd);
  std::unique_ptr<child_process> self(new child_process());
  auto& d = *self->impl_;
  d.pid = pid;
  d.out_fd = out_pipe[0];
  d.err_fd = err_pipe[0];
  d.reader = std::thread([&d] { d.read_loop(); });

  auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  std::string why;
  for (;;) {
    {
      std::unique_lock<std::mutex> guard(d.mtx);
      d.cv.wait_for(guard, std::chrono::milliseconds(50),
                    [&d] { return d.ready || d.eof; });
      if (d.ready)
        return self;
    }
    if (self->impl_->try_reap(false)) {
      // Let the reader collect the last words before reporting.
      std::unique_lock<std::mutex> guard(d.mtx);
      d.cv.wait_for(guard, std::chrono::milliseconds(500),
                    [&d] { return d.eof; });
      if (d.ready)
        return self;
      why = "exited with code " + std::to_string(d.exit_code)
            + " before printing \"listening on\"";
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      why = "did not print \"listening on\" within "
            + std::to_string(ready_timeout.count()) + " ms";
      break;
    }
  }
  std::string out = self->output();
  self.reset(); // kills and reaps
  throw std::runtime_error(exe + " " + why + "; output:\n" + out);
}

const std::string& child_process::base_url() const {
  return impl_->base_url;
}

uint16_t child_process::port() const {
  return impl_->port;
}

pid_t child_process::pid() const {
  return impl_->pid;
}

void child_process::send_signal(int sig) {
  if (!impl_->try_reap(false))
    ::kill(impl_->pid, sig);
}

int child_process::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (impl_->try_reap(false))
      return impl_->exit_code;
    if (std::chrono::steady_clock::now() >= deadline)
      return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string child_process::output() const {
  std::lock_guard<std::mutex> guard(impl_->mtx);
  return impl_->output + impl_->out_partial + impl_->err_partial;
}

bool child_process::running() {
  return !impl_->try_reap(false);
}

child_process::~child_process() {
  if (!impl_)
    return;
  auto& d = *impl_;
  if (d.pid > 0 && !d.try_reap(false)) {
    ::kill(d.pid, SIGKILL);
    d.try_reap(true);
  }
  d.stop_reading = true;
  if (d.reader.joinable())
    d.reader.join();
  if (d.out_fd >= 0)
    ::close(d.out_fd);
  if (d.err_fd >= 0)
    ::close(d.err_fd);
}

} // namespace usms::test
