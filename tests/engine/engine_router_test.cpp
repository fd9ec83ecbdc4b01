// EngineRouter: starts on one engine, finds every workflow on whichever engine knows it.

#include "engine/engine_router.hpp"

#include <gtest/gtest.h>

#include "fakes/engine_fake.hpp"

namespace reflector::engine {
namespace {

using testing::ScriptedEngine;

class EngineRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    local_.id_prefix = "local-";
    local_.only_known_ids = true;
    remote_.name = "conductor";
    remote_.id_prefix = "remote-";
    remote_.only_known_ids = true;
  }

  ScriptedEngine local_;
  ScriptedEngine remote_;
};

TEST_F(EngineRouterTest, StartsOnItsEngineAndFindsWorkflowsOfEither) {
  EngineRouter router(remote_, {&local_, &remote_});
  EXPECT_EQ(router.Name(), "conductor");
  auto started = router.Start("pipeline", Json{{"a", 1}}, "t-1");
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(*started, "remote-1");
  EXPECT_TRUE(local_.started.empty());
  ASSERT_TRUE(local_.Start("pipeline", Json{{"b", 2}}, "t-2").ok());

  auto remote = router.Get("remote-1");
  ASSERT_TRUE(remote.ok()) << remote.error().message;
  EXPECT_EQ(remote->workflow.correlation_id, "t-1");
  auto local = router.Get("local-1");
  ASSERT_TRUE(local.ok()) << local.error().message;
  EXPECT_EQ(local->workflow.correlation_id, "t-2");
  EXPECT_EQ(*router.EngineOf("local-1"), &local_);

  ASSERT_TRUE(router.Retry("local-1").ok());
  ASSERT_TRUE(router.Terminate("remote-1", "operator").ok());
  ASSERT_TRUE(router.Resume("local-1").ok());
  EXPECT_EQ(local_.retried, std::vector<std::string>{"local-1"});
  EXPECT_EQ(remote_.terminated, std::vector<std::string>{"remote-1"});
  EXPECT_EQ(local_.resumed, std::vector<std::string>{"local-1"});
  EXPECT_TRUE(remote_.retried.empty());

  EXPECT_EQ(router.Named("in_process"), &local_);
  EXPECT_EQ(router.Named("conductor"), &remote_);
  EXPECT_EQ(router.Named("elsewhere"), nullptr);
}

TEST_F(EngineRouterTest, UnknownIsNotFoundAndAnUnreachableEngineSaysSo) {
  EngineRouter router(local_, {&local_, &remote_});
  auto unknown = router.Get("nobody");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(unknown.error().message.find("nobody"), std::string::npos);
  EXPECT_EQ(router.Retry("nobody").error().kind, ErrorKind::kNotFound);

  // A server that is down cannot say it does not know the id: its retryable error comes back.
  remote_.only_known_ids = false;
  ScriptedEngine down;
  down.name = "conductor";
  down.get_errors.assign(2, Error::Transient(ErrorKind::kUnavailable, "Conductor is down"));
  EngineRouter with_down(local_, {&local_, &down});
  auto unanswered = with_down.Get("remote-9");
  ASSERT_FALSE(unanswered.ok());
  EXPECT_TRUE(unanswered.error().retryable);
  EXPECT_EQ(unanswered.error().message, "Conductor is down");
  ASSERT_TRUE(local_.Start("p", Json::object(), "").ok());
  EXPECT_TRUE(with_down.Get("local-1").ok()) << "the engine that knows the id answers first";
}

}  // namespace
}  // namespace reflector::engine
