// An attacker's view of `reflector serve` with AUTH_BACKEND=jwt, through the binary on SQLite and
// PostgreSQL: every endpoint (tests/support/api_endpoints.hpp, checked against the router)
// refuses a missing, expired, wrong-audience or tampered token and another user's key; names,
// file names and ids made of `../`, NUL, very long or non-UTF-8 text stay inside their storage
// and never break an answer; search and filters treat injection strings as text; no secret,
// key or token appears in the server's output, its answers or /metrics.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include <signal.h>

#include "auth/test_keys.hpp"
#include "core/clock.hpp"
#include "serve_fixture.hpp"
#include "store_test_env.hpp"
#include "support/api_endpoints.hpp"
#include "support/http_test_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using store::testing::Backend;

constexpr const char* kAudience = "reflector-security-test";
constexpr const char* kRoomWebhookSecret = "alice-room-webhook-secret-5f2b9c";

std::string RandomSecret(const std::string& prefix) {
  std::random_device device;
  std::string secret = prefix;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 32; ++i)
    secret += alphabet[device() % 62];
  return secret;
}

// Percent-encodes every byte outside the unreserved set.
std::string PercentEncode(std::string_view text) {
  static constexpr const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// One way of calling: the headers a request carries.
struct Caller {
  std::string what;
  net::HttpHeaders headers;
};

class ServeSecurityTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = store::testing::FreshDatabase::Create(GetParam());
    ASSERT_NE(database_, nullptr) << "see the failure above";
    const fs::path key_file = dir_ / "idp-public.pem";
    std::ofstream(key_file) << auth::testing::TestKeyPair::Shared().PublicPem();
    const std::string closed = "http://127.0.0.1:" + std::to_string(UnusedLocalPort());
    secrets_ = {{"SECRET_KEY", RandomSecret("sk-")},
                {"DAILY_API_KEY", RandomSecret("daily-")},
                {"DAILY_WEBHOOK_SECRET", "c2VjdXJpdHktdGVzdC13ZWJob29rLXNlY3JldC0xMjM0NTY="},
                {"ZULIP_API_KEY", RandomSecret("zulip-")},
                {"LLM_API_KEY", RandomSecret("llm-")},
                {"DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY", RandomSecret("s3-")}};
    env_ = {{"AUTH_BACKEND", "jwt"},
            {"AUTH_JWT_PUBLIC_KEY", key_file.string()},
            {"AUTH_JWT_AUDIENCE", kAudience},
            {"DATA_DIR", (dir_ / "root" / "data").string()},
            {"DATABASE_URL", GetParam() == Backend::kSqlite ? "" : database_->url()},
            {"TRANSCRIPT_STORAGE_BACKEND", "local"},
            {"CORS_ORIGIN", "http://app.test"},
            {"DAILY_API_URL", closed},
            {"DAILYCO_STORAGE_AWS_BUCKET_NAME", "daily-tracks"},
            {"DAILYCO_STORAGE_AWS_REGION", "us-east-1"},
            {"DAILYCO_STORAGE_AWS_ACCESS_KEY_ID", "daily-access-key-id"},
            {"DAILYCO_STORAGE_AWS_ENDPOINT_URL", closed},
            {"ZULIP_REALM", closed},
            {"ZULIP_BOT_EMAIL", "bot@example.com"},
            {"LLM_URL", ""},
            {"LOG_LEVEL", "debug"}};
    for (const auto& [name, value] : secrets_)
      env_[name] = value;
    reflector_ = BuiltBinary("reflector").string();
    server_ = std::make_unique<ServeProcess>(reflector_, env_);
    ASSERT_TRUE(server_->Ready()) << server_->command().ErrorsSoFar();
    alice_ = Bearer("alice", 3600, kAudience);
    bob_ = Bearer("bob", 3600, kAudience);
  }

  // An RS256 token of the identity provider for `user`.
  Caller Bearer(const std::string& user, std::int64_t lifetime, const std::string& audience) {
    const std::int64_t now = UnixSeconds(std::chrono::system_clock::now());
    std::string token = auth::testing::TestKeyPair::Shared().SignRs256(
        auth::testing::Rs256Header(),
        Json{{"sub", user}, {"email", user + "@example.com"}, {"aud", audience}, {"exp", now + lifetime}});
    tokens_.push_back(token);
    return {user + " (" + std::to_string(lifetime) + " s, " + audience + ")",
            {{"Authorization", "Bearer " + token}}};
  }

  net::HttpResponse Send(const std::string& method, const std::string& path, const Caller& caller,
                         const std::string& body = "") {
    net::HttpRequest request;
    request.method = method;
    request.url = server_->Url(path);
    request.headers = caller.headers;
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = body;
    }
    auto response = http_.Send(request);
    EXPECT_TRUE(response.ok()) << method << " " << path;
    if (!response.ok()) return {};
    answers_ += response->body;
    return *response;
  }
  Json SendJson(const std::string& method, const std::string& path, const Caller& caller, const Json& body,
                int expected) {
    auto response = Send(method, path, caller, body.dump());
    EXPECT_EQ(response.status, expected) << method << " " << path << ": " << response.body;
    auto json = ParseJson(response.body, path);
    return json.ok() ? *json : Json(nullptr);
  }

  // The pattern with its parameters filled from Alice's things.
  std::string Fill(std::string pattern) const {
    const std::map<std::string, std::string> values = {
        {"{id}", alice_transcript_}, {"{room_id}", alice_room_},
        {"{name}", "alice-room"},    {"{meeting_id}", "6f1c3a52-0000-4000-8000-000000000001"},
        {"{topic_id}", "topic-1"},   {"{participant_id}", alice_participant_},
        {"{key_id}", alice_key_id_}, {"{recording_id}", "6f1c3a52-0000-4000-8000-000000000002"},
        {"{file}", "app.js"}};
    for (const auto& [name, value] : values) {
      for (std::size_t at = pattern.find(name); at != std::string::npos; at = pattern.find(name))
        pattern.replace(at, name.size(), value);
    }
    return pattern;
  }

  // Alice's private transcript (with a participant), room and API key.
  void MakeAlicesThings() {
    Json transcript = SendJson("POST", "/v1/transcripts", alice_, {{"name", "Alpha plan"}}, 200);
    alice_transcript_ = transcript.value("id", "");
    ASSERT_FALSE(alice_transcript_.empty()) << transcript.dump();
    SendJson("PATCH", "/v1/transcripts/" + alice_transcript_, alice_, {{"share_mode", "private"}}, 200);
    Json participant = SendJson("POST", "/v1/transcripts/" + alice_transcript_ + "/participants", alice_,
                                {{"name", "Ana"}, {"speaker", 0}}, 200);
    alice_participant_ = participant.value("id", "");
    Json room = SendJson("POST", "/v1/rooms", alice_,
                         {{"name", "alice-room"},
                          {"webhook_url", "https://hooks.example.com/alice"},
                          {"webhook_secret", kRoomWebhookSecret}},
                         200);
    alice_room_ = room.value("id", "");
    Json key = SendJson("POST", "/v1/user/api-keys", alice_, {{"name", "alice key"}}, 200);
    alice_key_id_ = key.value("id", "");
    tokens_.push_back(key.value("key", ""));
    Json bob_key = SendJson("POST", "/v1/user/api-keys", bob_, {{"name", "bob key"}}, 200);
    bob_key_ = {"bob's API key", {{"X-API-Key", bob_key.value("key", "")}}};
    tokens_.push_back(bob_key.value("key", ""));
    ASSERT_FALSE(alice_participant_.empty() || alice_room_.empty() || alice_key_id_.empty());
  }

  // A WebSocket with the ["bearer", token] subprotocol is refused: at the handshake (401, 403,
  // 404), or, as Reflector's user socket does, accepted and closed at once with 4401.
  void ExpectSocketRefused(const std::string& path, const std::string& token, const std::string& what) {
    auto socket = WebSocketClient::Connect("127.0.0.1", server_->port(), path, {"bearer", token});
    if (!socket.ok()) {
      const std::string& message = socket.error().message;
      EXPECT_TRUE(message.find("401") != std::string::npos || message.find("403") != std::string::npos ||
                  message.find("404") != std::string::npos)
          << path << " with " << what << ": " << message;
      return;
    }
    auto first = (*socket)->Read(5s);
    ASSERT_TRUE(first.ok()) << path << " with " << what << ": " << first.error().message;
    EXPECT_TRUE(first->closed) << path << " sent " << first->text << " to " << what;
    EXPECT_EQ(first->close_code, 4401) << path << " with " << what;
  }

  // Alice's things are as she left them.
  void ExpectAlicesThingsIntact() {
    Json transcript = SendJson("GET", "/v1/transcripts/" + alice_transcript_, alice_, nullptr, 200);
    EXPECT_EQ(transcript["title"].is_null() ? transcript.value("name", "") : transcript.value("title", ""),
              "Alpha plan")
        << transcript.dump();
    EXPECT_EQ(transcript.value("share_mode", ""), "private");
    Json participants =
        SendJson("GET", "/v1/transcripts/" + alice_transcript_ + "/participants", alice_, nullptr, 200);
    ASSERT_EQ(participants.size(), 1U) << participants.dump();
    EXPECT_EQ(participants[0]["name"], "Ana");
    Json room = SendJson("GET", "/v1/rooms/" + alice_room_, alice_, nullptr, 200);
    EXPECT_EQ(room.value("name", ""), "alice-room");
    Json keys = SendJson("GET", "/v1/user/api-keys", alice_, nullptr, 200);
    EXPECT_EQ(keys.size(), 1U) << keys.dump();
  }

  TempDir dir_{"reflector-security-e2e"};
  std::unique_ptr<store::testing::FreshDatabase> database_;
  std::map<std::string, std::string> secrets_;
  std::map<std::string, std::string> env_;
  std::string reflector_;
  std::unique_ptr<ServeProcess> server_;
  net::HttpClient http_;
  std::vector<std::string> tokens_;  // every token and key used, for the leak check
  std::string answers_;              // every answer's body
  Caller alice_, bob_, bob_key_;
  std::string alice_transcript_, alice_participant_, alice_room_, alice_key_id_;
};

