#include "store_test_env.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>

#include "core/ids.hpp"
#include "store/sql.hpp"
#include "support/test_env.hpp"

namespace reflector::store::testing {

std::string BackendName(Backend backend) {
  return backend == Backend::kSqlite ? "Sqlite" : "Postgres";
}

void PrintTo(Backend backend, std::ostream* out) {
  *out << BackendName(backend);
}

std::unique_ptr<FreshDatabase> FreshDatabase::Create(Backend backend) {
  std::unique_ptr<FreshDatabase> fresh(new FreshDatabase());
  if (backend == Backend::kSqlite) {
    fresh->dir_.emplace("reflector-store-test");
    // A nested directory, so every test also checks that Open creates the parent directory.
    fresh->url_ = "sqlite://" + (fresh->dir_->path() / "nested" / "dir" / "reflector.sqlite3").string();
    return fresh;
  }

  const std::string base =
      reflector::testing::RequireServiceVariable("REFLECTOR_TEST_DATABASE_URL", "PostgreSQL 15");
  if (base.empty()) return nullptr;
  DatabaseOptions options;
  options.pool_size = 1;
  auto admin = Database::Open(base, options);
  if (!admin.ok()) {
    ADD_FAILURE() << "cannot open REFLECTOR_TEST_DATABASE_URL: " << admin.error().Describe();
    return nullptr;
  }
  static std::atomic<int> counter{0};
  std::string unique =
      std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + NewUuid4().substr(0, 8);
  fresh->schema_ = "store_test_" + unique;
  fresh->application_name_ = "reflector_store_test_" + unique;
  Status created = (*admin)->WithSession("create test schema", [&](Session& session) -> Status {
    sql::Exec(session, "CREATE SCHEMA " + fresh->schema_);
    return Ok();
  });
  if (!created.ok()) {
    ADD_FAILURE() << created.error().Describe();
    return nullptr;
  }
  fresh->admin_ = std::move(admin).value();
  fresh->url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-c%20search_path%3D" +
                fresh->schema_ + "&application_name=" + fresh->application_name_;
  return fresh;
}

FreshDatabase::~FreshDatabase() {
  if (admin_ != nullptr && !schema_.empty()) {
    Status dropped = admin_->WithSession("drop test schema", [&](Session& session) -> Status {
      sql::Exec(session, "DROP SCHEMA " + schema_ + " CASCADE");
      return Ok();
    });
    EXPECT_TRUE(dropped.ok()) << dropped.error().Describe();
  }
}

}  // namespace reflector::store::testing
