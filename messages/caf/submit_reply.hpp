#pragma once

/// How the intake answers a submit: the HTTP thread sends the request with
/// this pair of callbacks, and the intake calls exactly one of them, once,
/// on its own thread, after the journal's commit (or at once when it
/// refuses). No actor is spawned per HTTP request and no timer is armed for
/// it, and the request is copied once (into the journal's message) instead
/// of at every hop of a bridge actor. It never leaves the process, so CAF
/// may carry it unserialized. Dropped uncalled (the intake is gone at
/// shutdown), the HTTP side's responder closes the connection: nothing was
/// acknowledged.

#include <functional>
#include <string>

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/error.hpp"
#include "messages/request.hpp"

namespace usms {

struct submit_reply {
  /// Journaled: `req` as accepted, and `id` of the request the journal
  /// holds (another one's when `existed`: its Idempotency-Key was seen).
  std::function<void(const ticket_request& req, const std::string& id,
                     bool existed)>
    accepted;
  /// Not journaled, and why (intake full, database unwritable...).
  std::function<void(const caf::error& why)> refused;
};

} // namespace usms

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(usms::submit_reply)
