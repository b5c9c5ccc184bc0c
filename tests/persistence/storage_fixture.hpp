#pragma once

/// Store tests on every backend: a test case GENERATEs a backend_kind and
/// opens a test_storage of it, a SQLite file in a temporary directory or a
/// fresh database on the test run's PostgreSQL server.

#include <memory>
#include <optional>
#include <string>

#include "persistence/backend.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/test_support.hpp"

namespace usms::test {

enum class backend_kind { sqlite, postgresql };

/// "SQLite", "PostgreSQL".
const char* name_of(backend_kind kind);

/// One fresh storage location of `kind` for one test.
class test_storage {
public:
  explicit test_storage(backend_kind kind);

  /// What open_backend takes: the file's path or the database's URL.
  const std::string& location() const { return location_; }
  /// The backend at location(); a second call opens a second one (as a
  /// restart would).
  std::shared_ptr<const storage::backend> open() const;
  backend_kind kind() const { return kind_; }

private:
  backend_kind kind_;
  temp_dir dir_;
  std::optional<postgres_database> pg_;
  std::string location_;
};

/// True when tests on `kind` can run here; for PostgreSQL when it is not
/// installed, reports it missing (a failure under CI) and returns false.
bool backend_available(backend_kind kind);

} // namespace usms::test

/// Runs the rest of the test case once per backend, with `storage_var` (a
/// test_storage) on it. A backend that cannot run here is reported and
/// left out.
#define USMS_ON_EACH_BACKEND(storage_var)                                      \
  auto usms_backend_kind = GENERATE(::usms::test::backend_kind::sqlite,        \
                                    ::usms::test::backend_kind::postgresql);   \
  INFO("on " << ::usms::test::name_of(usms_backend_kind));                     \
  if (!::usms::test::backend_available(usms_backend_kind))                     \
    return;                                                                    \
  ::usms::test::test_storage storage_var {                                     \
    usms_backend_kind                                                          \
  }
