#pragma once

/// Alarm keys: what a key may be, the ExternalReference of each generation
/// of its ticket, and the keys of alarms that come from Alertmanager.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace usms::alarms {

/// Longest alarm key, in bytes.
inline constexpr std::size_t max_key_bytes = 512;

/// Longest key used as it is in an ExternalReference; longer keys are
/// replaced there by their short hash.
inline constexpr std::size_t max_reference_key_bytes = 100;

/// Empty when `key` may name an alarm: 1–512 bytes of UTF-8 with no control
/// characters (C0, DEL, C1) and only characters XML 1.0 allows; else a
/// sentence saying what is wrong ("key is longer than 512 bytes").
std::string check_alarm_key(std::string_view key);

/// The first 32 lowercase hex digits of the SHA-256 of `text`'s bytes.
std::string short_hash(std::string_view text);

/// The ExternalReference of generation `generation` of the alarm's ticket:
/// `<key>#<generation>`, where a key over 100 bytes is written
/// `h:<short_hash(key)>`.
std::string external_reference(std::string_view key, int32_t generation);

/// The alarm key of an Alertmanager alert or group: `am:<id>`, or
/// `am:h:<short_hash(id)>` when `am:<id>` would not be a valid key (over 512
/// bytes, control characters, not UTF-8), so that every id Alertmanager
/// sends names one alarm.
std::string alertmanager_key(std::string_view id);

} // namespace usms::alarms
