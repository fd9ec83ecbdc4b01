#include "api_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "api/routes.hpp"
#include "pipeline/words.hpp"
#include "pipeline/workflow_definitions.hpp"
#include "storage/factory.hpp"
#include "support/test_files.hpp"

namespace reflector::api::testing {
namespace {

constexpr std::string_view kBucket = "reflector-media";

// "audio:<user>:<transcript id>" is a valid audio link of <user> for that transcript.
Result<User> AudioLinkUser(const std::string& token, const std::string& transcript_id) {
  constexpr std::string_view kPrefix = "audio:";
  const std::size_t colon = token.find(':', kPrefix.size());
  if (token.rfind(kPrefix, 0) != 0 || colon == std::string::npos ||
      token.substr(colon + 1) != transcript_id) {
    return Error::Terminal(ErrorKind::kUnauthorized, "not a valid audio link");
  }
  return User{token.substr(kPrefix.size(), colon - kPrefix.size()), std::nullopt};
}

// The user a request names in kUsers mode.
Result<std::optional<User>> HeaderUser(const http::Request& request) {
  std::optional<std::string> name;
  if (auto header = request.headers.Get("X-Test-User")) name = std::string(*header);
  if (auto header = request.headers.Get("Authorization")) {
    if (header->rfind("Bearer ", 0) != 0)
      return Error::Terminal(ErrorKind::kUnauthorized, "only Bearer tokens are accepted");
    name = std::string(header->substr(7));
  }
  if (!name) return std::optional<User>();
  if (*name == kInvalidUser) return Error::Terminal(ErrorKind::kUnauthorized, "the token is not valid");
  return std::optional<User>(User{*name, *name + "@example.com"});
}

Json Word(std::string text, double start, double end, int speaker) {
  return Json{{"text", std::move(text)}, {"start", start}, {"end", end}, {"speaker", speaker}};
}

}  // namespace

Json SampleParticipants() {
  return Json::array({Json{{"id", "p-ana"}, {"speaker", 0}, {"name", "Ana"}},
                      Json{{"id", "p-ben"}, {"speaker", 1}, {"name", "Ben"}}});
}

Json SampleTopics() {
  return Json::array(
      {Json{{"id", "topic-1"},
            {"title", "Opening"},
            {"summary", "Ana opens the meeting."},
            {"timestamp", 0.0},
            {"duration", 4.0},
            {"words", Json::array({Word("Hello", 0.5, 0.9, 0), Word("everyone.", 0.9, 1.5, 0),
                                   Word("Hi", 2.0, 2.3, 1), Word("Ana.", 2.3, 2.8, 1)})}},
       Json{{"id", "topic-2"},
            {"title", "Budget"},
            {"summary", "The budget is approved."},
            {"timestamp", 5.0},
            {"duration", 5.0},
            {"words", Json::array({Word("Budget", 5.2, 5.8, 0), Word("is", 5.8, 6.0, 0),
                                   Word("approved.", 6.0, 6.8, 0), Word("Great.", 7.2, 8.0, 1)})}}});
}

std::string TinyWav(double seconds, int sample_rate) {
  const auto samples = static_cast<std::uint32_t>(seconds * sample_rate);
  std::string out;
  auto u32 = [&](std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
      out += static_cast<char>((value >> (8 * i)) & 0xFF);
  };
  auto u16 = [&](std::uint16_t value) {
    out += static_cast<char>(value & 0xFF);
    out += static_cast<char>(value >> 8);
  };
  const auto rate = static_cast<std::uint32_t>(sample_rate);
  out += "RIFF";
  u32(36 + samples * 2);
  out += "WAVEfmt ";
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(rate);
  u32(rate * 2);
  u16(2);
  u16(16);
  out += "data";
  u32(samples * 2);
  for (std::uint32_t i = 0; i < samples; ++i) {
    const double value = 0.3 * std::sin(2 * std::numbers::pi * 440.0 * i / sample_rate);
    u16(static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(value * 32767))));
  }
  return out;
}

