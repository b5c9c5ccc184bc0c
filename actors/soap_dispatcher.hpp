#pragma once

#include "actors/handles.hpp"
#include "transport/soap_transport.hpp"

namespace usms {

/// Spawns the SOAP dispatcher. A request supervisor first acquires a slot
/// (granted while fewer than `max_in_flight` calls run and the rate allows),
/// then dispatches one call in it; the slot is free again when the call
/// ends or on `release`.
dispatcher_actor spawn_soap_dispatcher(caf::actor_system& sys,
                                       dispatcher_settings settings,
                                       soap_sender sender);

} // namespace usms
