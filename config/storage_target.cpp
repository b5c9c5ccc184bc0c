// resolved_storage: storage.url against storage.db by their sources.

#include "config/storage_target.hpp"

#include "config/url_redaction.hpp"

namespace usms::config {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

value_source source_of(const loaded& current, const std::string& dotted) {
  auto i = current.sources.find(dotted);
  return i != current.sources.end() ? i->second : value_source::default_value;
}

} // namespace

std::string_view to_string(storage_backend x) {
  switch (x) {
  case storage_backend::sqlite:
    return "sqlite";
  case storage_backend::postgresql:
    return "postgresql";
  }
  return "sqlite";
}

std::optional<storage_target> storage_from_url(std::string_view url) {
  constexpr std::string_view sqlite = "sqlite:";
  if (starts_with(url, sqlite))
    return storage_target{storage_backend::sqlite,
                          std::string{url.substr(sqlite.size())},
                          "storage.url"};
  // libpq's two URI schemes.
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://"))
    return storage_target{storage_backend::postgresql, std::string{url},
                          "storage.url"};
  return std::nullopt;
}

storage_target resolved_storage(const loaded& current) {
  const auto& storage = current.values.storage;
  if (!storage.url.empty()
      && source_of(current, "storage.url") >= source_of(current, "storage.db"))
    if (auto target = storage_from_url(storage.url))
      return *target;
  return storage_target{storage_backend::sqlite, storage.db, "storage.db"};
}

std::string describe(const storage_target& target) {
  return (target.backend == storage_backend::sqlite ? "SQLite at "
                                                    : "PostgreSQL at ")
         + redact_url_password(target.location);
}

} // namespace usms::config
