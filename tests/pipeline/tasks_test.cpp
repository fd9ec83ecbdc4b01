// Each pipeline task through its registered wrapper, with fakes for speech to text and the
// summariser, a real SQLite database and local object storage.

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "fakes/progress_sink_fake.hpp"
#include "pipeline/caching_summarizer.hpp"
#include "pipeline_fixture.hpp"
#include "store/recordings.hpp"

namespace reflector::pipeline {
namespace {

class TasksTest : public ::testing::Test {
 protected:
  PipelineFixture f;

  std::string WriteFile(const std::string& name, const std::string& text) {
    auto path = f.dir / name;
    std::ofstream(path) << text;
    return path.string();
  }
  void PutJson(const std::string& key, const Json& json) {
    ASSERT_TRUE(f.Put(key, WriteFile("put.json", json.dump())).ok());
  }
  std::vector<std::string> EventNames(const std::string& id) {
    std::vector<std::string> names;
    for (const auto& e : f.Events(id))
      names.emplace_back(events::ToString(e.type));
    return names;
  }
};

TEST_F(TasksTest, WrapperChecksTranscriptIdAndReportsProgress) {
  auto missing = f.Run("get_participants", Json{{"tracks", Json::array()}});
  ASSERT_FALSE(missing.ok());
  EXPECT_FALSE(missing.error().retryable);
  EXPECT_NE(missing.error().message.find("'transcript_id' is missing"), std::string::npos);
  auto not_uuid = f.Run("get_participants", Json{{"transcript_id", "abc"}});
  ASSERT_FALSE(not_uuid.ok());
  EXPECT_NE(not_uuid.error().message.find("is not a uuid"), std::string::npos);

  std::string id = f.CreateTranscript();
  auto recording = f.Run("get_recording", Json{{"transcript_id", id}, {"platform", "local"}});
  ASSERT_TRUE(recording.ok()) << recording.error().message;
  EXPECT_EQ(f.Transcript(id).status, store::TranscriptStatus::kProcessing);
  auto events = f.Events(id);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].type, events::EventType::kStatus);
  EXPECT_EQ(events[1].data["step_status"], "in_progress");
  EXPECT_EQ(events[1].data["current_step"], "get_recording");
  EXPECT_EQ(events[1].data["step_index"], 1);
  EXPECT_EQ(events[1].data["total_steps"], 14);
  EXPECT_EQ(events[2].data["step_status"], "completed");
  EXPECT_EQ(f.Transcript(id).current_step, "get_recording");
  EXPECT_TRUE((*recording)["mtg_session_id"].is_null());

  auto unknown_platform = f.Run("get_recording", Json{{"transcript_id", id}, {"platform", "zoom"}});
  ASSERT_FALSE(unknown_platform.ok());
  EXPECT_NE(unknown_platform.error().message.find("platform 'zoom' is not available"), std::string::npos);
  EXPECT_EQ(f.Events(id).back().data["step_status"], "failed");
}

