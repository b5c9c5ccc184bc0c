#pragma once

// Which database the gateway uses: `storage.url` or `storage.db`, whichever
// came from the later source.

#include "config/loader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usms::config {

/// The kind of database.
enum class storage_backend : std::uint8_t { sqlite, postgresql };

/// `sqlite`, `postgresql`.
std::string_view to_string(storage_backend x);

/// The database to open.
struct storage_target {
  storage_backend backend = storage_backend::sqlite;
  /// The SQLite file path, or the PostgreSQL connection URI as written (it
  /// may hold a password: show it through describe()).
  std::string location;
  /// The key that decided: `storage.url` or `storage.db`.
  std::string_view from_key = "storage.db";
};

/// What a `storage.url` names: `sqlite:PATH` → SQLite at PATH (relative or
/// absolute; PATH may be empty here, the key's check refuses that), a
/// `postgresql://…` or `postgres://…` URI → PostgreSQL with the URI as
/// written. nullopt for anything else, the empty text included.
std::optional<storage_target> storage_from_url(std::string_view url);

/// The database the loaded settings name. `storage.url` when it is set
/// (non-empty) and came from a source at least as late as `storage.db`'s
/// (defaults < file < environment < flags; both in one source: the url
/// wins); otherwise SQLite at `storage.db`. E.g. a url in the file and
/// `--db` on the command line → SQLite at the `--db` path; the url in
/// `USMS_GW_STORAGE_URL` and db in the file → the url. Expects a url that
/// passed its check, as every loaded value has.
storage_target resolved_storage(const loaded& current);

/// `SQLite at ./usms-gateway.db`, `PostgreSQL at postgresql://u:***@h/db`:
/// for logs and messages, the password redacted.
std::string describe(const storage_target& target);

} // namespace usms::config