void ApiFixture::SetUp() {
  fresh_ = store::testing::FreshDatabase::Create(store::testing::Backend::kSqlite);
  ASSERT_NE(fresh_, nullptr);
  auto database = store::Database::Open(fresh_->url());
  ASSERT_TRUE(database.ok()) << database.error().Describe();
  database_ = std::move(*database);
  ASSERT_TRUE(database_->Migrate(clock_).ok());
  auto storage =
      storage::MakeObjectStoreFactory(StorageBackend::kLocal, {}, dir_ / "storage", outgoing_, clock_);
  ASSERT_TRUE(storage.ok()) << storage.error().Describe();
  storage_ = std::move(*storage);
  store_log_ = std::make_unique<events::StoreEventLog>(*database_, clock_);
  log_ = std::make_unique<events::PublishingEventLog>(*store_log_, bus_);

  service_.database = database_.get();
  service_.clock = &clock_;
  service_.ids = &ids_;
  service_.storage = storage_.get();
  service_.bucket = std::string(kBucket);
  service_.engine = &engine_;
  service_.bus = &bus_;
  service_.pipeline_name = "diarization_pipeline";
  const pipeline::PipelineDefinitions& definitions = pipeline::LoadPipelineDefinitions().value();
  engine_.version = definitions.pipeline.version;
  EventHubOptions hub_options{std::chrono::milliseconds(200), {}, {}};
  hub_options.workflows = {{&definitions.pipeline, definitions.dynamic_fork_task_types}};
  hub_ = std::make_unique<EventHub>(service_, *log_, hub_options);

  api_.service = &service_;
  api_.events = log_.get();
  api_.bus = &bus_;
  api_.http = &outgoing_;
  api_.everyone_is_owner = mode_ == AuthMode::kLocalOwner;
  if (mode_ == AuthMode::kLocalOwner) {
    api_.authenticate = [](const http::Request&) -> Result<std::optional<User>> {
      return std::optional<User>(User{"local", std::nullopt});
    };
  } else {
    api_.authenticate = HeaderUser;
  }
  api_.secret_key = "test-secret-key";
  api_.scratch_dir = dir_ / "scratch";
  std::filesystem::create_directories(api_.scratch_dir);
  api_.max_upload_bytes = std::uint64_t{64} << 20;
  api_.hooks.audio_token = AudioLinkUser;
  api_.hooks.metrics_text = [] { return std::string(kMetricsText); };
  api_.hooks.dag_status = [this](const store::Transcript& t) { return hub_->DagStatus(t.id, t.workflow_id); };
  api_.hooks.user_event = [this](const std::optional<std::string>& user_id, const std::string& event,
                                 const Json& data) { hub_->PublishUserEvent(user_id, event, data); };

  router_ = std::make_unique<http::Router>(http::CorsOptions{{std::string(kFrontendOrigin)}});
  AddAllRoutes(*router_, api_, *hub_);
  http::ServerOptions options;
  options.port = 0;
  options.max_body_bytes = api_.max_upload_bytes;
  options.body_timeout = std::chrono::seconds(5);
  server_ = std::make_unique<http::Server>(options, *router_);
  auto port = server_->Listen();
  ASSERT_TRUE(port.ok()) << port.error().Describe();
  port_ = *port;
  server_thread_ = std::thread([this] { server_->Run(); });
}

void ApiFixture::TearDown() {
  if (server_) server_->Stop();
  if (server_thread_.joinable()) server_thread_.join();
}

std::string ApiFixture::Url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

net::HttpResponse ApiFixture::Send(std::string method, std::string_view path, std::string body,
                                   std::string_view user, net::HttpHeaders headers) {
  net::HttpRequest request;
  request.method = std::move(method);
  request.url = Url(path);
  request.body = std::move(body);
  request.headers = std::move(headers);
  if (!user.empty()) request.headers.emplace_back("X-Test-User", std::string(user));
  auto response = client_.Send(request);
  EXPECT_TRUE(response.ok()) << request.method << " " << path << ": "
                             << (response.ok() ? "" : response.error().Describe());
  return response.ok() ? std::move(*response) : net::HttpResponse{};
}

