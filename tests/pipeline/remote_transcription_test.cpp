// transcribe_track with the remote speech to text backends against local servers: the words are
// stored, a re-run is served from the cache without a second request, and the modal backend
// gets a presigned URL of the padded object made when it asks (and fetches the audio with it).

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "fakes/object_store_fake.hpp"
#include "net/http_client.hpp"
#include "pipeline_fixture.hpp"
#include "stt/factory.hpp"
#include "support/http_test_helpers.hpp"
#include "support/test_files.hpp"

namespace reflector::pipeline {
namespace {

using reflector::testing::HttpPresigningStoreFactory;
using reflector::testing::HttpTestServer;
using reflector::testing::JsonResponse;
using reflector::testing::RandomBytes;
using reflector::testing::ReadFile;
using reflector::testing::TestHttpRequest;
using reflector::testing::TestHttpResponse;
using reflector::testing::WriteFile;

class RemoteTranscriptionTest : public ::testing::Test {
 protected:
  RemoteTranscriptionTest() : audio_bytes_(RandomBytes(50 * 1000, 5)) {
    WriteFile(f.dir / "padded.webm", audio_bytes_);
    EXPECT_TRUE(f.Put(kKey, f.dir / "padded.webm").ok());
    transcript_id_ = f.CreateTranscript();
  }

  Json Input() const {
    return {{"transcript_id", transcript_id_},
            {"track_index", 1},
            {"padded", {{"bucket", f.bucket}, {"key", kKey}}},
            {"language", "en"}};
  }

  // The stored words of track 1.
  Json StoredWords() {
    auto store = f.storage->ForBucket(f.bucket);
    EXPECT_TRUE(store.ok());
    auto file = f.dir / "words.json";
    EXPECT_TRUE((*store)->GetFile(TrackWordsKey(transcript_id_, 1), file).ok());
    return ParseJson(ReadFile(file), "words").value_or(Json());
  }

  std::unique_ptr<stt::SpeechToText> Use(stt::RemoteSpeechToTextOptions options) {
    auto made = stt::MakeRemoteSpeechToText(options, http_);
    EXPECT_TRUE(made.ok()) << made.error().message;
    if (!made.ok()) return nullptr;
    f.services.speech_to_text = made->get();
    return std::move(*made);
  }

