#pragma once

/// One SOAP call over HTTP: the codec builds the envelope, the HTTP client
/// carries it, the codec reads the answer, and the outcome comes back as a
/// `call_result`. The seam between the dispatcher actor and the wire.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "contract/soap_codec.hpp"
#include "transport/call_result.hpp"

namespace usms::http {
class client;
} // namespace usms::http

namespace usms {

/// Where and as whom to call USMS.
struct soap_endpoint {
  std::string url;
  soap::credentials creds;
  /// Per-call request timeout; 0: the client's default.
  std::chrono::milliseconds timeout{0};
};

/// Sends `c` to `ep`. `done` runs exactly once: on one of the HTTP client's
/// I/O threads, or at once inside the sender when the envelope cannot be
/// built or the client is already stopped. Either way it must not block,
/// and must not take a lock the caller may hold (sending a message to an
/// actor is fine).
using soap_sender = std::function<void(const soap::call& c,
                                       const soap_endpoint& ep,
                                       std::function<void(call_result)> done)>;

/// The HTTP client SOAP calls go through, replaceable at run time (proxy or
/// TLS settings changed): calls already under way finish on the old one.
class client_slot {
public:
  explicit client_slot(std::shared_ptr<http::client> c) : current_(std::move(c)) {}
  std::shared_ptr<http::client> get() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return current_;
  }
  /// Returns the replaced client (stop it once its calls are done).
  std::shared_ptr<http::client> replace(std::shared_ptr<http::client> c) {
    std::lock_guard<std::mutex> guard{mtx_};
    std::swap(current_, c);
    return c;
  }

private:
  mutable std::mutex mtx_;
  std::shared_ptr<http::client> current_;
};

/// The contract SOAP calls are made in: a contract file's, or the built-in
/// one of `usms.api_version`, which may change at run time. Reading it is
/// one atomic load; every contract it ever held stays alive with it, so a
/// call under way finishes in the contract it started in.
class contract_slot {
public:
  explicit contract_slot(std::shared_ptr<const soap::contract> c) {
    set(std::move(c));
  }
  const soap::contract& get() const {
    return *current_.load(std::memory_order_acquire);
  }
  void set(std::shared_ptr<const soap::contract> c) {
    std::lock_guard<std::mutex> guard{mtx_};
    current_.store(c.get(), std::memory_order_release);
    kept_.push_back(std::move(c));
  }

private:
  std::mutex mtx_;
  std::atomic<const soap::contract*> current_{nullptr};
  std::vector<std::shared_ptr<const soap::contract>> kept_;
};

/// A sender over the slot's client, in the slot's contract.
soap_sender make_soap_sender(std::shared_ptr<client_slot> slot,
                             std::shared_ptr<contract_slot> contracts);

/// Turns an HTTP outcome for `c` in contract `k` into a call result
/// (parses SOAP).
call_result read_soap_outcome(const soap::contract& k, const soap::call& c,
                              unsigned status, std::string_view body,
                              std::string_view retry_after);

/// Seconds or an HTTP date in Retry-After, as milliseconds; -1 if absent
/// or unreadable.
int64_t parse_retry_after(std::string_view value);

} // namespace usms
