// The WorkflowLeases repository, part of the repository suite (run on SQLite and PostgreSQL).

#include <gmock/gmock.h>

#include <atomic>
#include <thread>
#include <vector>

#include "repository_suite.hpp"
#include "store/sql.hpp"
#include "store/workflow_leases.hpp"

namespace reflector::store::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kTtl = 30s;

}  // namespace

TEST_P(RepositoryTest, WorkflowLeaseIsFreeThenHeldByOneOwner) {
  WorkflowLeases leases(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(std::optional<WorkflowLease> none, leases.Get("w-1"));
  EXPECT_FALSE(none.has_value());

  ASSERT_OK_AND_ASSIGN(bool first, leases.Acquire("w-1", "host-a:1:aa", kTtl));
  EXPECT_TRUE(first);
  ASSERT_OK_AND_ASSIGN(bool second, leases.Acquire("w-1", "host-b:2:bb", kTtl));
  EXPECT_FALSE(second) << "a live lease of another owner is not taken";
  ASSERT_OK_AND_ASSIGN(bool other_workflow, leases.Acquire("w-2", "host-b:2:bb", kTtl));
  EXPECT_TRUE(other_workflow);

  ASSERT_OK_AND_ASSIGN(std::optional<WorkflowLease> held, leases.Get("w-1"));
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->workflow_id, "w-1");
  EXPECT_EQ(held->owner, "host-a:1:aa");
  EXPECT_DOUBLE_EQ(held->expires_at, sql::ToSeconds(clock_.Now()) + 30);
}

TEST_P(RepositoryTest, WorkflowLeaseAcquiredAgainByItsOwnerIsExtended) {
  WorkflowLeases leases(*db_, clock_);
  ASSERT_OK(leases.Acquire("w-1", "a", kTtl));
  clock_.Advance(20s);
  ASSERT_OK_AND_ASSIGN(bool again, leases.Acquire("w-1", "a", kTtl));
  EXPECT_TRUE(again);
  ASSERT_OK_AND_ASSIGN(std::optional<WorkflowLease> held, leases.Get("w-1"));
  EXPECT_DOUBLE_EQ(held->expires_at, sql::ToSeconds(clock_.Now()) + 30);
}

TEST_P(RepositoryTest, ExpiredWorkflowLeaseIsTakenOver) {
  WorkflowLeases leases(*db_, clock_);
  ASSERT_OK(leases.Acquire("w-1", "dead", kTtl));
  clock_.Advance(29s);
  ASSERT_OK_AND_ASSIGN(bool early, leases.Acquire("w-1", "alive", kTtl));
  EXPECT_FALSE(early);
  clock_.Advance(1s);  // expires_at reached
  ASSERT_OK_AND_ASSIGN(bool taken, leases.Acquire("w-1", "alive", kTtl));
  EXPECT_TRUE(taken);
  ASSERT_OK_AND_ASSIGN(std::optional<WorkflowLease> held, leases.Get("w-1"));
  EXPECT_EQ(held->owner, "alive");

  ASSERT_OK_AND_ASSIGN(bool renewed, leases.Renew("w-1", "dead", kTtl));
  EXPECT_FALSE(renewed) << "the old owner learns it lost the lease";
}

TEST_P(RepositoryTest, WorkflowLeaseRenewExtendsOnlyTheOwnersLease) {
  WorkflowLeases leases(*db_, clock_);
  ASSERT_OK_AND_ASSIGN(bool missing, leases.Renew("w-1", "a", kTtl));
  EXPECT_FALSE(missing) << "no lease, nothing to renew";
  ASSERT_OK(leases.Acquire("w-1", "a", kTtl));
  ASSERT_OK_AND_ASSIGN(bool other, leases.Renew("w-1", "b", kTtl));
  EXPECT_FALSE(other);

  clock_.Advance(40s);  // expired, but nobody took it
  ASSERT_OK_AND_ASSIGN(bool renewed, leases.Renew("w-1", "a", kTtl));
  EXPECT_TRUE(renewed);
  ASSERT_OK_AND_ASSIGN(std::optional<WorkflowLease> held, leases.Get("w-1"));
  EXPECT_EQ(held->owner, "a");
  EXPECT_DOUBLE_EQ(held->expires_at, sql::ToSeconds(clock_.Now()) + 30);
  ASSERT_OK_AND_ASSIGN(bool taken, leases.Acquire("w-1", "b", kTtl));
  EXPECT_FALSE(taken) << "the renewed lease is live again";
}

TEST_P(RepositoryTest, WorkflowLeaseReleaseFreesOnlyTheOwnersLease) {
  WorkflowLeases leases(*db_, clock_);
  ASSERT_OK(leases.Acquire("w-1", "a", kTtl));
  ASSERT_OK(leases.Release("w-1", "b"));
  ASSERT_OK_AND_ASSIGN(bool still_held, leases.Acquire("w-1", "b", kTtl));
  EXPECT_FALSE(still_held) << "another owner's release changes nothing";

  ASSERT_OK(leases.Release("w-1", "a"));
  ASSERT_OK_AND_ASSIGN(std::optional<WorkflowLease> none, leases.Get("w-1"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(bool free_again, leases.Acquire("w-1", "b", kTtl));
  EXPECT_TRUE(free_again);
  ASSERT_OK(leases.Release("w-9", "b"));  // no lease: nothing happens
}

TEST_P(RepositoryTest, WorkflowLeaseRefusesEmptyArguments) {
  WorkflowLeases leases(*db_, clock_);
  EXPECT_EQ(leases.Acquire("", "a", kTtl).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(leases.Acquire("w-1", "", kTtl).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(leases.Acquire("w-1", "a", 0ms).error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(leases.Renew("w-1", "a", -1ms).error().kind, ErrorKind::kInvalidInput);
}

// Owners racing for a free (and then an expired) lease on their own sessions: exactly one wins.
TEST_P(RepositoryTest, WorkflowLeaseGoesToExactlyOneOfTheOwnersAskingAtOnce) {
  constexpr int kOwners = 8;
  for (int round = 0; round < 2; ++round) {
    std::atomic<int> winners{0};
    std::atomic<int> failures{0};
    std::vector<std::jthread> owners;
    for (int i = 0; i < kOwners; ++i) {
      owners.emplace_back([&, i] {
        WorkflowLeases leases(*db_, clock_);
        auto acquired =
            leases.Acquire("w-race", "owner-" + std::to_string(round) + "-" + std::to_string(i), kTtl);
        if (!acquired.ok()) {
          ++failures;
          ADD_FAILURE() << acquired.error().Describe();
        } else if (*acquired) {
          ++winners;
        }
      });
    }
    owners.clear();  // joins
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    clock_.Advance(kTtl);  // the winner's lease expires: the next round races for it again
  }
}

}  // namespace reflector::store::testing
