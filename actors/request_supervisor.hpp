#pragma once

#include <atomic>
#include <memory>

#include "actors/handles.hpp"
#include "actors/usms_board.hpp"
#include "caf/typed_actor.hpp"

namespace usms {

/// The actors a request supervisor works with.
struct supervisor_deps {
  journal_actor journal;
  dispatcher_actor dispatcher;
  intake_actor intake;
  std::shared_ptr<const pipeline_settings> settings;
  /// True while any reply route exists: then every outcome may need a
  /// reply, and the reply dispatcher decides.
  std::shared_ptr<const std::atomic<bool>> routes_configured;
  /// Where USMS stands (for the reason of a request that gives up).
  std::shared_ptr<const usms_board> board;
};

/// Why a request is activated.
enum class activation : uint8_t {
  run,     ///< its turn came: try to perform it
  /// A create whose turn came as it was accepted: the journal holds it in
  /// flight with its first sending mark already (journal_store::
  /// append_sending), so its first attempt writes none of its own.
  run_marked,
  cancel,  ///< an operator cancels it while it waits
  give_up, ///< it waited longer than soap.give_up_after
};

/// An activation that tries the request, and so needs a slot (the intake
/// asks for its first one when it spawns the supervisor).
constexpr bool tries_it(activation mode) {
  return mode == activation::run || mode == activation::run_marked;
}

/// Spawns the actor that carries one request through one activation: it
/// asks for a slot, makes the call (or the duplicate-safe lookup after an
/// ambiguous create), and either journals the outcome and tells the intake
/// (`done_atom`), or, when the request must wait (a retry later, USMS not
/// available), journals where it stands and hands it back to the intake
/// (`passivate_atom`) — the request then lives only in the journal until
/// the intake activates it again, exactly as after a restart. `rec` is read
/// from the journal, or the one just accepted. With `activation::run` the
/// caller asks the dispatcher for the supervisor's first slot itself
/// (`(acquire_atom, supervisor)`), in the order it activates requests; the
/// supervisor waits for that `(slot_atom, granted)` instead of asking.
supervisor_actor spawn_request_supervisor(caf::actor_system& sys,
                                          request_record rec,
                                          supervisor_deps deps,
                                          activation mode);

} // namespace usms
