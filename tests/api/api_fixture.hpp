#pragma once
// The API as `reflector serve` runs it, in the test process: a real http::Server on a free port
// with every route of api::AddAllRoutes, over a fresh SQLite database, local object storage in a
// temporary directory, the store's event log published on an in-process bus, an EventHub, and
// the scripted engine of tests/fakes (uploads "start" a workflow that never runs). Requests go
// through libcurl (net::HttpClient) and a Beast WebSocket client.
//
// Who calls is decided by the fixture's authenticate function:
//   kUsers       the X-Test-User header (or "Authorization: Bearer <user>", which is what the
//                WebSocket "bearer" subprotocol becomes) names the user; no header is an
//                anonymous caller; the name "invalid" is a bad credential (401).
//   kLocalOwner  AUTH_BACKEND=none: every request is the local owner ("local"), who owns
//                everything.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/api_context.hpp"
#include "api/event_hub.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "events/events.hpp"
#include "events/store_event_log.hpp"
#include "fakes/engine_fake.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "net/http_client.hpp"
#include "storage/object_store.hpp"
#include "store/transcripts.hpp"
#include "store_test_env.hpp"
#include "support/temp_dir.hpp"
#include "support/websocket_client.hpp"

namespace reflector::api::testing {

enum class AuthMode { kUsers, kLocalOwner };

// The origin the router allows (CORS_ORIGIN).
inline constexpr std::string_view kFrontendOrigin = "http://frontend.test";
// The name that the authenticate function refuses.
inline constexpr std::string_view kInvalidUser = "invalid";
// The metrics text the fixture's hook serves.
inline constexpr std::string_view kMetricsText =
    "# TYPE reflector_test_total counter\nreflector_test_total 7\n";

// Two speakers' participants: Ana (speaker 0) and Ben (speaker 1).
Json SampleParticipants();
// Two topics (the shape detect_topics stores) with the words of Ana and Ben:
//   topic-1 "Opening" at 0 s: Ana "Hello everyone." (0.5-1.5), Ben "Hi Ana." (2.0-2.8)
//   topic-2 "Budget"  at 5 s: Ana "Budget is approved." (5.2-6.8), Ben "Great." (7.2-8.0)
Json SampleTopics();
// A mono 16-bit PCM WAV file's bytes holding a tone.
std::string TinyWav(double seconds = 0.25, int sample_rate = 16000);
// The body as JSON (a parse failure is a test failure and gives null).
Json BodyJson(const net::HttpResponse& response);
// The {"detail": "..."} of an error answer ("" when there is none).
std::string Detail(const net::HttpResponse& response);

class ApiFixture : public ::testing::Test {
 protected:
  explicit ApiFixture(AuthMode mode = AuthMode::kUsers) : mode_(mode) {}
  void SetUp() override;
  void TearDown() override;

  // --- HTTP -------------------------------------------------------------------------------
  std::string Url(std::string_view path) const;
  // One request as `user` (empty: anonymous). A transport failure is a test failure (status 0).
  net::HttpResponse Send(std::string method, std::string_view path, std::string body = {},
                         std::string_view user = {}, net::HttpHeaders headers = {});
  net::HttpResponse Get(std::string_view path, std::string_view user = {});
  net::HttpResponse SendJson(std::string method, std::string_view path, const Json& body,
                             std::string_view user = {});
  // A multipart/form-data POST built by libcurl.
  net::HttpResponse PostMultipart(std::string_view path, std::vector<net::MultipartPart> parts,
                                  std::string_view user = {});
  // Sends raw bytes on a new TCP connection, then (when `close_write`) shuts its sending side,
  // and returns whatever the server answers until it closes or `wait` passes.
  std::string RawExchange(std::string_view bytes, bool close_write,
                          std::chrono::seconds wait = std::chrono::seconds(5)) const;

  // --- Data -------------------------------------------------------------------------------
  // POST /v1/transcripts as `user`; returns the new id (a test failure when refused).
  std::string CreateTranscript(std::string_view user = {}, std::string_view name = "Weekly sync");
  // A transcript without an owner, as `reflector process` stores them (the API refuses to
  // create one for an anonymous caller); returns its id.
  std::string StoreOwnerlessTranscript(std::string_view name);
  store::Transcripts Transcripts() { return store::Transcripts(*database_, clock_); }
  store::Transcript Stored(const std::string& id);
  // Stores SampleTopics (with their WebVTT) and SampleParticipants on the transcript.
  void SetSampleContent(const std::string& id);
  void SetShareMode(const std::string& id, std::string mode);
  // Object storage of the service's bucket.
  void PutObject(const std::string& key, std::string_view bytes);
  bool ObjectExists(const std::string& key);
  std::string ReadObject(const std::string& key);
  // Every object key of the service's bucket (the local store's files), sorted.
  std::vector<std::string> StoredObjectKeys() const;
  // A file under the test's temporary directory holding `bytes`.
  std::filesystem::path WriteTempFile(std::string_view name, std::string_view bytes);
  // Entries of the API's scratch directory (uploads spooled, downloads in flight).
  std::vector<std::string> ScratchEntries() const;
  // Waits until the scratch directory is empty (a handler may still be cleaning up after its
  // answer was sent); false after 10 s.
  bool ScratchEmptiesSoon() const;

  // --- WebSockets and events ---------------------------------------------------------------
  // Connects to ws://.../path; a non-empty user signs in with the ["bearer", user] subprotocol.
  Result<std::unique_ptr<reflector::testing::WebSocketClient>> ConnectSocket(std::string_view path,
                                                                             std::string_view user = {});
  // Waits until the hub has `count` watchers (sockets whose replay is done); false after 10 s.
  bool WaitForWatchers(std::size_t count);
  // Appends through the runtime's log (stored, then published on the bus).
  events::Event Append(const std::string& transcript_id, events::EventType type, const Json& data);
  // Reads `count` messages, each parsed; a timeout, a close or bad JSON is a test failure. An
  // event's "seq" must be a number above the previous message's and is taken out, so that
  // messages compare with Reflector's {"event", "data"}; `seqs` (when given) gets them.
  static std::vector<Json> ReadMessages(reflector::testing::WebSocketClient& client, std::size_t count,
                                        std::vector<std::int64_t>* seqs = nullptr);
  // True when nothing more arrives within `quiet` (the client is unusable afterwards).
  static bool NothingMore(reflector::testing::WebSocketClient& client,
                          std::chrono::milliseconds quiet = std::chrono::milliseconds(300));

  AuthMode mode_;
  reflector::testing::TempDir dir_{"reflector-api-test"};
  std::unique_ptr<store::testing::FreshDatabase> fresh_;
  SystemClock clock_;
  RandomIdGenerator ids_{11};
  net::HttpClient outgoing_;  // the server's own calls (webhook test)
  net::HttpClient client_;    // the tests' requests
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<storage::ObjectStoreFactory> storage_;
  reflector::testing::ScriptedEngine engine_;
  events::EventBus bus_;
  std::unique_ptr<events::StoreEventLog> store_log_;
  std::unique_ptr<events::PublishingEventLog> log_;
  service::ServiceContext service_;
  std::unique_ptr<EventHub> hub_;
  ApiContext api_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
  std::thread server_thread_;
  int port_ = 0;
};

// The same API with AUTH_BACKEND=none.
class LocalOwnerFixture : public ApiFixture {
 protected:
  LocalOwnerFixture() : ApiFixture(AuthMode::kLocalOwner) {}
};

}  // namespace reflector::api::testing