// Whether an answer carries any of Alice's things.
bool ShowsAlicesThings(const net::HttpResponse& response, const std::vector<std::string>& markers) {
  return std::any_of(markers.begin(), markers.end(),
                     [&](const std::string& m) { return response.body.find(m) != std::string::npos; });
}

TEST_P(ServeSecurityTest, EveryEndpointRefusesBadCredentialsAndAnotherUsersKey) {
  MakeAlicesThings();
  const std::int64_t now = UnixSeconds(std::chrono::system_clock::now());
  const std::string good = tokens_.front();
  std::string tampered = good;
  tampered[good.find('.') + 5] = tampered[good.find('.') + 5] == 'A' ? 'B' : 'A';  // in the payload
  const std::string hmac_forgery = auth::testing::SignWithHmac(
      Json{{"alg", "HS256"}, {"typ", "JWT"}},
      Json{{"sub", "alice"}, {"email", "alice@example.com"}, {"aud", kAudience}, {"exp", now + 3600}},
      auth::testing::TestKeyPair::Shared().PublicPem());
  tokens_.push_back(hmac_forgery);
  const std::vector<Caller> refused = {
      Bearer("alice", -3600, kAudience),
      Bearer("alice", 3600, "someone-else"),
      {"tampered token", {{"Authorization", "Bearer " + tampered}}},
      {"HS256 token keyed with the public key", {{"Authorization", "Bearer " + hmac_forgery}}},
      {"unknown API key", {{"X-API-Key", "rk_" + RandomSecret("")}}},
      {"Basic credentials", {{"Authorization", "Basic YWxpY2U6c2VjcmV0"}}},
  };
  const std::vector<Caller> outsiders = {{"no credentials", {}}, bob_key_, bob_};
  const std::vector<std::string> markers = {alice_transcript_, "Alpha plan",        alice_room_,
                                            alice_key_id_,     "alice@example.com", kRoomWebhookSecret};
  const std::string change = R"({"name":"pwned","title":"pwned","share_mode":"public","speaker":0})";
  int walked = 0;
  for (const ApiEndpoint& endpoint : AllApiEndpoints()) {
    if (endpoint.open_to_anyone) continue;
    const std::string method = endpoint.pattern.substr(0, endpoint.pattern.find(' '));
    const std::string path = Fill(endpoint.pattern.substr(endpoint.pattern.find(' ') + 1));
    ++walked;
    if (method == "WS") {
      for (const Caller& caller : refused) {
        if (caller.headers.empty() || caller.headers[0].first != "Authorization") continue;
        const std::string token = caller.headers[0].second.substr(caller.headers[0].second.find(' ') + 1);
        ExpectSocketRefused(path, token, caller.what);
      }
      continue;
    }
    for (const Caller& caller : refused) {
      auto response = Send(method, path, caller, method == "GET" || method == "DELETE" ? "" : change);
      EXPECT_EQ(response.status, 401) << endpoint.pattern << " with " << caller.what << ": " << response.body;
    }
    for (const Caller& caller : outsiders) {
      auto response = Send(method, path, caller, method == "GET" || method == "DELETE" ? "" : change);
      EXPECT_LT(response.status, 500) << endpoint.pattern << " with " << caller.what << ": " << response.body;
      if (path.find("/v1/rooms/name/") == 0) {
        // As in Reflector, anyone may look a room up by name to join its meeting, but only its
        // owner sees where its notifications go.
        EXPECT_EQ(response.body.find(kRoomWebhookSecret), std::string::npos) << response.body;
        EXPECT_EQ(response.body.find("hooks.example.com"), std::string::npos) << response.body;
        continue;
      }
      const bool own_resource = path.find("/v1/transcripts/") == 0 || path.find("/v1/rooms/") == 0 ||
                                path.find("/v1/user/api-keys/") == 0;
      if (own_resource) {
        // 400: refused for a missing parameter before anything was looked up.
        EXPECT_TRUE(response.status == 400 || response.status == 401 || response.status == 403 ||
                    response.status == 404)
            << endpoint.pattern << " with " << caller.what << ": " << response.status << " " << response.body;
      }
      EXPECT_FALSE(response.status < 300 && ShowsAlicesThings(response, markers))
          << endpoint.pattern << " showed Alice's things to " << caller.what << ": " << response.body;
    }
  }
  EXPECT_GT(walked, 30);
  ExpectSocketRefused("/v1/transcripts/" + alice_transcript_ + "/events", bob_.headers[0].second.substr(7),
                      "Bob, on Alice's private transcript");
  ExpectAlicesThingsIntact();
}

