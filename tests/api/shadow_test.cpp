// GET /v1/shadow/{recording_id}, and how the API hides shadow transcripts: not listed, not
// searched, no user-level events; the primary's readers may read the comparison.

#include "api_fixture.hpp"
#include "service/engine_modes.hpp"
#include "store/shadow_runs.hpp"

namespace reflector::api::testing {
namespace {

using events::EventType;

class ShadowApiTest : public ApiFixture {
 protected:
  // A primary transcript of `user` with a shadow transcript and the run linking them.
  store::ShadowRun MakeShadowRun(const std::string& user, const std::string& recording_id) {
    const std::string primary = CreateTranscript(user, "Budget review");
    SetSampleContent(primary);
    store::Transcript shadow;
    shadow.id = ids_.NewId();
    shadow.name = "Budget review";
    shadow.user_id = user;
    shadow.webvtt = "WEBVTT\n\n00:00:05.200 --> 00:00:06.800\n<v Speaker0>Budget is approved.\n";
    EXPECT_TRUE(Transcripts().Create(shadow).ok());
    SetSampleContent(shadow.id);
    const std::string primary_workflow = *engine_.Start("diarization_pipeline", Json::object(), primary);
    const std::string shadow_workflow = *conductor_.Start("diarization_pipeline", Json::object(), shadow.id);
    store::ShadowRun run;
    run.id = ids_.NewId();
    run.recording_id = recording_id;
    run.primary_transcript_id = primary;
    run.primary_workflow_id = primary_workflow;
    run.primary_engine = "in_process";
    run.shadow_transcript_id = shadow.id;
    run.shadow_engine = "conductor";
    store::ShadowRuns runs(*database_, clock_);
    EXPECT_TRUE(runs.Create(run).ok());
    EXPECT_TRUE(runs.SetStarted(run.id, shadow_workflow).ok());
    return runs.Get(run.id).value();
  }

  void UseBothEngines() {
    conductor_.name = "conductor";
    conductor_.id_prefix = "remote-";
    modes_.mode = service::EngineMode::kShadow;
    modes_.in_process = &engine_;
    modes_.conductor = &conductor_;
    service_.modes = &modes_;
  }

  reflector::testing::ScriptedEngine conductor_;
  service::EngineModes modes_;
};

TEST_F(ShadowApiTest, TheComparisonIsComputedOnceBothEndedAndShownToTheOwner) {
  UseBothEngines();
  conductor_.name = "conductor";
  store::ShadowRun run = MakeShadowRun("ana", "rec-1");

  auto running = Get("/v1/shadow/rec-1", "ana");
  ASSERT_EQ(running.status, 200) << running.body;
  Json shown = BodyJson(running);
  EXPECT_EQ(shown["status"], "running");
  EXPECT_TRUE(shown["comparison"].is_null());
  EXPECT_EQ(shown["primary"]["transcript_id"], run.primary_transcript_id);
  EXPECT_EQ(shown["shadow"]["engine"], "conductor");

  engine_.status = engine::WorkflowStatus::kCompleted;
  conductor_.status = engine::WorkflowStatus::kCompleted;
  auto compared = Get("/v1/shadow/rec-1", "ana");
  ASSERT_EQ(compared.status, 200) << compared.body;
  shown = BodyJson(compared);
  EXPECT_EQ(shown["status"], "compared");
  EXPECT_EQ(shown["agreed"], true);
  EXPECT_EQ(shown["comparison"]["words"]["word_error_rate"], 0.0);
  EXPECT_EQ(shown["comparison"]["words"]["primary_count"], 8);
  EXPECT_EQ(shown["comparison"]["topics"]["shadow_titles"], Json::array({"Opening", "Budget"}));
  EXPECT_TRUE(shown["compared_at"].is_string());

  EXPECT_EQ(Get("/v1/shadow/rec-1", "ben").status, 403) << "a private transcript's comparison";
  EXPECT_EQ(Get("/v1/shadow/rec-1").status, 403);
  auto unknown = Get("/v1/shadow/no-such-recording", "ana");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Detail(unknown), "No shadow run for this recording");
}

TEST_F(ShadowApiTest, ShadowTranscriptsAreNeitherListedNorSearched) {
  store::ShadowRun run = MakeShadowRun("ana", "rec-2");
  Json listed = BodyJson(Get("/v1/transcripts", "ana"));
  ASSERT_EQ(listed["total"], 1) << listed.dump();
  EXPECT_EQ(listed["items"][0]["id"], run.primary_transcript_id);
  Json found = BodyJson(Get("/v1/transcripts/search?q=approved", "ana"));
  ASSERT_EQ(found["total"], 1) << found.dump();
  EXPECT_EQ(found["results"][0]["id"], run.primary_transcript_id);
}

TEST_F(ShadowApiTest, AShadowTranscriptSendsNoUserLevelEvents) {
  store::ShadowRun run = MakeShadowRun("ana", "rec-3");
  auto socket = ConnectSocket("/v1/events", "ana");
  ASSERT_TRUE(socket.ok()) << socket.error().Describe();
  ASSERT_TRUE(WaitForWatchers(1));
  Append(run.shadow_transcript_id, EventType::kStatus, events::StatusData("processing"));
  Append(run.primary_transcript_id, EventType::kStatus, events::StatusData("processing"));
  EXPECT_EQ(
      ReadMessages(**socket, 1),
      (std::vector<Json>{Json{{"event", "TRANSCRIPT_STATUS"},
                              {"data", {{"id", run.primary_transcript_id}, {"value", "processing"}}}}}));
  EXPECT_TRUE(NothingMore(**socket));
}

}  // namespace
}  // namespace reflector::api::testing
