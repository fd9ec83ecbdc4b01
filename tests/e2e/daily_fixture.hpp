#pragma once
// A Daily.co raw-tracks recording for end-to-end tests: a two-speaker meeting synthesised with
// flite (WebM/Opus whose containers start when each person joined), laid out as Daily lays raw
// tracks out (keys without extension, "{domain}/{room}-YYYYMMDDHHMMSS/{rec_start_ms}-
// {participant}-cam-audio-{track_start_ms}", plus a camera video track), described by the Daily
// double (the recording and its meeting's participants, whose Daily names differ from anything
// in the files), and helpers to drive `reflector serve` with it.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "meeting_fixture.hpp"
#include "net/http_client.hpp"
#include "serve_fixture.hpp"
#include "storage/object_store.hpp"
#include "support/fake_daily.hpp"

namespace reflector::testing {

struct DailyMeeting {
  std::string recording_id;
  std::string room_name;  // Daily's: "standup-20260312140512"
  std::string mtg_session_id;
  std::vector<SpokenTrack> tracks;       // one per speaker, in Daily's order
  std::vector<std::string> keys;         // their camera-audio keys, same order
  std::vector<std::string> daily_names;  // the names Daily's participants API gives them
  Json recording;                        // as GET /recordings/{id} answers
};

// Synthesises the meeting into `dir` under a fresh recording id and Daily domain.
DailyMeeting MakeDailyMeeting(const std::filesystem::path& dir);
// A copy under another recording id and domain (the same audio).
DailyMeeting CopyDailyMeeting(const DailyMeeting& meeting);

// Adds the recording and its participants to the Daily double.
void DescribeToDaily(FakeDaily& daily, const DailyMeeting& meeting);
// Puts every track (and an empty camera video object) into the bucket under its key.
void PutTracks(storage::ObjectStore& bucket, const DailyMeeting& meeting);
// Removes them again.
void RemoveTracks(storage::ObjectStore& bucket, const DailyMeeting& meeting);

// A signed recording.ready-to-download delivery for the meeting, stamped now.
DailyDelivery ReadyDelivery(const DailyMeeting& meeting, const std::string& secret,
                            const std::string& event_id);
// POSTs a delivery to /v1/daily/webhook; the answer (status 0 when it could not be sent).
net::HttpResponse PostDelivery(net::HttpClient& http, const ServeProcess& server,
                               const DailyDelivery& delivery);

// GET `path` as JSON (null with a test failure unless 200).
Json GetServerJson(net::HttpClient& http, const ServeProcess& server, const std::string& path);
// The ids of every transcript the server lists (AUTH_BACKEND=none: all of them).
std::vector<std::string> ListedTranscriptIds(net::HttpClient& http, const ServeProcess& server);
// Waits until the server lists exactly one transcript and it is `ended` or `error` (or `limit`
// passes); returns its final status ("" when none appeared).
std::string WaitForOnlyTranscriptToFinish(net::HttpClient& http, const ServeProcess& server,
                                          std::chrono::seconds limit, bool until_ended = false);

// The value of a sample of the server's /metrics ("name{labels}" as rendered), -1 when absent.
double MetricValue(net::HttpClient& http, const ServeProcess& server, const std::string& sample);

// Checks a finished transcript (`reflector transcripts show --json`) against the meeting: every
// speaker named as Daily names them, and each speaker's words from that speaker's track.
void ExpectDailyTranscript(const Json& transcript, const DailyMeeting& meeting);

}  // namespace reflector::testing
