#pragma once
// The repository behaviour suite. repository_suite.cpp holds the tests; each backend's test
// executable instantiates them (sqlite_test.cpp, postgres_test.cpp), so both backends run the
// very same tests.

#include <gtest/gtest.h>

#include <memory>

#include "core/clock.hpp"
#include "store/database.hpp"
#include "store_test_env.hpp"

#define STORE_TEST_CONCAT_INNER(a, b) a##b
#define STORE_TEST_CONCAT(a, b) STORE_TEST_CONCAT_INNER(a, b)

// ASSERT that a Result/Status is ok, showing the error otherwise.
#define ASSERT_OK(expr)                                                            \
  do {                                                                             \
    auto&& store_test_result_ = (expr);                                            \
    ASSERT_TRUE(store_test_result_.ok()) << store_test_result_.error().Describe(); \
  } while (false)

// ASSERT_OK_AND_ASSIGN(auto x, Compute());
#define ASSERT_OK_AND_ASSIGN(decl, expr)                                    \
  auto STORE_TEST_CONCAT(store_test_value_, __LINE__) = (expr);             \
  ASSERT_TRUE(STORE_TEST_CONCAT(store_test_value_, __LINE__).ok())          \
      << STORE_TEST_CONCAT(store_test_value_, __LINE__).error().Describe(); \
  decl = std::move(STORE_TEST_CONCAT(store_test_value_, __LINE__)).value()

namespace reflector::store::testing {

class RepositoryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;

  ManualClock clock_;
  std::unique_ptr<FreshDatabase> fresh_;  // outlives db_
  std::unique_ptr<Database> db_;
};

}  // namespace reflector::store::testing
