#pragma once
// A fresh, empty database per test, on SQLite (a temporary file) or PostgreSQL (a uniquely named
// schema in the database REFLECTOR_TEST_DATABASE_URL names, dropped afterwards), so test runs,
// and tests running in parallel processes, never see each other's rows.

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "store/database.hpp"
#include "support/temp_dir.hpp"

namespace reflector::store::testing {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(Backend backend);
void PrintTo(Backend backend, std::ostream* out);

class FreshDatabase {
 public:
  // Records a test failure (and returns nullptr) when the backend is not available.
  static std::unique_ptr<FreshDatabase> Create(Backend backend);
  ~FreshDatabase();
  FreshDatabase(const FreshDatabase&) = delete;
  FreshDatabase& operator=(const FreshDatabase&) = delete;

  // A URL that any number of Database objects may open to share the data.
  [[nodiscard]] const std::string& url() const { return url_; }
  // PostgreSQL: the application_name its connections carry.
  [[nodiscard]] const std::string& application_name() const { return application_name_; }

 private:
  FreshDatabase() = default;

  std::string url_;
  std::string application_name_;
  std::optional<reflector::testing::TempDir> dir_;  // SQLite
  std::unique_ptr<Database> admin_;                 // PostgreSQL: drops the schema
  std::string schema_;
};

}  // namespace reflector::store::testing
