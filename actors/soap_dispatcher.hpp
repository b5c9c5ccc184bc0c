#pragma once

#include <memory>

#include "actors/handles.hpp"
#include "actors/cluster_board.hpp"
#include "actors/usms_board.hpp"
#include "transport/soap_transport.hpp"

namespace usms {

/// Spawns the SOAP dispatcher. A request supervisor first acquires a slot
/// (granted while USMS is available, fewer calls than the limit run and the
/// rate allows), then dispatches one call in it; the slot is free again
/// when the call ends or on `release`. Every call's outcome feeds the USMS
/// health; the dispatcher publishes it on `board`. With a `lease` (the
/// instance shares its storage), a call starts only while the lease allows
/// (see cluster_board::may_send); else it is answered as not sent, without
/// a word to USMS or to its health.
dispatcher_actor
spawn_soap_dispatcher(caf::actor_system& sys, dispatcher_settings settings,
                      soap_sender sender, std::shared_ptr<usms_board> board,
                      std::shared_ptr<const cluster_board> lease = nullptr);

} // namespace usms