TEST_P(ServeSecurityTest, HostileNamesAndIdsStayInsideTheirStorageAndNeverBreakAnAnswer) {
  Json created = SendJson("POST", "/v1/transcripts", alice_, {{"name", "hostile"}}, 200);
  const std::string id = created.value("id", "");
  ASSERT_FALSE(id.empty());
  const fs::path sample = TestDataDir().parent_path().parent_path() / "samples" / "alice.webm";
  std::ifstream in(sample, std::ios::binary);
  const std::string audio((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(audio.size(), 1000U) << sample;
  const std::vector<std::string> names = {"../../../../escaped", std::string("nul\0name", 8),
                                          std::string(5000, 'n'), "bad \xff\xfe utf8 \xc3", "/absolute/evil"};
  std::string body;
  const std::string boundary = "securityboundary7MA4YWxk";
  for (const std::string& name : names) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
            "\"; filename=\"../../../../escaped.webm\"\r\nContent-Type: audio/webm\r\n\r\n" + audio + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  net::HttpRequest upload;
  upload.method = "POST";
  upload.url = server_->Url("/v1/transcripts/" + id + "/tracks");
  upload.headers = alice_.headers;
  upload.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
  upload.body = body;
  auto uploaded = http_.Send(upload);
  ASSERT_TRUE(uploaded.ok());
  EXPECT_TRUE(uploaded->status == 202 || uploaded->status == 400)
      << uploaded->status << " " << uploaded->body;
  EXPECT_TRUE(ParseJson(uploaded->body, "upload answer").ok()) << uploaded->body;

  // Hostile text through JSON (escaped NUL, lone surrogates are refused by the parser) and raw.
  const std::string long_name(100000, 'x');
  for (const std::string& name :
       {std::string("..\\u0000/../x"), std::string("../../etc/passwd"), long_name}) {
    auto response = Send("POST", "/v1/transcripts/" + id + "/participants", alice_,
                         R"({"speaker":3,"name":")" + name + "\"}");
    EXPECT_LT(response.status, 500) << response.body.substr(0, 300);
    EXPECT_TRUE(ParseJson(response.body, "participant").ok()) << response.body.substr(0, 300);
  }
  auto raw = Send("PATCH", "/v1/transcripts/" + id, alice_, "{\"name\":\"raw \xff\xfe bytes\"}");
  EXPECT_EQ(raw.status, 400) << raw.body;
  for (const std::string& bad_id : {std::string("../../../etc/passwd"), std::string("..%2F..%2Fetc%2Fpasswd"),
                                    std::string("%00"), std::string(3000, 'a'), std::string("%FF%FE")}) {
    for (const char* suffix : {"", "/audio/mp3", "/topics", "/participants"}) {
      auto response = Send("GET", "/v1/transcripts/" + bad_id + suffix, alice_);
      EXPECT_TRUE(response.status == 404 || response.status == 400)
          << bad_id << suffix << ": " << response.status;
      EXPECT_TRUE(ParseJson(response.body, "error").ok()) << response.body;
    }
  }
  for (const char* asset :
       {"..%2F..%2Freflector.sqlite3", "%2E%2E", "%2E%2E%2Fidp-public.pem", "%00app.js"}) {
    auto response = Send("GET", std::string("/assets/") + asset, {"anyone", {}});
    EXPECT_EQ(response.status, 404) << asset << ": " << response.body.substr(0, 200);
  }

  // Every answer about the transcript is valid JSON (UTF-8), and everything written is under the
  // data directory.
  auto shown = Send("GET", "/v1/transcripts/" + id, alice_);
  EXPECT_EQ(shown.status, 200) << shown.body.substr(0, 300);
  EXPECT_TRUE(ParseJson(shown.body, "transcript").ok());
  auto participants = Send("GET", "/v1/transcripts/" + id + "/participants", alice_);
  EXPECT_EQ(participants.status, 200);
  EXPECT_TRUE(ParseJson(participants.body, "participants").ok());
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path() / "root")) {
    const std::string relative = fs::relative(entry.path(), dir_.path() / "root").string();
    EXPECT_EQ(relative.rfind("data", 0), 0U) << "written outside the data directory: " << relative;
    if (relative.find("escaped") != std::string::npos) {
      // The name made safe, in the folder of its upload or transcript.
      EXPECT_EQ(entry.path().parent_path().filename().string().size(), 36U) << relative;
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(entry.path().filename().string()[0]))) << relative;
    }
  }
  for (const auto& entry : fs::directory_iterator(dir_.path()))
    EXPECT_TRUE(entry.path().filename() == "root" || entry.path().filename() == "idp-public.pem")
        << entry.path();
}

