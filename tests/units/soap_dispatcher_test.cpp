// The SOAP dispatcher's slots when a supervisor ends without handing its
// request back (it crashed): the slot it was granted, or its place in the
// queue, goes to the others once the intake says so (release_atom with its
// address). Before, such a slot counted as taken for good.

#include "actors/soap_dispatcher.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"
#include "messages/caf/type_ids.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;
using namespace std::chrono_literals;

namespace {

struct dispatcher_test_config : caf::actor_system_config {
  dispatcher_test_config() {
    add_message_types<caf::id_block::usms_gateway>();
    set("scheduler.max-threads", 2);
  }
};

dispatcher_settings one_slot() {
  dispatcher_settings s;
  s.url = "http://127.0.0.1:9/usms"; // never called: nothing dispatches
  s.max_in_flight = 1;
  return s;
}

// The stand-ins below take what they use as spawn arguments, not as
// captures: CAF 0.17 dereferences a null argument tuple for an actor
// spawned without any (UBSan reports it).

/// A supervisor stand-in that counts the slots granted to it.
caf::actor counting_supervisor(caf::actor_system& sys,
                               std::shared_ptr<std::atomic<int>> grants) {
  return sys.spawn(
    [](std::shared_ptr<std::atomic<int>> grants) -> caf::behavior {
      return {[grants](slot_atom, bool granted) {
        if (granted)
          ++*grants;
      }};
    },
    std::move(grants));
}

struct dispatcher_fixture {
  dispatcher_test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  dispatcher_actor dispatcher = spawn_soap_dispatcher(
    sys, one_slot(),
    [](const soap::call&, const soap_endpoint&,
       std::function<void(call_result)>) {},
    std::make_shared<usms_board>());

  ~dispatcher_fixture() {
    self->send_exit(dispatcher, caf::exit_reason::user_shutdown);
  }

  /// Kills `a` (a supervisor crashing) and waits until it has ended.
  void end(const caf::actor& a) {
    self->monitor(a);
    self->send_exit(a, caf::exit_reason::kill);
    self->receive([](caf::down_msg&) {});
  }

  /// A supervisor that has ended (killed), and its address.
  caf::actor ended_supervisor() {
    auto a = counting_supervisor(sys, std::make_shared<std::atomic<int>>(0));
    end(a);
    return a;
  }

  void acquire_for(const caf::actor& supervisor) {
    self->send(dispatcher, acquire_atom_v, supervisor);
  }
};

bool granted_soon(const std::atomic<int>& grants) {
  return test::wait_until([&] { return grants.load() > 0; }, 3s);
}

} // namespace

TEST_CASE_METHOD(dispatcher_fixture,
                 "dispatcher: the slot of a supervisor that ended holding it "
                 "goes to the next one",
                 "[dispatcher]") {
  auto ended = ended_supervisor();
  acquire_for(ended); // granted: to nobody, the only slot taken
  auto grants = std::make_shared<std::atomic<int>>(0);
  acquire_for(counting_supervisor(sys, grants));
  std::this_thread::sleep_for(200ms);
  REQUIRE(grants->load() == 0); // waits: the one slot is held

  self->send(dispatcher, release_atom_v, ended.address());
  CHECK(granted_soon(*grants));
}

TEST_CASE_METHOD(dispatcher_fixture,
                 "dispatcher: a supervisor that ended waiting loses its place "
                 "in the queue",
                 "[dispatcher]") {
  auto first = std::make_shared<std::atomic<int>>(0);
  acquire_for(counting_supervisor(sys, first));
  REQUIRE(granted_soon(*first));
  auto ended = ended_supervisor();
  acquire_for(ended); // waits behind the first
  auto next = std::make_shared<std::atomic<int>>(0);
  acquire_for(counting_supervisor(sys, next));

  self->send(dispatcher, release_atom_v, ended.address());
  self->send(dispatcher, release_atom_v); // the first one's slot is free
  CHECK(granted_soon(*next));
}

TEST_CASE_METHOD(dispatcher_fixture,
                 "dispatcher: a supervisor that gave its slot back before it "
                 "ended frees nothing twice",
                 "[dispatcher]") {
  // It releases its slot as soon as it gets it, and then ends.
  auto released = std::make_shared<std::atomic<int>>(0);
  auto releasing = sys.spawn(
    [](caf::event_based_actor* me, dispatcher_actor d,
       std::shared_ptr<std::atomic<int>> released) -> caf::behavior {
      return {[d, released, me](slot_atom, bool granted) {
        if (granted) {
          me->send(d, release_atom_v);
          ++*released;
        }
      }};
    },
    dispatcher, released);
  acquire_for(releasing);
  REQUIRE(granted_soon(*released));
  end(releasing);

  auto holder = std::make_shared<std::atomic<int>>(0);
  acquire_for(counting_supervisor(sys, holder));
  REQUIRE(granted_soon(*holder));
  auto next = std::make_shared<std::atomic<int>>(0);
  acquire_for(counting_supervisor(sys, next));
  self->send(dispatcher, release_atom_v, releasing.address());
  std::this_thread::sleep_for(200ms);
  CHECK(next->load() == 0); // the one slot is still the holder's
}

TEST_CASE_METHOD(dispatcher_fixture,
                 "dispatcher: a supervisor that ended waiting on its own "
                 "request for a slot loses its place too",
                 "[dispatcher]") {
  auto first = std::make_shared<std::atomic<int>>(0);
  acquire_for(counting_supervisor(sys, first));
  REQUIRE(granted_soon(*first));
  // A retry's supervisor asks by request (acquire_atom alone), then ends.
  auto asking = sys.spawn(
    [](caf::event_based_actor* me, dispatcher_actor d) -> caf::behavior {
      me->request(d, caf::infinite, acquire_atom_v).then([](bool) {});
      return {[](slot_atom, bool) {}};
    },
    dispatcher);
  std::this_thread::sleep_for(100ms); // its request is queued
  end(asking);
  auto next = std::make_shared<std::atomic<int>>(0);
  acquire_for(counting_supervisor(sys, next));

  self->send(dispatcher, release_atom_v, asking.address());
  self->send(dispatcher, release_atom_v); // the first one's slot is free
  CHECK(granted_soon(*next));
}