TEST_F(TasksTest, ParticipantsComeFromTrackNames) {
  std::string id = f.CreateTranscript();
  Json tracks = Json::parse(R"([{"s3_key":"a","participant_name":"Alice"},{"s3_key":"b"}])");
  auto result = f.Run(
      "get_participants",
      Json{{"transcript_id", id}, {"tracks", tracks}, {"platform", "local"}, {"mtg_session_id", nullptr}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  Json stored = f.Transcript(id).participants;
  ASSERT_EQ(stored.size(), 2U);
  EXPECT_EQ(stored[0]["name"], "Alice");
  EXPECT_EQ(stored[0]["speaker"], 0);
  EXPECT_EQ(stored[1]["name"], "Speaker 1");
  EXPECT_EQ((*result)["participants"][1]["speaker"], 1);
}

TEST_F(TasksTest, DynamicForkTasksForPaddingAndTranscription) {
  std::string id = f.CreateTranscript();
  Json tracks = Json::parse(R"([{"s3_key":"u/a.webm"},{"s3_key":"u/b.webm"}])");
  auto pad = f.Run(
      "generate_dynamic_fork_tasks",
      Json{{"transcript_id", id}, {"tracks", tracks}, {"task_type", "pad_track"}, {"bucket_name", "raw"}});
  ASSERT_TRUE(pad.ok()) << pad.error().message;
  EXPECT_EQ((*pad)["tasks"],
            Json::parse(R"([{"name":"pad_track","taskReferenceName":"pad_track_0","type":"SIMPLE"},
                                              {"name":"pad_track","taskReferenceName":"pad_track_1","type":"SIMPLE"}])"));
  EXPECT_EQ((*pad)["inputs"]["pad_track_1"], (Json{{"track_index", 1},
                                                   {"track_count", 2},
                                                   {"transcript_id", id},
                                                   {"s3_key", "u/b.webm"},
                                                   {"bucket_name", "raw"}}));
  EXPECT_TRUE(f.Events(id).empty());  // not a step: no progress events

  Json padded = {{"pad_track_0", {{"padded", {{"bucket", "b"}, {"key", "p0"}}}}},
                 {"pad_track_1", {{"padded", {{"bucket", "b"}, {"key", "p1"}}}}}};
  auto transcribe = f.Run("generate_dynamic_fork_tasks", Json{{"transcript_id", id},
                                                              {"tracks", tracks},
                                                              {"task_type", "transcribe_track"},
                                                              {"padded", padded},
                                                              {"language", "en"}});
  ASSERT_TRUE(transcribe.ok()) << transcribe.error().message;
  EXPECT_EQ((*transcribe)["inputs"]["transcribe_track_1"]["padded"]["key"], "p1");
  EXPECT_EQ((*transcribe)["inputs"]["transcribe_track_1"]["language"], "en");

  // An empty fork is refused, as are unknown task types and missing padding results.
  auto empty = f.Run("generate_dynamic_fork_tasks",
                     Json{{"transcript_id", id}, {"tracks", Json::array()}, {"task_type", "pad_track"}});
  ASSERT_FALSE(empty.ok());
  EXPECT_FALSE(empty.error().retryable);
  EXPECT_NE(empty.error().message.find("'tracks' is empty"), std::string::npos);
  auto unknown = f.Run("generate_dynamic_fork_tasks",
                       Json{{"transcript_id", id}, {"tracks", tracks}, {"task_type", "dance"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("'dance'"), std::string::npos);
  padded.erase("pad_track_1");
  auto missing = f.Run(
      "generate_dynamic_fork_tasks",
      Json{{"transcript_id", id}, {"tracks", tracks}, {"task_type", "transcribe_track"}, {"padded", padded}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no result for track 1"), std::string::npos);
}

TEST_F(TasksTest, TranscriptionTagsSpeakerStoresWordsAndCaches) {
  std::string id = f.CreateTranscript();
  ASSERT_TRUE(f.Put("p/track1.webm", WriteFile("audio.bin", "not decoded by the fake")).ok());
  Json input = {{"transcript_id", id},
                {"track_index", 1},
                {"track_count", 2},
                {"padded", {{"bucket", f.bucket}, {"key", "p/track1.webm"}}},
                {"language", "en"}};
  auto first = f.Run("transcribe_track", input);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ((*first)["word_count"], 2);
  EXPECT_FALSE((*first)["cached"].get<bool>());
  auto second = f.Run("transcribe_track", input, 1);  // a retry or a re-run
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)["cached"].get<bool>());
  EXPECT_EQ(f.speech_to_text.calls.load(), 1);
  EXPECT_TRUE(f.Exists(TrackWordsKey(id, 1)));
  auto progress = f.Events(id);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front().data["track_index"], 1);
  EXPECT_EQ(progress.front().data["track_count"], 2);

  input["padded"]["key"] = "p/missing.webm";
  auto missing = f.Run("transcribe_track", input);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(missing.error().message.find("track 1 (p/missing.webm)"), std::string::npos)
      << missing.error().message;
}

TEST_F(TasksTest, MergeSortsByStartThenTrackIndependentOfMapOrder) {
  std::string id = f.CreateTranscript();
  PutJson("w/0.json", Json::parse(R"([{"text":"a","start":1.0,"end":1.2,"speaker":0},
                                       {"text":"c","start":2.0,"end":2.1,"speaker":0}])"));
  PutJson("w/1.json", Json::parse(R"([{"text":"b","start":1.0,"end":1.5,"speaker":1},
                                       {"text":"d","start":1.5,"end":1.9,"speaker":1}])"));
  // The JOIN map's keys sort "transcribe_track_1" before "transcribe_track_10": order is irrelevant.
  Json transcripts = {{"z_later_key", {{"words_key", "w/0.json"}, {"track_index", 0}}},
                      {"a_earlier_key", {{"words_key", "w/1.json"}, {"track_index", 1}}}};
  auto result = f.Run("merge_transcripts", Json{{"transcript_id", id}, {"transcripts", transcripts}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)["word_count"], 4);
  auto events = f.Events(id);
  auto transcript = std::find_if(events.begin(), events.end(),
                                 [](const auto& e) { return e.type == events::EventType::kTranscript; });
  ASSERT_NE(transcript, events.end());
  EXPECT_EQ(transcript->data["text"], "a b d c");
}

TEST_F(TasksTest, TopicsTitleAndSummary) {
  std::string id = f.CreateTranscript();
  store::Transcripts transcripts(*f.database, f.clock);
  ASSERT_TRUE(transcripts
                  .SetParticipants(id, Json::parse(R"([{"id":"p0","speaker":0,"name":"Alice","user_id":null},
                                                               {"id":"p1","speaker":1,"name":"Bob","user_id":null}])"))
                  .ok());
  Json words = Json::array();
  for (int i = 0; i < 1000; ++i) {
    words.push_back({{"text", "word" + std::to_string(i)},
                     {"start", i * 0.5},
                     {"end", i * 0.5 + 0.4},
                     {"speaker", i % 2}});
  }
  PutJson("merged.json", words);
  auto topics = f.Run("detect_topics",
                      Json{{"transcript_id", id}, {"words_key", "merged.json"}, {"target_language", "en"}});
  ASSERT_TRUE(topics.ok()) << topics.error().message;
  // Words that share nothing: no change of subject, so only the 800-word cap splits them, at the
  // sentence start nearest the middle (llm::SplitTopics).
  EXPECT_EQ((*topics)["topic_count"], 2);
  EXPECT_EQ((*topics)["llm_calls_made"], 2);
  EXPECT_EQ((*topics)["llm_calls_cached"], 0);
  EXPECT_EQ((*topics)["topics"][0]["title"], "Topic word0");
  EXPECT_DOUBLE_EQ((*topics)["topics"][1]["timestamp"].get<double>(), 250.0);
  store::Transcript stored = f.Transcript(id);
  ASSERT_EQ(stored.topics.size(), 2U);
  EXPECT_EQ(stored.topics[0]["words"].size(), 500U);
  ASSERT_TRUE(stored.webvtt.has_value());
  EXPECT_EQ(stored.webvtt->rfind("WEBVTT\n\n00:00:00.000 --> ", 0), 0U) << *stored.webvtt;
  EXPECT_NE(stored.webvtt->find("<v Speaker1>word1"), std::string::npos);

  auto title = f.Run("generate_title", Json{{"transcript_id", id}});
  ASSERT_TRUE(title.ok());
  EXPECT_EQ((*title)["title"], "Meeting About 2 Topics");
  EXPECT_EQ((*title)["llm_calls_made"], 1);
  auto summary = f.Run("generate_summary", Json{{"transcript_id", id}});
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ((*summary)["short_summary"], "Alice, Bob spoke.");
  EXPECT_EQ((*summary)["llm_calls_made"], 1);
  EXPECT_EQ((*summary)["llm_calls_cached"], 0);
  stored = f.Transcript(id);
  EXPECT_EQ(stored.title, "Meeting About 2 Topics");
  EXPECT_EQ(stored.long_summary, "# Quick recap\n\nAlice, Bob spoke 1000 words.\n");
  auto names = EventNames(id);
  for (const char* expected : {"TOPIC", "FINAL_TITLE", "FINAL_SHORT_SUMMARY", "FINAL_LONG_SUMMARY"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST_F(TasksTest, LlmTasksSayWhichCallsTheCacheAnswered) {
  CachingSummarizer caching(f.summarizer, *f.database, f.clock);
  f.services.summarizer = &caching;
  std::string id = f.CreateTranscript();
  Json words = Json::array();
  for (int i = 0; i < 1000; ++i)
    words.push_back(
        {{"text", "w" + std::to_string(i)}, {"start", i * 0.5}, {"end", i * 0.5 + 0.4}, {"speaker", 0}});
  PutJson("merged.json", words);
  const Json topics_input = {{"transcript_id", id}, {"words_key", "merged.json"}, {"target_language", "en"}};

  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE(run == 0 ? "first run: every call made" : "second run: every call cached");
    const int made = run == 0 ? 1 : 0;
    auto topics = f.Run("detect_topics", topics_input);
    ASSERT_TRUE(topics.ok()) << topics.error().message;
    EXPECT_EQ((*topics)["llm_calls_made"], 2 * made);
    EXPECT_EQ((*topics)["llm_calls_cached"], 2 * (1 - made));
    for (const char* task : {"generate_title", "generate_summary"}) {
      auto output = f.Run(task, Json{{"transcript_id", id}});
      ASSERT_TRUE(output.ok()) << task << ": " << output.error().message;
      EXPECT_EQ((*output)["llm_calls_made"], made) << task;
      EXPECT_EQ((*output)["llm_calls_cached"], 1 - made) << task;
    }
  }
  EXPECT_EQ(f.summarizer.calls, 4);
}

TEST_F(TasksTest, TitleWithoutTopicsAndHandSetTitleKept) {
  std::string id = f.CreateTranscript();
  auto untitled = f.Run("generate_title", Json{{"transcript_id", id}});
  ASSERT_TRUE(untitled.ok());
  EXPECT_EQ((*untitled)["title"], "Untitled Meeting");
  EXPECT_EQ((*untitled)["llm_calls_made"], 0) << "no topics: no LLM call";
  EXPECT_EQ((*untitled)["llm_calls_cached"], 0);
  store::Transcripts transcripts(*f.database, f.clock);
  ASSERT_TRUE(transcripts.SetTitle(id, "Board Review", store::TitleSource::kUser).ok());
  auto kept = f.Run("generate_title", Json{{"transcript_id", id}});
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ((*kept)["title"], "Board Review");
  EXPECT_TRUE((*kept)["kept_user_title"].get<bool>());
  EXPECT_EQ(f.Transcript(id).title, "Board Review");
  auto summary = f.Run("generate_summary", Json{{"transcript_id", id}});
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ((*summary)["summary"], "");
}

TEST_F(TasksTest, FinalizeEndsAndFailureRecordsStepAndReason) {
  std::string id = f.CreateTranscript();
  ASSERT_TRUE(f.Run("finalize", Json{{"transcript_id", id}, {"title", "t"}, {"duration", 3.0}}).ok());
  EXPECT_EQ(f.Transcript(id).status, store::TranscriptStatus::kEnded);

  std::string failed = f.CreateTranscript();
  auto recorded = f.Run("record_pipeline_failure",
                        Json{{"transcript_id", failed},
                             {"reason",
                              "Task 1 failed with status: FAILED_WITH_TERMINAL_ERROR and reason: "
                              "'track 1 (u/b.webm): b.webm: no audio stream'"},
                             {"failure_status", "FAILED"},
                             {"failed_tasks", Json::array({"pad_track_1"})}});
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  store::Transcript t = f.Transcript(failed);
  EXPECT_EQ(t.status, store::TranscriptStatus::kError);
  EXPECT_EQ(t.failed_step, "pad_track_1");
  EXPECT_EQ(t.failure_reason, "track 1 (u/b.webm): b.webm: no audio stream");
  EXPECT_EQ(f.Events(failed).back().data["value"], "error");

  // Without the failed task names (Conductor resolves them to null), the step comes from the
  // last PIPELINE_PROGRESS event that says a step failed.
  std::string other = f.CreateTranscript();
  ASSERT_TRUE(f.events
                  ->Append(other, events::EventType::kPipelineProgress,
                           Json{{"current_step", "mixdown_tracks"}, {"step_status", "failed"}})
                  .ok());
  ASSERT_TRUE(f.events
                  ->Append(other, events::EventType::kPipelineProgress,
                           Json{{"current_step", "generate_waveform"}, {"step_status", "in_progress"}})
                  .ok());
  ASSERT_TRUE(f.Run("record_pipeline_failure", Json{{"transcript_id", other},
                                                    {"reason", "boom"},
                                                    {"failure_status", "FAILED"},
                                                    {"failed_task_names", nullptr},
                                                    {"failed_tasks", nullptr}})
                  .ok());
  EXPECT_EQ(f.Transcript(other).failed_step, "mixdown_tracks");
}

TEST_F(TasksTest, ConsentDenialDeletesEveryCopyOfTheAudio) {
  store::Meetings meetings(*f.database, f.clock);
  store::Meeting meeting;
  meeting.id = f.ids.NewId();
  ASSERT_TRUE(meetings.Create(meeting).ok());
  std::string id = f.CreateTranscript(Json::array({"raw/0.webm", "raw/1.webm"}), meeting.id);
  for (const std::string& key :
       {std::string("raw/0.webm"), std::string("raw/1.webm"), PaddedTrackKey(id, 1), MixdownKey(id)}) {
    ASSERT_TRUE(f.Put(key, WriteFile("audio.bin", "audio")).ok());
  }
  // Consent given: nothing is deleted.
  store::MeetingConsents consents(*f.database);
  ASSERT_TRUE(consents.Add({f.ids.NewId(), meeting.id, "u1", true, 1.0}).ok());
  auto kept = f.Run("cleanup_consent", Json{{"transcript_id", id}});
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_FALSE((*kept)["audio_deleted"].get<bool>());
  EXPECT_TRUE(f.Exists(MixdownKey(id)));
  // One denial: raw tracks, padded tracks and the mixdown go (a padded track 0 that never
  // existed counts as deleted).
  ASSERT_TRUE(consents.Add({f.ids.NewId(), meeting.id, "u2", false, 2.0}).ok());
  auto deleted = f.Run("cleanup_consent", Json{{"transcript_id", id}});
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_TRUE((*deleted)["audio_deleted"].get<bool>());
  for (const std::string& key :
       {std::string("raw/0.webm"), std::string("raw/1.webm"), PaddedTrackKey(id, 1), MixdownKey(id)}) {
    EXPECT_FALSE(f.Exists(key)) << key;
  }
  EXPECT_EQ(f.Transcript(id).audio_deleted, true);
}

TEST_F(TasksTest, AShadowRunKeepsTheSourceTracksAndDeletesOnlyItsOwnCopies) {
  store::Meetings meetings(*f.database, f.clock);
  store::Meeting meeting;
  meeting.id = f.ids.NewId();
  ASSERT_TRUE(meetings.Create(meeting).ok());
  std::string id = f.CreateTranscript(Json::array({"raw/0.webm"}), meeting.id);
  const std::string root = "shadow/" + id;
  for (const std::string& key : {std::string("raw/0.webm"), PaddedTrackKey(root, 0), MixdownKey(root)})
    ASSERT_TRUE(f.Put(key, WriteFile("audio.bin", "audio")).ok());
  store::MeetingConsents consents(*f.database);
  ASSERT_TRUE(consents.Add({f.ids.NewId(), meeting.id, "u2", false, 2.0}).ok());
  auto deleted =
      f.Run("cleanup_consent",
            Json{{"transcript_id", id}, {"storage_prefix", "shadow/"}, {"delete_source_audio", false}});
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_TRUE((*deleted)["audio_deleted"].get<bool>());
  EXPECT_TRUE(f.Exists("raw/0.webm")) << "the primary run is still reading it";
  EXPECT_FALSE(f.Exists(PaddedTrackKey(root, 0)));
  EXPECT_FALSE(f.Exists(MixdownKey(root)));
}

TEST_F(TasksTest, StoragePrefixPutsTheRunsObjectsUnderItAndReachesEveryBranch) {
  std::string id = f.CreateTranscript();
  PutJson("w/0.json", Json::parse(R"([{"text":"a","start":1.0,"end":1.2,"speaker":0}])"));
  Json transcripts = {{"transcribe_track_0", {{"words_key", "w/0.json"}, {"track_index", 0}}}};
  auto merged =
      f.Run("merge_transcripts",
            Json{{"transcript_id", id}, {"transcripts", transcripts}, {"storage_prefix", "shadow/"}});
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ((*merged)["words_key"], "shadow/" + id + "/words/merged.json");
  EXPECT_TRUE(f.Exists("shadow/" + id + "/words/merged.json"));
  EXPECT_FALSE(f.Exists(MergedWordsKey(id)));

  auto fork = f.Run("generate_dynamic_fork_tasks", Json{{"transcript_id", id},
                                                        {"tracks", Json::parse(R"([{"s3_key":"u/a.webm"}])")},
                                                        {"task_type", "pad_track"},
                                                        {"storage_prefix", "shadow/"}});
  ASSERT_TRUE(fork.ok()) << fork.error().message;
  EXPECT_EQ((*fork)["inputs"]["pad_track_0"]["storage_prefix"], "shadow/");
  // null (the workflow input has none) is no prefix; anything that could leave the prefix is refused.
  auto plain = f.Run("merge_transcripts",
                     Json{{"transcript_id", id}, {"transcripts", transcripts}, {"storage_prefix", nullptr}});
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ((*plain)["words_key"], MergedWordsKey(id));
  for (const char* bad : {"../", "shadow", "/shadow/", "a//", "sha dow/"}) {
    auto refused = f.Run("merge_transcripts",
                         Json{{"transcript_id", id}, {"transcripts", transcripts}, {"storage_prefix", bad}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput) << bad;
    EXPECT_NE(refused.error().message.find("storage_prefix"), std::string::npos) << refused.error().message;
  }
}

TEST_F(TasksTest, NotificationsCompleteAsNotConfigured) {
  std::string id = f.CreateTranscript();
  auto zulip = f.Run("post_zulip", Json{{"transcript_id", id}});
  ASSERT_TRUE(zulip.ok());
  EXPECT_TRUE((*zulip)["message_id"].is_null());
  auto webhook = f.Run("send_webhook", Json{{"transcript_id", id}, {"room_id", nullptr}});
  ASSERT_TRUE(webhook.ok());
  EXPECT_FALSE((*webhook)["sent"].get<bool>());
  EXPECT_EQ((*webhook)["skipped"], "the transcript has no room");
  EXPECT_EQ(f.Transcript(id).status,
            store::TranscriptStatus::kIdle);  // notifications never change the status
}

}  // namespace
}  // namespace reflector::pipeline

namespace reflector::pipeline {
namespace {

TEST(KeepAliveTest, ReportsWhileItLivesAndStopsAfterwards) {
  testing::CountingSink sink;
  {
    KeepAlive alive(sink, std::chrono::milliseconds(5));
    EXPECT_TRUE(sink.WaitForCount(3));
  }
  int after = sink.count();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(sink.count(), after) << "no report once it is gone";
}

}  // namespace
}  // namespace reflector::pipeline
