#include "transport/server_reply.hpp"

#include <utility>

namespace usms::http::detail {

reply_slot::reply_slot(std::shared_ptr<boost::asio::io_context> ioc,
                       std::weak_ptr<session_base> session, std::uint64_t seq)
  : ioc(std::move(ioc)), session(std::move(session)), seq(seq) {
}

reply_slot::~reply_slot() {
  if (!used.load(std::memory_order_acquire))
    if (auto s = session.lock())
      s->abandon(seq);
}

responder make_responder(std::shared_ptr<reply_slot> slot) {
  return [slot = std::move(slot)](response res) {
    if (!slot->claim())
      return; // a second call is a caller bug: ignore it
    if (auto s = slot->session.lock())
      s->deliver(slot->seq, std::move(res));
  };
}

} // namespace usms::http::detail