TEST_P(ServeSecurityTest, SearchAndFiltersTreatInjectionStringsAsText) {
  Json mine = SendJson("POST", "/v1/transcripts", alice_, {{"name", "Alpha plan"}}, 200);
  Json theirs = SendJson("POST", "/v1/transcripts", bob_, {{"name", "Bravo secret"}}, 200);
  const std::string bobs = theirs.value("id", "");
  ASSERT_FALSE(bobs.empty());
  SendJson("PATCH", "/v1/transcripts/" + bobs, bob_, {{"share_mode", "private"}}, 200);
  const std::vector<std::string> injections = {"' OR '1'='1",
                                               "' OR 1=1 --",
                                               "%' OR '%'='",
                                               "\"; DROP TABLE transcripts; --",
                                               "'; DELETE FROM transcripts; --",
                                               "') UNION SELECT id, title FROM transcripts --",
                                               "%",
                                               "_",
                                               "*",
                                               "\\",
                                               "secret' AND share_mode='private",
                                               "!(&|:*)",
                                               "Bravo | secret"};
  for (const std::string& text : injections) {
    const std::string q = PercentEncode(text);
    for (const std::string& path :
         {"/v1/transcripts/search?q=" + q, "/v1/transcripts?search_term=" + q, "/v1/transcripts?room_id=" + q,
          "/v1/transcripts/search?q=a&room_id=" + q, "/v1/rooms/name/" + q}) {
      auto response = Send("GET", path, alice_);
      EXPECT_LT(response.status, 500) << path << ": " << response.body;
      EXPECT_EQ(response.body.find(bobs), std::string::npos) << path << " showed Bob's transcript";
    }
  }
  // The tables are intact: both still there for their owners.
  EXPECT_EQ(Send("GET", "/v1/transcripts/" + bobs, bob_).status, 200);
  EXPECT_EQ(Send("GET", "/v1/transcripts/" + mine.value("id", ""), alice_).status, 200);
  Json found = SendJson("GET", "/v1/transcripts", alice_, nullptr, 200);
  EXPECT_NE(found.dump().find(mine.value("id", "")), std::string::npos) << found.dump();
}

