#pragma once

/// The responder the server hands the application with each request: any
/// thread may call it, once; a second call is ignored, and dropping every
/// copy uncalled closes the connection instead of leaving the client
/// hanging. Private to transport/.

#include <atomic>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "transport/http_server.hpp"
#include "transport/server_session.hpp"

namespace usms::http::detail {

/// Shared by every copy of one responder. Its destructor notices when the
/// application dropped the responder without calling it.
struct reply_slot {
  reply_slot(std::shared_ptr<boost::asio::io_context> ioc,
             std::weak_ptr<session_base> session, std::uint64_t seq);
  ~reply_slot();
  reply_slot(const reply_slot&) = delete;
  reply_slot& operator=(const reply_slot&) = delete;

  /// True for the first caller only: it answers the request.
  bool claim() {
    return !used.exchange(true, std::memory_order_acq_rel);
  }

  // Keeps the io_context (not the connection) alive while a responder
  // exists, so posting onto a strand stays valid even after server::stop().
  // Declared first: destroyed last.
  std::shared_ptr<boost::asio::io_context> ioc;
  std::weak_ptr<session_base> session;
  std::uint64_t seq;
  std::atomic<bool> used{false};
};

/// The responder for `slot`: the first call delivers the answer to the
/// session while it still exists.
responder make_responder(std::shared_ptr<reply_slot> slot);

} // namespace usms::http::detail