  static constexpr const char* kKey = "t1/padded/track_1.webm";
  PipelineFixture f;
  net::HttpClient http_;
  std::string transcript_id_;
  std::string audio_bytes_;
  const Json expected_words_ = Json::parse(R"([
      {"text": "Morning", "start": 0.52, "end": 0.91, "speaker": 1},
      {"text": "everyone.", "start": 0.91, "end": 1.48, "speaker": 1},
      {"text": "Let's", "start": 2.1, "end": 2.33, "speaker": 1}])");
};

TEST_F(RemoteTranscriptionTest, OpenAiUploadStoresWordsAndReRunHitsTheCache) {
  std::mutex mutex;
  std::string uploaded;
  HttpTestServer server([&](const TestHttpRequest& request) {
    std::lock_guard lock(mutex);
    uploaded = request.body;
    if (request.path != "/v1/audio/transcriptions")
      return JsonResponse(404, {{"error", {{"message", "no route"}}}});
    return JsonResponse(200, {{"task", "transcribe"},
                              {"language", "english"},
                              {"duration", 2.4},
                              {"text", "Morning everyone. Let's"},
                              {"words",
                               {{{"word", "Let's"}, {"start", 2.1}, {"end", 2.33}},
                                {{"word", " Morning"}, {"start", 0.52}, {"end", 0.91}},
                                {{"word", "everyone. "}, {"start", 0.91}, {"end", 1.48}}}}});
  });
  auto stt = Use({.backend = "openai", .url = server.BaseUrl() + "/v1", .api_key = "k"});
  ASSERT_NE(stt, nullptr);

  auto first = f.Run("transcribe_track", Input());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ((*first)["word_count"], 3);
  EXPECT_FALSE((*first)["cached"].get<bool>());
  EXPECT_EQ((*first)["stt_backend"], "openai");
  EXPECT_EQ((*first)["stt_model"], "whisper-1");
  EXPECT_EQ(StoredWords(), expected_words_);
  {
    std::lock_guard lock(mutex);
    // The upload is the padded track's bytes under a name that keeps its extension.
    EXPECT_NE(uploaded.find(R"(filename="track.webm")"), std::string::npos);
    EXPECT_NE(uploaded.find(audio_bytes_), std::string::npos);
  }

  auto second = f.Run("transcribe_track", Input(), 1);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE((*second)["cached"].get<bool>());
  EXPECT_EQ(server.RequestCount(), 1);
  EXPECT_EQ(StoredWords(), expected_words_);
}

TEST_F(RemoteTranscriptionTest, ModalFetchesThePaddedTrackByAPresignedUrlAndReRunHitsTheCache) {
  // Serves the local objects over http, as S3 serves presigned URLs.
  HttpTestServer objects([&](const TestHttpRequest& request) {
    std::string path = request.path.substr(1);
    std::size_t slash = path.find('/');
    auto file =
        storage::LocalObjectStore(f.dir / "objects", path.substr(0, slash)).PathOf(path.substr(slash + 1));
    if (!std::filesystem::exists(file)) return TestHttpResponse{404, {}, "NoSuchKey", {}};
    return TestHttpResponse{
        200, {{"Content-Type", "audio/webm"}}, request.method == "HEAD" ? "" : ReadFile(file), {}};
  });
  HttpPresigningStoreFactory storage(*f.storage, objects.BaseUrl());
  f.services.storage = &storage;

  // The GPU service: HEAD then GET the URL, then answer with words.
  std::mutex mutex;
  std::vector<std::string> urls;
  net::HttpClient fetcher;
  HttpTestServer gpu([&](const TestHttpRequest& request) {
    auto body = ParseJson(request.body, "request");
    if (request.path != "/v1/audio/transcriptions-from-url" || !body || !body->contains("audio_file_url")) {
      return JsonResponse(422, {{"detail", "bad request"}});
    }
    std::string url = (*body)["audio_file_url"].get<std::string>();
    {
      std::lock_guard lock(mutex);
      urls.push_back(url);
    }
    net::HttpRequest fetch;
    fetch.method = "HEAD";
    fetch.url = url;
    auto head = fetcher.Send(fetch);
    if (head.ok() && head->status == 404) return JsonResponse(404, {{"detail", "Audio file not found"}});
    fetch.method = "GET";
    auto audio = fetcher.Send(fetch);
    if (!audio.ok() || audio->status != 200 || audio->body != audio_bytes_) {
      return TestHttpResponse{500, {}, "Internal Server Error", {}};
    }
    return JsonResponse(200, {{"text", "Morning everyone. Let's"},
                              {"words",
                               {{{"word", "everyone. "}, {"start", 0.91}, {"end", 1.48}},
                                {{"word", "Let's "}, {"start", 2.1}, {"end", 2.33}},
                                {{"word", "Morning "}, {"start", 0.52}, {"end", 0.91}}}}});
  });
  auto stt = Use({.backend = "modal", .url = gpu.BaseUrl(), .model = "parakeet"});
  ASSERT_NE(stt, nullptr);

  auto first = f.Run("transcribe_track", Input());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE((*first)["cached"].get<bool>());
  EXPECT_EQ((*first)["stt_backend"], "modal");
  EXPECT_EQ((*first)["stt_model"], "parakeet");
  EXPECT_EQ(StoredWords(), expected_words_);
  EXPECT_EQ(storage.presigned.load(), 1);
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(urls.size(), 1u);
    EXPECT_EQ(urls[0],
              objects.BaseUrl() + "/" + f.bucket + "/" + kKey + "?X-Amz-Expires=7200&X-Amz-Signature=sig1");
  }
  EXPECT_EQ(objects.RequestCount(), 2);  // HEAD and GET

  auto second = f.Run("transcribe_track", Input(), 1);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE((*second)["cached"].get<bool>());
  EXPECT_EQ(gpu.RequestCount(), 1);
  EXPECT_EQ(storage.presigned.load(), 1) << "no URL is made when the cache answers";
}

TEST_F(RemoteTranscriptionTest, ModalWithLocalFileUrlsIsATerminalErrorNamingTheTrack) {
  HttpTestServer gpu([](const TestHttpRequest&) {
    return JsonResponse(200, {{"text", ""}, {"words", Json::array()}});
  });
  auto stt = Use({.backend = "modal", .url = gpu.BaseUrl()});
  ASSERT_NE(stt, nullptr);
  auto result = f.Run("transcribe_track", Input());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find(std::string("track 1 (") + kKey + ")"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("file: URL"), std::string::npos) << result.error().message;
  EXPECT_EQ(gpu.RequestCount(), 0);
}

}  // namespace
}  // namespace reflector::pipeline
