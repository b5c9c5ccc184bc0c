#pragma once

/// The gateway's error codes as `caf::error`s of category "usms".

#include "caf/error.hpp"
#include "caf/make_message.hpp"
#include "messages/errors.hpp"

CAF_ERROR_CODE_ENUM(usms::gateway_errc, "usms")