net::HttpResponse ApiFixture::Get(std::string_view path, std::string_view user) {
  return Send("GET", path, {}, user);
}

net::HttpResponse ApiFixture::SendJson(std::string method, std::string_view path, const Json& body,
                                       std::string_view user) {
  return Send(std::move(method), path, DumpCompact(body), user, {{"Content-Type", "application/json"}});
}

net::HttpResponse ApiFixture::PostMultipart(std::string_view path, std::vector<net::MultipartPart> parts,
                                            std::string_view user) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = Url(path);
  request.multipart = std::move(parts);
  if (!user.empty()) request.headers.emplace_back("X-Test-User", std::string(user));
  auto response = client_.Send(request);
  EXPECT_TRUE(response.ok()) << "POST " << path << ": " << (response.ok() ? "" : response.error().Describe());
  return response.ok() ? std::move(*response) : net::HttpResponse{};
}

Json BodyJson(const net::HttpResponse& response) {
  auto json = ParseJson(response.body, "response body");
  EXPECT_TRUE(json.ok()) << "not JSON: " << response.body;
  return json.ok() ? *json : Json(nullptr);
}

std::string Detail(const net::HttpResponse& response) {
  auto json = ParseJson(response.body, "response body");
  if (!json || !json->is_object() || !(*json)["detail"].is_string()) return "";
  return (*json)["detail"].get<std::string>();
}

std::string ApiFixture::RawExchange(std::string_view bytes, bool close_write,
                                    std::chrono::seconds wait) const {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port_));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ADD_FAILURE() << "cannot connect to the server";
    ::close(fd);
    return "";
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  if (close_write) ::shutdown(fd, SHUT_WR);
  timeval timeout{static_cast<time_t>(wait.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string answer;
  char buffer[4096];
  while (true) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return answer;
}

std::string ApiFixture::CreateTranscript(std::string_view user, std::string_view name) {
  auto response = SendJson("POST", "/v1/transcripts", Json{{"name", name}}, user);
  EXPECT_EQ(response.status, 200) << response.body;
  Json body = BodyJson(response);
  return body.is_object() ? body.value("id", "") : "";
}

std::string ApiFixture::StoreOwnerlessTranscript(std::string_view name) {
  store::Transcript transcript;
  transcript.id = ids_.NewId();
  transcript.name = std::string(name);
  auto created = Transcripts().Create(transcript);
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().Describe());
  return transcript.id;
}

store::Transcript ApiFixture::Stored(const std::string& id) {
  auto transcript = Transcripts().Get(id);
  EXPECT_TRUE(transcript.ok()) << (transcript.ok() ? "" : transcript.error().Describe());
  return transcript.ok() ? *transcript : store::Transcript{};
}

void ApiFixture::SetSampleContent(const std::string& id) {
  auto transcripts = Transcripts();
  std::vector<pipeline::Word> words;
  for (const auto& topic : SampleTopics()) {
    auto topic_words = pipeline::WordsFromJson(topic["words"], "sample");
    ASSERT_TRUE(topic_words.ok());
    words.insert(words.end(), topic_words->begin(), topic_words->end());
  }
  ASSERT_TRUE(transcripts.SetTopics(id, SampleTopics(), pipeline::WordsToWebVtt(words)).ok());
  ASSERT_TRUE(transcripts.SetParticipants(id, SampleParticipants()).ok());
}

void ApiFixture::SetShareMode(const std::string& id, std::string mode) {
  store::TranscriptPatch patch;
  patch.share_mode = std::move(mode);
  ASSERT_TRUE(Transcripts().Update(id, patch).ok());
}

