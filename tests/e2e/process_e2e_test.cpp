// End to end through the `reflector` binary with default settings: a three-speaker meeting
// synthesised at test time (so nothing here was tuned on it), interruption and resume, and
// bad input.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "meeting_fixture.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

std::vector<SpeakerScript> ThreeSpeakers() {
  return {
      {"Dana",
       "kal16",
       0.0,
       "Thank you all for joining. Today we need to decide the launch date for the mobile application.",
       {"thank", "joining", "today", "decide", "launch", "date", "mobile", "application"}},
      {"Evan",
       "awb",
       2.5,
       "The testing team found three critical problems in the payment screen last week.",
       {"testing", "team", "found", "three", "critical", "problems", "payment", "screen", "last", "week"}},
      {"Fiona",
       "slt",
       6.0,
       "I can fix those problems by Friday if the design team sends the new icons.",
       {"fix", "problems", "friday", "design", "team", "sends", "new", "icons"}},
  };
}

Json ReadJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Json::parse(buffer.str());
}

class ProcessEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reflector_ = BuiltBinary("reflector").string();
    // Default settings (SQLite, local files, the offline summariser) whatever the caller's
    // environment says.
    env_ = {{"DATA_DIR", (dir_ / "data").string()},
            {"LOG_LEVEL", "warning"},
            {"LLM_URL", ""},
            {"DATABASE_URL", ""},
            {"TRANSCRIPT_STORAGE_BACKEND", "local"}};
  }

  CommandResult Reflector(std::vector<std::string> args, std::chrono::seconds timeout = 600s) {
    args.insert(args.begin(), reflector_);
    return RunCommand(args, env_, timeout);
  }

  Json Show(const std::string& id) {
    auto result = Reflector({"transcripts", "show", id, "--json"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return Json::parse(result.out);
  }

  static std::string TranscriptIdFrom(const std::string& out) {
    const std::string prefix = "transcript: ";
    if (out.rfind(prefix, 0) != 0) return "";
    return out.substr(prefix.size(), 36);
  }

  TempDir dir_{"reflector-e2e"};
  std::string reflector_;
  std::map<std::string, std::string> env_;
};

TEST_F(ProcessEndToEndTest, ThreeSpeakerMeetingComesOutRight) {
  auto tracks = SynthesiseMeeting(ThreeSpeakers(), dir_.path());
  auto out = dir_ / "out";
  auto result = Reflector({"process", "--track", "Dana=" + tracks[0].file.string(), "--track",
                           "Evan=" + tracks[1].file.string(), "--track", "Fiona=" + tracks[2].file.string(),
                           "--output", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::string id = TranscriptIdFrom(result.out);
  ASSERT_TRUE(IsUuid(id)) << "first line must be 'transcript: <id>', got: " << result.out;

  Json transcript = ReadJson(out / "transcript.json");
  EXPECT_EQ(transcript["id"], id);
  EXPECT_EQ(transcript["status"], "ended");
  EXPECT_EQ(transcript["participants"],
            Json::parse(
                R"([{"speaker":0,"name":"Dana"},{"speaker":1,"name":"Evan"},{"speaker":2,"name":"Fiona"}])"));
  double expected_duration = std::max({tracks[0].track_end, tracks[1].track_end, tracks[2].track_end});
  EXPECT_NEAR(transcript["duration"].get<double>(), expected_duration, 0.15);
  EXPECT_FALSE(transcript["title"].get<std::string>().empty());
  EXPECT_FALSE(transcript["long_summary"].get<std::string>().empty());
  EXPECT_GE(transcript["topics"].size(), 1U);
  EXPECT_EQ(transcript["provenance"]["engine"], "in_process");
  EXPECT_EQ(transcript["provenance"]["stt_backend"], "pocketsphinx");

  ExpectWordsOfEachSpeaker(transcript["words"], tracks);

  // Waveform and the MP3: speech where each speaker speaks.
  Json waveform = ReadJson(out / "waveform.json");
  ASSERT_EQ(waveform.size(), 255U);
  EXPECT_DOUBLE_EQ(*std::max_element(waveform.begin(), waveform.end()), 1.0);
  auto mp3 = out / "audio.mp3";
  for (const auto& track : tracks) {
    EXPECT_GT(MeanLevel(mp3, track.speech_start + 0.2, track.speech_end - 0.2), 0.01) << track.script.name;
  }
  EXPECT_LT(MeanLevel(mp3, expected_duration - 0.6, expected_duration - 0.1), 0.002);
  // transcript.vtt names the voices after the participants (webvtt-named), one cue per turn.
  std::ifstream vtt_file(out / "transcript.vtt");
  std::stringstream vtt;
  vtt << vtt_file.rdbuf();
  EXPECT_EQ(vtt.str().rfind("WEBVTT\n\n", 0), 0U) << vtt.str();
  for (const char* voice : {"<v Dana>", "<v Evan>", "<v Fiona>"})
    EXPECT_NE(vtt.str().find(voice), std::string::npos) << voice << " missing in:\n" << vtt.str();
  EXPECT_EQ(vtt.str().find("<v Speaker"), std::string::npos) << vtt.str();

  // The events log: complete and ordered.
  Json shown = Show(id);
  const Json& events = shown["events"];
  ASSERT_FALSE(events.empty());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seq"], static_cast<int>(i) + 1);
    names.push_back(events[i]["event"].get<std::string>());
  }
  auto position = [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) - names.begin();
  };
  ASSERT_EQ(events.front()["event"], "STATUS");
  EXPECT_EQ(events.front()["data"].value("value", ""), "processing");
  EXPECT_EQ(events.back()["event"], "PIPELINE_PROGRESS");
  for (const char* name : {"DURATION", "WAVEFORM", "TRANSCRIPT", "TOPIC", "FINAL_TITLE", "FINAL_LONG_SUMMARY",
                           "FINAL_SHORT_SUMMARY"}) {
    EXPECT_LT(position(name), static_cast<long>(names.size())) << name << " missing";
  }
  EXPECT_LT(position("TRANSCRIPT"), position("TOPIC"));
  EXPECT_LT(position("TOPIC"), position("FINAL_TITLE"));
  auto ended = std::find_if(events.begin(), events.end(), [](const Json& e) {
    return e["event"] == "STATUS" && e["data"]["value"] == "ended";
  });
  ASSERT_NE(ended, events.end());
  std::set<std::string> completed_steps;
  std::set<int> transcribed_tracks;
  for (const auto& event : events) {
    if (event["event"] != "PIPELINE_PROGRESS") continue;
    const Json& d = event["data"];
    EXPECT_EQ(d["total_steps"], 14);
    if (d["step_status"] == "completed") completed_steps.insert(d["current_step"].get<std::string>());
    if (d["current_step"] == "transcribe_track" && d["step_status"] == "completed") {
      EXPECT_EQ(d["track_count"], 3);
      transcribed_tracks.insert(d["track_index"].get<int>());
    }
  }
  EXPECT_EQ(completed_steps.size(), 14U);
  EXPECT_EQ(transcribed_tracks, (std::set<int>{0, 1, 2}));
}

TEST_F(ProcessEndToEndTest, KilledDuringTranscriptionResumesWithoutRedoingFinishedTasks) {
  std::vector<SpeakerScript> speakers = ThreeSpeakers();
  for (auto& speaker : speakers)
    speaker.text = speaker.text + " " + speaker.text + " " + speaker.text;
  auto tracks = SynthesiseMeeting(speakers, dir_.path());
  BackgroundCommand run(
      {reflector_, "process", "--parallel", "1", "--track", "Dana=" + tracks[0].file.string(), "--track",
       "Evan=" + tracks[1].file.string(), "--track", "Fiona=" + tracks[2].file.string()},
      env_);
  // Wait until a transcription is running, then kill the process without warning.
  std::string id;
  bool transcribing = false;
  for (int i = 0; i < 600 && !transcribing && run.Running(); ++i) {
    std::this_thread::sleep_for(100ms);
    if (id.empty()) {
      auto listed = Reflector({"transcripts", "list"});
      std::istringstream lines(listed.out);
      std::string line;
      std::getline(lines, line);  // header
      if (std::getline(lines, line)) id = line.substr(0, 36);
      continue;
    }
    Json shown = Show(id);
    for (const auto& event : shown["events"]) {
      if (event["event"] == "PIPELINE_PROGRESS" && event["data"]["current_step"] == "transcribe_track" &&
          event["data"]["step_status"] == "in_progress") {
        transcribing = true;
      }
    }
  }
  ASSERT_TRUE(transcribing) << "the run never reached transcription";
  run.Kill(SIGKILL);

  Json before = Show(id);
  EXPECT_EQ(before["status"], "processing");
  const std::int64_t kill_seq = before["events"].back()["seq"].get<std::int64_t>();
  std::set<std::string> done_before;  // "step/track"
  for (const auto& event : before["events"]) {
    const Json& d = event["data"];
    if (event["event"] == "PIPELINE_PROGRESS" && d["step_status"] == "completed") {
      done_before.insert(d["current_step"].get<std::string>() + "/" +
                         (d.contains("track_index") ? d["track_index"].dump() : ""));
    }
  }
  EXPECT_TRUE(done_before.count("pad_track/0") && done_before.count("pad_track/2"))
      << "padding finished before";

  auto resumed = Reflector({"resume", id});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  Json after = Show(id);
  EXPECT_EQ(after["status"], "ended");
  int started_after = 0;
  for (const auto& event : after["events"]) {
    if (event["seq"].get<std::int64_t>() <= kill_seq || event["event"] != "PIPELINE_PROGRESS") continue;
    const Json& d = event["data"];
    if (d["step_status"] != "in_progress") continue;
    ++started_after;
    std::string key = d["current_step"].get<std::string>() + "/" +
                      (d.contains("track_index") ? d["track_index"].dump() : "");
    EXPECT_EQ(done_before.count(key), 0U) << key << " had finished before the kill but ran again";
  }
  EXPECT_GT(started_after, 0);
  EXPECT_EQ(after["words"].size() > 30, true);
}

TEST_F(ProcessEndToEndTest, RoomsAndConsentFromTheCommandLine) {
  auto samples = TestDataDir().parent_path().parent_path() / "samples";
  ASSERT_EQ(Reflector({"rooms", "create", "announced", "--webhook-url", "http://127.0.0.1:9/hook",
                       "--webhook-secret", "s3cret"})
                .exit_code,
            0);
  auto created = Reflector({"rooms", "create", "standup", "--zulip-stream", "eng", "--zulip-topic", "daily"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_EQ(created.out.rfind("room: ", 0), 0U) << created.out;
  std::string room_id = created.out.substr(6, 36);
  EXPECT_EQ(Reflector({"rooms", "create", "standup"}).exit_code, 2) << "room names are unique";
  EXPECT_EQ(Reflector({"rooms", "create", "half", "--zulip-auto-post"}).exit_code, 2);
  auto listed = Reflector({"rooms", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("standup"), std::string::npos);
  EXPECT_NE(listed.out.find("eng/daily"), std::string::npos);
  EXPECT_NE(listed.out.find("(signed)"), std::string::npos);

  std::string meeting = "meeting-" + NewUuid4().substr(0, 8);
  ASSERT_EQ(
      Reflector({"consent", "add", meeting, "--room", "standup", "--user", "dana", "--given"}).exit_code, 0);
  ASSERT_EQ(Reflector({"consent", "add", meeting, "--user", "evan", "--denied"}).exit_code, 0);
  EXPECT_EQ(Reflector({"consent", "add", meeting, "--user", "evan"}).exit_code, 2) << "given or denied";
  auto answers = Reflector({"consent", "list", meeting});
  ASSERT_EQ(answers.exit_code, 0) << answers.err;
  EXPECT_NE(answers.out.find("dana"), std::string::npos);
  EXPECT_NE(answers.out.find("denied"), std::string::npos);

  EXPECT_EQ(
      Reflector({"process", "--room", "no-such-room", "--track", "A=" + (samples / "alice.webm").string()})
          .exit_code,
      2);
  auto processed = Reflector({"process", "--room", "standup", "--meeting", meeting, "--track",
                              "Alice=" + (samples / "alice.webm").string()});
  ASSERT_EQ(processed.exit_code, 0) << processed.err;
  Json shown = Show(TranscriptIdFrom(processed.out));
  EXPECT_EQ(shown["room_id"], room_id);
  EXPECT_EQ(shown["meeting_id"], meeting);
  EXPECT_EQ(shown["status"], "ended");
  EXPECT_EQ(shown["audio_deleted"], true) << "a denial deletes the meeting's audio";
}

TEST_F(ProcessEndToEndTest, ConductorEngineAndWorkerRefuseStateOnlyThisMachineSees) {
  auto samples = TestDataDir().parent_path().parent_path() / "samples";
  for (std::vector<std::string> args :
       {std::vector<std::string>{"process", "--engine", "conductor", "--track",
                                 "Alice=" + (samples / "alice.webm").string()},
        std::vector<std::string>{"worker"}}) {
    auto result = Reflector(args);
    EXPECT_EQ(result.exit_code, 2) << args[0];
    EXPECT_NE(result.err.find("DATABASE_URL must name a PostgreSQL database"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("TRANSCRIPT_STORAGE_BACKEND must be s3"), std::string::npos) << result.err;
  }
  auto listed = Reflector({"transcripts", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out.find("processing"), std::string::npos) << "nothing was started";
}

TEST_F(ProcessEndToEndTest, EngineSettingsChooseTheEngineAndShadowModeNeedsSharedState) {
  auto samples = TestDataDir().parent_path().parent_path() / "samples";
  std::string track = "Alice=" + (samples / "alice.webm").string();

  // CONDUCTOR_ENABLED=true sends `process` to Conductor, which needs shared state: refused here.
  env_["CONDUCTOR_ENABLED"] = "true";
  auto by_setting = Reflector({"process", "--track", track});
  EXPECT_EQ(by_setting.exit_code, 2) << by_setting.err;
  EXPECT_NE(by_setting.err.find("DATABASE_URL must name a PostgreSQL database"), std::string::npos)
      << by_setting.err;

  // --engine overrides the setting.
  auto overridden = Reflector({"process", "--engine", "in-process", "--track", track});
  ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
  Json shown = Show(TranscriptIdFrom(overridden.out));
  EXPECT_EQ(shown["provenance"]["engine"], "in_process");
  EXPECT_EQ(shown["status"], "ended");

  // Shadow mode runs a second workflow on Conductor: it needs shared state too (and
  // CONDUCTOR_ENABLED=true, which the settings check on their own).
  env_["CONDUCTOR_SHADOW_MODE"] = "true";
  auto shadow = Reflector({"process", "--track", track});
  EXPECT_EQ(shadow.exit_code, 2);
  EXPECT_NE(shadow.err.find("shadow mode (CONDUCTOR_SHADOW_MODE=true)"), std::string::npos) << shadow.err;
  EXPECT_NE(shadow.err.find("DATABASE_URL must name a PostgreSQL database"), std::string::npos) << shadow.err;
}

TEST_F(ProcessEndToEndTest, MisspeltSettingsFailStartUpWithTheClosestNames) {
  {
    std::ofstream dotenv(dir_ / "settings.env");
    dotenv << "LLM_MODEL=phi\nZULIP_BOT_EMIAL=bot@example.com\n";
  }
  env_["TRANSCRIPT_BAKEND"] = "modal";
  auto typo = Reflector({"--env-file", (dir_ / "settings.env").string(), "config"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.out, "") << "nothing runs with a misspelt setting";
  EXPECT_NE(typo.err.find("TRANSCRIPT_BAKEND is not a setting; did you mean TRANSCRIPT_BACKEND?"),
            std::string::npos)
      << typo.err;
  EXPECT_NE(typo.err.find("ZULIP_BOT_EMIAL is not a setting; did you mean ZULIP_BOT_EMAIL? (set in " +
                          (dir_ / "settings.env").string() + ")"),
            std::string::npos)
      << typo.err;

  env_.erase("TRANSCRIPT_BAKEND");
  env_["TRANSCRIPT_BACKEND"] = "pocketsphinx";
  env_["LANG"] = "C.UTF-8";
  auto fine = Reflector({"config"});
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_NE(fine.out.find("TRANSCRIPT_BACKEND=pocketsphinx"), std::string::npos) << fine.out;
}

TEST_F(ProcessEndToEndTest, BadInputGivesClearErrorsAndLeavesNothingProcessing) {
  auto tracks = SynthesiseMeeting({ThreeSpeakers()[0]}, dir_.path());
  std::string good = "Dana=" + tracks[0].file.string();

  auto missing = Reflector({"process", "--track", good, "--track", "Evan=" + (dir_ / "nope.webm").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.webm' does not exist"), std::string::npos) << missing.err;

  auto duplicate = Reflector({"process", "--track", good, "--track", good});
  EXPECT_EQ(duplicate.exit_code, 2);
  EXPECT_NE(duplicate.err.find("'Dana' is given twice"), std::string::npos) << duplicate.err;

  auto none = Reflector({"process"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("--track"), std::string::npos) << none.err;

  {
    std::ofstream text(dir_ / "notes.webm");
    text << "these are meeting notes, not audio\n";
  }
  auto not_audio =
      Reflector({"process", "--track", good, "--track", "Evan=" + (dir_ / "notes.webm").string()});
  EXPECT_EQ(not_audio.exit_code, 1);
  EXPECT_NE(not_audio.err.find("failed at step pad_track"), std::string::npos) << not_audio.err;
  EXPECT_NE(not_audio.err.find("notes.webm"), std::string::npos) << not_audio.err;

  auto silent_file = dir_ / "silent.webm";
  ASSERT_EQ(RunCommand({"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-t", "3", "-i",
                        "anullsrc=r=48000:cl=mono", "-c:a", "libopus", silent_file.string()})
                .exit_code,
            0);
  auto silent = Reflector({"process", "--track", good, "--track", "Evan=" + silent_file.string()});
  EXPECT_EQ(silent.exit_code, 1);
  EXPECT_NE(silent.err.find("silent"), std::string::npos) << silent.err;
  EXPECT_NE(silent.err.find("silent.webm"), std::string::npos) << silent.err;

  // Nothing is left `processing`: the failed runs are `error` with their step and reason.
  auto listed = Reflector({"transcripts", "list"});
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_EQ(listed.out.find("processing"), std::string::npos) << listed.out;
  int errors = 0;
  std::istringstream lines(listed.out);
  std::string line;
  while (std::getline(lines, line))
    errors += line.find(" error ") != std::string::npos ? 1 : 0;
  EXPECT_EQ(errors, 2) << listed.out;
  std::string failed_id = TranscriptIdFrom(silent.out);
  Json shown = Show(failed_id);
  EXPECT_EQ(shown["status"], "error");
  EXPECT_EQ(shown["failure"]["step"].get<std::string>().rfind("pad_track", 0), 0U) << shown["failure"].dump();
}

}  // namespace
}  // namespace reflector::testing
