#include "tests/persistence/storage_fixture.hpp"

namespace usms::test {

const char* name_of(backend_kind kind) {
  return kind == backend_kind::sqlite ? "SQLite" : "PostgreSQL";
}

test_storage::test_storage(backend_kind kind) : kind_(kind) {
  if (kind == backend_kind::sqlite) {
    location_ = dir_.path() + "/gw.db";
  } else {
    pg_.emplace();
    location_ = pg_->url();
  }
}

std::shared_ptr<const storage::backend> test_storage::open() const {
  return storage::open_backend(location_);
}

bool backend_available(backend_kind kind) {
  return kind == backend_kind::sqlite
         || postgres_available("the store tests on PostgreSQL");
}

} // namespace usms::test