void ApiFixture::PutObject(const std::string& key, std::string_view bytes) {
  auto bucket = storage_->ForBucket(kBucket);
  ASSERT_TRUE(bucket.ok());
  const auto file = WriteTempFile("object-" + NewUuid4(), bytes);
  ASSERT_TRUE((*bucket)->PutFile(key, file).ok());
}

bool ApiFixture::ObjectExists(const std::string& key) {
  auto bucket = storage_->ForBucket(kBucket);
  if (!bucket) return false;
  auto exists = (*bucket)->Exists(key);
  return exists.ok() && *exists;
}

std::string ApiFixture::ReadObject(const std::string& key) {
  auto bucket = storage_->ForBucket(kBucket);
  if (!bucket) return "";
  const auto file = dir_ / ("read-" + NewUuid4());
  if (!(*bucket)->GetFile(key, file).ok()) return "";
  return reflector::testing::ReadFile(file);
}

std::filesystem::path ApiFixture::WriteTempFile(std::string_view name, std::string_view bytes) {
  const auto file = dir_ / name;
  reflector::testing::WriteFile(file, bytes);
  return file;
}

std::vector<std::string> ApiFixture::StoredObjectKeys() const {
  const std::filesystem::path root = dir_ / "storage" / kBucket;
  std::vector<std::string> keys;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
    if (entry.is_regular_file()) keys.push_back(entry.path().lexically_relative(root).generic_string());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::string> ApiFixture::ScratchEntries() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(api_.scratch_dir, ec))
    names.push_back(entry.path().filename().string());
  return names;
}

bool ApiFixture::ScratchEmptiesSoon() const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ScratchEntries().empty()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

Result<std::unique_ptr<reflector::testing::WebSocketClient>> ApiFixture::ConnectSocket(
    std::string_view path, std::string_view user) {
  std::vector<std::string> protocols;
  if (!user.empty()) protocols = {"bearer", std::string(user)};
  return reflector::testing::WebSocketClient::Connect("127.0.0.1", port_, std::string(path), protocols);
}

bool ApiFixture::WaitForWatchers(std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (hub_->watchers() != count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

events::Event ApiFixture::Append(const std::string& transcript_id, events::EventType type, const Json& data) {
  auto event = log_->Append(transcript_id, type, data);
  EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().Describe());
  return event.ok() ? *event : events::Event{};
}

std::vector<Json> ApiFixture::ReadMessages(reflector::testing::WebSocketClient& client, std::size_t count,
                                           std::vector<std::int64_t>* seqs) {
  std::vector<Json> messages;
  std::int64_t previous_seq = 0;
  while (messages.size() < count) {
    auto message = client.Read(std::chrono::seconds(10));
    if (!message.ok()) {
      ADD_FAILURE() << "message " << messages.size() + 1 << " of " << count << ": "
                    << message.error().Describe();
      break;
    }
    if (message->closed) {
      ADD_FAILURE() << "closed (" << message->close_code << ") after " << messages.size() << " messages";
      break;
    }
    auto json = ParseJson(message->text, "message");
    EXPECT_TRUE(json.ok()) << message->text;
    if (json.ok() && json->contains("seq")) {
      EXPECT_TRUE((*json)["seq"].is_number_integer()) << message->text;
      const std::int64_t seq = (*json)["seq"].is_number_integer() ? (*json)["seq"].get<std::int64_t>() : 0;
      EXPECT_GT(seq, previous_seq) << message->text;
      previous_seq = seq;
      if (seqs) seqs->push_back(seq);
      json->erase("seq");
    }
    messages.push_back(json.ok() ? *json : Json(nullptr));
  }
  return messages;
}

bool ApiFixture::NothingMore(reflector::testing::WebSocketClient& client, std::chrono::milliseconds quiet) {
  auto message = client.Read(quiet);
  if (message.ok() && !message->closed) ADD_FAILURE() << "unexpected message: " << message->text;
  return !message.ok() && message.error().kind == ErrorKind::kTimeout;
}

}  // namespace reflector::api::testing