TEST_P(ServeSecurityTest, CorsOnlyForTheConfiguredOriginAndThePageHasAStrictPolicy) {
  for (const auto& [origin, allowed] :
       std::vector<std::pair<std::string, bool>>{{"http://app.test", true},
                                                 {"http://evil.test", false},
                                                 {"http://app.test.evil.test", false},
                                                 {"null", false}}) {
    net::HttpRequest preflight;
    preflight.method = "OPTIONS";
    preflight.url = server_->Url("/v1/transcripts");
    preflight.headers = {{"Origin", origin},
                         {"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "authorization"}};
    auto answer = http_.Send(preflight);
    ASSERT_TRUE(answer.ok());
    auto allow = answer->Header("Access-Control-Allow-Origin");
    EXPECT_EQ(allow.has_value(), allowed) << origin;
    if (allow) {
      EXPECT_EQ(*allow, origin);
    }
    auto get = Send("GET", "/v1/transcripts", {origin, {{"Origin", origin}}});
    EXPECT_EQ(get.Header("Access-Control-Allow-Origin").has_value(), allowed) << origin;
  }
  auto page = Send("GET", "/", {"anyone", {}});
  ASSERT_EQ(page.status, 200);
  auto policy = page.Header("Content-Security-Policy");
  ASSERT_TRUE(policy.has_value());
  EXPECT_NE(policy->find("default-src 'self'"), std::string::npos) << *policy;
  EXPECT_EQ(policy->find("unsafe-inline"), std::string::npos) << *policy;
  EXPECT_EQ(policy->find("unsafe-eval"), std::string::npos) << *policy;
  EXPECT_NE(policy->find("frame-ancestors 'none'"), std::string::npos) << *policy;
}

TEST_P(ServeSecurityTest, NoSecretKeyOrTokenInTheOutputAnswersOrMetrics) {
  MakeAlicesThings();
  answers_.clear();  // the answer creating an API key shows it, once, by design
  // Use every credential, good and bad, and make errors happen.
  Send("GET", "/v1/me", alice_);
  Send("GET", "/v1/me", bob_key_);
  Send("GET", "/v1/me", Bearer("alice", -3600, kAudience));
  Send("GET", "/v1/me", {"bad key", {{"X-API-Key", tokens_.back() + "x"}}});
  Send("GET", "/v1/transcripts/" + alice_transcript_, bob_key_);
  Send("GET", "/v1/transcripts/" + alice_transcript_ + "/audio/mp3?token=" + tokens_.front(), {"link", {}});
  net::HttpRequest webhook;
  webhook.method = "POST";
  webhook.url = server_->Url("/v1/daily/webhook");
  webhook.headers = {{"X-Webhook-Signature", secrets_["DAILY_WEBHOOK_SECRET"]}, {"X-Webhook-Timestamp", "1"}};
  webhook.body = "{}";
  (void)http_.Send(webhook);
  auto metrics = Send("GET", "/metrics", {"prometheus", {}});
  ASSERT_EQ(metrics.status, 200);
  CommandResult finished = server_->command().Kill(SIGTERM);  // everything it had to say is out
  const std::string logs = finished.out + finished.err;
  EXPECT_NE(logs.find("level=debug"), std::string::npos) << "the run logged at debug level";
  // A JWT's header and claims are no secret (and repeat between tokens); its signature is.
  std::vector<std::string> secrets;
  for (const std::string& token : tokens_)
    secrets.push_back(std::count(token.begin(), token.end(), '.') == 2 ? token.substr(token.rfind('.') + 1)
                                                                       : token);
  for (const auto& [name, value] : secrets_)
    secrets.push_back(value);
  for (const std::string& secret : secrets) {
    ASSERT_GE(secret.size(), 16U);
    // Any 16 characters in a row of it would be a leak.
    for (std::size_t at = 0; at + 16 <= secret.size(); at += 8) {
      const std::string piece = secret.substr(at, 16);
      EXPECT_EQ(answers_.find(piece), std::string::npos) << "a piece of a secret in an answer: " << piece;
      EXPECT_EQ(logs.find(piece), std::string::npos) << "a piece of a secret in the log: " << piece;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Databases, ServeSecurityTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param) {
                           return store::testing::BackendName(param.param);
                         });

}  // namespace
}  // namespace reflector::testing
