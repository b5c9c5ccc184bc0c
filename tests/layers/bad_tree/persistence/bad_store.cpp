// Planted violations: a storage file that knows CAF and the actors.
#include "caf/event_based_actor.hpp"
#include "actors/intake.hpp"
