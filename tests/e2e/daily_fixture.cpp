#include "daily_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kRecordingStartMs = 1773324363412;  // 2026-03-12T14:06:03.412Z
constexpr const char* kDailyRoom = "standup-20260312140512";

std::vector<SpeakerScript> Speakers() {
  return {{"alice",
           "slt",
           0.0,
           "The bakery on the corner opens an hour earlier from next week.",
           {"bakery", "corner", "opens", "earlier", "week"}},
          {"bob",
           "rms",
           1.5,
           "Then I will buy the bread for the school trip on Friday.",
           {"buy", "bread", "school", "trip", "friday"}}};
}

// Fills the ids, keys and Daily's description of `meeting` for `domain`.
void Describe(DailyMeeting& meeting, const std::string& domain) {
  meeting.recording_id = NewUuid4();
  meeting.room_name = kDailyRoom;
  meeting.mtg_session_id = NewUuid4();
  meeting.keys.clear();
  std::vector<FakeDailyTrack> tracks;
  for (std::size_t i = 0; i < meeting.tracks.size(); ++i) {
    const std::string participant = i == 0 ? "7f410ea8-1b82-4bc3-9b3b-2f11d4e72cd5" : NewUuid4();
    const auto joined =
        kRecordingStartMs + static_cast<std::int64_t>(meeting.tracks[i].script.join_offset * 1000);
    meeting.keys.push_back(
        DailyTrackKey(domain, kDailyRoom, kRecordingStartMs, participant, "cam-audio", joined));
    tracks.push_back({"audio", meeting.keys.back(), 1000});
    tracks.push_back(
        {"video", DailyTrackKey(domain, kDailyRoom, kRecordingStartMs, participant, "cam-video", joined + 20),
         5000});
  }
  meeting.recording = DailyRecordingJson(meeting.recording_id, kDailyRoom, kRecordingStartMs / 1000,
                                         meeting.mtg_session_id, tracks, "finished", 12);
}

std::string ParticipantOf(const std::string& key) {
  // {rec_start_ms}-{uuid}-cam-audio-{ms}: the 36 characters after the first '-' of the base name.
  const std::string base = key.substr(key.rfind('/') + 1);
  return base.substr(base.find('-') + 1, 36);
}

}  // namespace

DailyMeeting MakeDailyMeeting(const std::filesystem::path& dir) {
  DailyMeeting meeting;
  std::filesystem::create_directories(dir);
  meeting.tracks = SynthesiseMeeting(Speakers(), dir);
  meeting.daily_names = {"Alice Martin", "Bob Chen"};
  Describe(meeting, "acme-" + NewUuid4().substr(0, 8));
  return meeting;
}

DailyMeeting CopyDailyMeeting(const DailyMeeting& meeting) {
  DailyMeeting copy = meeting;
  Describe(copy, "acme-" + NewUuid4().substr(0, 8));
  return copy;
}

void DescribeToDaily(FakeDaily& daily, const DailyMeeting& meeting) {
  std::vector<Json> participants;
  for (std::size_t i = 0; i < meeting.keys.size(); ++i)
    participants.push_back(DailyParticipantJson(ParticipantOf(meeting.keys[i]), meeting.daily_names[i]));
  daily.SetParticipants(meeting.mtg_session_id, participants);
  daily.AddRecording(meeting.recording);
}

void PutTracks(storage::ObjectStore& bucket, const DailyMeeting& meeting) {
  for (std::size_t i = 0; i < meeting.keys.size(); ++i) {
    Status put = bucket.PutFile(meeting.keys[i], meeting.tracks[i].file);
    ASSERT_TRUE(put.ok()) << put.error().Describe();
  }
}

void RemoveTracks(storage::ObjectStore& bucket, const DailyMeeting& meeting) {
  for (const std::string& key : meeting.keys)
    (void)bucket.Delete(key);
}

DailyDelivery ReadyDelivery(const DailyMeeting& meeting, const std::string& secret,
                            const std::string& event_id) {
  const std::int64_t now = UnixSeconds(std::chrono::system_clock::now());
  return SignLikeDaily(secret, DailyRecordingReadyBody(event_id, meeting.recording, now), now);
}

net::HttpResponse PostDelivery(net::HttpClient& http, const ServeProcess& server,
                               const DailyDelivery& delivery) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/v1/daily/webhook");
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Webhook-Signature", delivery.signature},
                     {"X-Webhook-Timestamp", delivery.timestamp}};
  request.body = delivery.body;
  auto response = http.Send(request);
  EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
  return response.ok() ? *response : net::HttpResponse{};
}

Json GetServerJson(net::HttpClient& http, const ServeProcess& server, const std::string& path) {
  net::HttpRequest request;
  request.url = server.Url(path);
  auto response = http.Send(request);
  EXPECT_TRUE(response.ok()) << path;
  if (!response.ok()) return nullptr;
  EXPECT_EQ(response->status, 200) << path << ": " << response->body;
  if (response->status != 200) return nullptr;
  auto json = ParseJson(response->body, path);
  return json.ok() ? *json : Json(nullptr);
}

std::vector<std::string> ListedTranscriptIds(net::HttpClient& http, const ServeProcess& server) {
  std::vector<std::string> ids;
  Json page = GetServerJson(http, server, "/v1/transcripts?size=100");
  if (!page.is_object()) return ids;
  for (const auto& item : page["items"])
    ids.push_back(item.value("id", ""));
  return ids;
}

std::string WaitForOnlyTranscriptToFinish(net::HttpClient& http, const ServeProcess& server,
                                          std::chrono::seconds limit, bool until_ended) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    auto ids = ListedTranscriptIds(http, server);
    if (ids.size() > 1) {
      ADD_FAILURE() << "more than one transcript: " << Json(ids).dump();
      return "";
    }
    if (ids.size() == 1) {
      Json transcript = GetServerJson(http, server, "/v1/transcripts/" + ids[0]);
      status = transcript.is_object() ? transcript.value("status", "") : "";
      if (status == "ended" || (status == "error" && !until_ended)) return status;
    }
    std::this_thread::sleep_for(500ms);
  }
  return status;
}

double MetricValue(net::HttpClient& http, const ServeProcess& server, const std::string& sample) {
  net::HttpRequest request;
  request.url = server.Url("/metrics");
  auto response = http.Send(request);
  if (!response.ok() || response->status != 200) return -2;
  std::istringstream lines(response->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(sample + " ", 0) == 0) return std::stod(line.substr(sample.size() + 1));
  }
  return -1;
}

void ExpectDailyTranscript(const Json& transcript, const DailyMeeting& meeting) {
  EXPECT_EQ(transcript["status"], "ended");
  ASSERT_EQ(transcript["participants"].size(), meeting.tracks.size()) << transcript["participants"].dump();
  for (const auto& participant : transcript["participants"]) {
    const int speaker = participant["speaker"].get<int>();
    ASSERT_LT(speaker, static_cast<int>(meeting.daily_names.size()));
    EXPECT_EQ(participant["name"], meeting.daily_names[speaker])
        << "named as Daily's participants API names them";
  }
  ExpectWordsOfEachSpeaker(transcript["words"], meeting.tracks);
}

}  // namespace reflector::testing
