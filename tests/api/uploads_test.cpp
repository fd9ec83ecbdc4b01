// Uploads: the multitrack POST /v1/transcripts/{id}/tracks (one file part per participant) and
// Reflector's chunked record/upload; what bad, malformed and truncated bodies get (a 400 with
// the reason, never a crash, no scratch files left, no workflow started).

#include "api_fixture.hpp"
#include "fakes/object_store_fake.hpp"

namespace reflector::api::testing {
namespace {

using net::MultipartPart;

class UploadsTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    id_ = CreateTranscript("ana");
    tracks_ = "/v1/transcripts/" + id_ + "/tracks";
  }
  // A POST with a hand-made body.
  net::HttpResponse PostRaw(const std::string& path, std::string body,
                            std::string content_type = "multipart/form-data; boundary=XyZ") {
    return Send("POST", path, std::move(body), "ana", {{"Content-Type", std::move(content_type)}});
  }
  // A refused upload: 400 naming `reason`, nothing started, (when `clean`) nothing left behind.
  void ExpectRefused(const net::HttpResponse& response, std::string_view reason, bool clean = true) {
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_NE(Detail(response).find(reason), std::string::npos)
        << "expected '" << reason << "': " << response.body;
    EXPECT_TRUE(engine_.started.empty());
    if (clean) {
      EXPECT_TRUE(ScratchEmptiesSoon());
    }
    EXPECT_EQ(Stored(id_).status, store::TranscriptStatus::kIdle);
  }
  net::HttpResponse Chunk(const std::string& query, std::string bytes) {
    return PostMultipart("/v1/transcripts/" + id_ + "/record/upload?" + query,
                         {{.name = "chunk",
                           .value = std::move(bytes),
                           .filename = "blob",
                           .content_type = "application/octet-stream"}},
                         "ana");
  }

  std::string id_;
  std::string tracks_;
};

TEST_F(UploadsTest, TracksUploadStartsThePipelineWithEveryTrackStored) {
  const std::string ana = TinyWav(0.25);
  const std::string ben = TinyWav(0.5);
  auto response =
      PostMultipart(tracks_,
                    {{.name = "Ana", .file = WriteTempFile("ana.wav", ana), .content_type = "audio/wav"},
                     {.name = "Ben", .file = WriteTempFile("ben.wav", ben), .content_type = "audio/wav"}},
                    "ana");
  ASSERT_EQ(response.status, 202) << response.body;
  ASSERT_TRUE(Stored(id_).recording_id.has_value());
  EXPECT_EQ(BodyJson(response), (Json{{"status", "ok"},
                                      {"transcript_id", id_},
                                      {"recording_id", *Stored(id_).recording_id},
                                      {"workflow_id", "wf-1"},
                                      {"engine", "in_process"},
                                      {"tracks", Json::array({"Ana", "Ben"})}}));

  ASSERT_EQ(engine_.started.size(), 1U);
  const auto& start = engine_.started[0];
  EXPECT_EQ(start.workflow, "diarization_pipeline");
  EXPECT_EQ(start.correlation_id, id_);
  EXPECT_EQ(start.input["transcript_id"], id_);
  ASSERT_EQ(start.input["tracks"].size(), 2U);
  const std::vector<std::string> contents = {ana, ben};
  for (std::size_t i = 0; i < 2; ++i) {
    const Json& track = start.input["tracks"][i];
    EXPECT_EQ(track["participant_name"], i == 0 ? "Ana" : "Ben");
    const std::string key = track["s3_key"].get<std::string>();
    EXPECT_TRUE(ObjectExists(key)) << key;
    EXPECT_EQ(ReadObject(key), contents[i]) << key;
  }
  const store::Transcript stored = Stored(id_);
  EXPECT_EQ(stored.workflow_id, "wf-1");
  EXPECT_EQ(stored.engine, "in_process");
  EXPECT_EQ(stored.recording_id, start.input["recording_id"].get<std::string>());
  EXPECT_TRUE(ScratchEmptiesSoon());
}

TEST_F(UploadsTest, ParticipantNamesMayHoldAnyCharacter) {
  const std::string name = "Zoë O'Brien/../../etc";
  auto response =
      PostMultipart(tracks_, {{.name = name, .value = TinyWav(), .filename = "../../z.wav"}}, "ana");
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(BodyJson(response)["tracks"], Json::array({name}));
  ASSERT_EQ(engine_.started.size(), 1U);
  const Json& track = engine_.started[0].input["tracks"][0];
  EXPECT_EQ(track["participant_name"], name);
  const std::string key = track["s3_key"].get<std::string>();
  EXPECT_TRUE(storage::ValidateKey(key).ok()) << key;
  EXPECT_TRUE(ObjectExists(key)) << key;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "etc")) << "nothing is written outside storage";
}

TEST_F(UploadsTest, ATranscriptAlreadyProcessingIsRefused) {
  const auto file = WriteTempFile("ana.wav", TinyWav());
  ASSERT_EQ(PostMultipart(tracks_, {{.name = "Ana", .file = file}}, "ana").status, 202);
  // The workflow started: a second upload must not start another one on the same transcript.
  auto again = PostMultipart(tracks_, {{.name = "Ana", .file = file}}, "ana");
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_NE(Detail(again).find("already processing"), std::string::npos) << again.body;
  ASSERT_TRUE(Transcripts().SetStatus(id_, store::TranscriptStatus::kProcessing).ok());
  auto processing = PostMultipart(tracks_, {{.name = "Ana", .file = file}}, "ana");
  EXPECT_EQ(processing.status, 400);
  EXPECT_NE(Detail(processing).find("already processing"), std::string::npos) << processing.body;
  EXPECT_EQ(engine_.started.size(), 1U);
  EXPECT_TRUE(ScratchEmptiesSoon());
}

TEST_F(UploadsTest, BadTrackUploadsAre400WithTheReason) {
  const auto wav = WriteTempFile("a.wav", TinyWav());
  ExpectRefused(PostRaw(tracks_, "--XyZ--\r\n"), "no tracks");
  ExpectRefused(PostMultipart(tracks_, {{.name = "Ana", .file = wav}, {.name = "Ana", .file = wav}}, "ana"),
                "two parts are named Ana");
  ExpectRefused(PostMultipart(tracks_, {{.name = "Ana", .value = "just text"}}, "ana"), "Ana has no file");
  ExpectRefused(
      PostMultipart(tracks_,
                    {{.name = "Ana", .file = wav},
                     {.name = "Ben", .file = WriteTempFile("notes.txt", "not audio at all, sorry")}},
                    "ana"),
      "part Ben (notes.txt): no audio stream");
  ExpectRefused(PostMultipart(tracks_, {{.name = "Ana", .value = "", .filename = "empty.wav"}}, "ana"),
                "the file is empty");
  ExpectRefused(PostRaw(tracks_, "{}", "application/json"), "multipart/form-data");
  ExpectRefused(
      PostRaw(tracks_,
              "--XyZ\r\nContent-Disposition: form-data; filename=\"a.wav\"\r\n\r\nRIFF\r\n--XyZ--\r\n"),
      "has no name");
}

TEST_F(UploadsTest, OnlyTheOwnerUploadsAndNotToALockedTranscript) {
  const auto wav = WriteTempFile("a.wav", TinyWav());
  EXPECT_EQ(PostMultipart(tracks_, {{.name = "Ana", .file = wav}}, "ben").status, 403);
  EXPECT_EQ(PostMultipart(tracks_, {{.name = "Ana", .file = wav}}).status, 401);
  ASSERT_EQ(SendJson("PATCH", "/v1/transcripts/" + id_, Json{{"locked", true}}, "ana").status, 200);
  ExpectRefused(PostMultipart(tracks_, {{.name = "Ana", .file = wav}}, "ana"), "Recording is locked");
}

TEST_F(UploadsTest, MalformedMultipartBodiesAreRefusedWithoutHarm) {
  const std::string disposition = "Content-Disposition: form-data; name=\"Ana\"; filename=\"a.wav\"\r\n";
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"no closing boundary", "--XyZ\r\n" + disposition + "\r\n" + TinyWav()},
      {"no boundary at all", "hello, this is not multipart"},
      {"endless header line", "--XyZ\r\n" + std::string(20000, 'h')},
      {"headers never end", "--XyZ\r\n" + disposition},
      {"no Content-Disposition", "--XyZ\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--XyZ--\r\n"},
      {"header without colon", "--XyZ\r\nnonsense\r\n\r\nx\r\n--XyZ--\r\n"},
      {"too many headers", "--XyZ\r\n" + disposition +
                               [] {
                                 std::string many;
                                 for (int i = 0; i < 100; ++i)
                                   many += "X-H" + std::to_string(i) + ": v\r\n";
                                 return many;
                               }() +
                               "\r\nx\r\n--XyZ--\r\n"},
      {"wrong boundary", "--Other\r\n" + disposition + "\r\nx\r\n--Other--\r\n"},
      {"empty body", ""},
  };
  for (const auto& [what, body] : bodies) {
    SCOPED_TRACE(what);
    auto response = PostRaw(tracks_, body);
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_FALSE(Detail(response).empty()) << response.body;
  }
  for (const std::string& content_type : std::vector<std::string>{
           "multipart/form-data",
           "multipart/form-data; boundary=", "multipart/form-data; boundary=" + std::string(80, 'b')}) {
    auto response = PostRaw(tracks_, "--b--\r\n", content_type);
    EXPECT_EQ(response.status, 400) << content_type;
    EXPECT_NE(Detail(response).find("boundary"), std::string::npos) << response.body;
  }
  EXPECT_TRUE(engine_.started.empty());
  EXPECT_TRUE(ScratchEmptiesSoon());
  EXPECT_EQ(Get("/health").status, 200);
}

TEST_F(UploadsTest, TruncatedAndOversizedUploadsLeaveNothingBehind) {
  const std::string part =
      "--XyZ\r\nContent-Disposition: form-data; name=\"Ana\"; filename=\"a.wav\"\r\n\r\n" + TinyWav(1.0);
  const std::string head = "POST " + tracks_ + " HTTP/1.1\r\nHost: x\r\nX-Test-User: ana\r\n" +
                           "Content-Type: multipart/form-data; boundary=XyZ\r\n";
  // The client promises more than it sends, then goes away.
  RawExchange(head + "Content-Length: 1000000\r\n\r\n" + part.substr(0, part.size() / 2), true);
  // A chunked body cut in the middle of a chunk.
  RawExchange(head + "Transfer-Encoding: chunked\r\n\r\n10000\r\n" + part.substr(0, 3000), true);
  // A body larger than the server accepts is refused from its Content-Length.
  const std::string too_large = RawExchange(head + "Content-Length: 999999999999\r\n\r\n--XyZ\r\n", false);
  EXPECT_NE(too_large.find(" 413 "), std::string::npos) << too_large;

  EXPECT_TRUE(ScratchEmptiesSoon());
  EXPECT_TRUE(engine_.started.empty());
  EXPECT_EQ(Stored(id_).status, store::TranscriptStatus::kIdle);
  EXPECT_EQ(Get("/health").status, 200);
  // The same upload sent whole still works.
  EXPECT_EQ(
      PostMultipart(tracks_, {{.name = "Ana", .value = TinyWav(1.0), .filename = "a.wav"}}, "ana").status,
      202);
}

TEST_F(UploadsTest, AFullDiskIs507AndLeavesNoTrackBehind) {
  // The first track is stored, the second finds the disk full.
  reflector::testing::FillingStoreFactory filling(*storage_, 1);
  service_.storage = &filling;
  auto full = PostMultipart(tracks_,
                            {{.name = "Ana", .value = TinyWav(0.25), .filename = "a.wav"},
                             {.name = "Ben", .value = TinyWav(0.5), .filename = "b.wav"}},
                            "ana");
  EXPECT_EQ(full.status, 507) << full.body;
  EXPECT_NE(Detail(full).find("no space left on device"), std::string::npos) << full.body;
  EXPECT_TRUE(engine_.started.empty());
  EXPECT_TRUE(ScratchEmptiesSoon());
  EXPECT_EQ(Stored(id_).status, store::TranscriptStatus::kIdle);
  EXPECT_FALSE(Stored(id_).recording_id.has_value());
  std::vector<std::string> left;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "storage", ignored))
    if (entry.is_regular_file()) left.push_back(entry.path().string());
  EXPECT_TRUE(left.empty()) << "the first track was left in storage: " << left.front();

  filling.puts_left = 10;  // space is back: the same upload goes through
  auto again = PostMultipart(tracks_,
                             {{.name = "Ana", .value = TinyWav(0.25), .filename = "a.wav"},
                              {.name = "Ben", .value = TinyWav(0.5), .filename = "b.wav"}},
                             "ana");
  EXPECT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(engine_.started.size(), 1U);
}

TEST_F(UploadsTest, ChunkedRecordUploadAssemblesTheFileAndStartsThePipeline) {
  const std::string wav = TinyWav(0.5);
  const std::size_t half = wav.size() / 2;
  auto first = Chunk("chunk_number=0&total_chunks=2", wav.substr(0, half));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(BodyJson(first), (Json{{"status", "ok"}}));
  EXPECT_TRUE(engine_.started.empty());
  EXPECT_EQ(Stored(id_).source_kind, "live");  // POST /v1/transcripts's default

  auto last = Chunk("chunk_number=1&total_chunks=2", wav.substr(half));
  ASSERT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(BodyJson(last), (Json{{"status", "ok"}}));
  ASSERT_EQ(engine_.started.size(), 1U);
  const Json& tracks = engine_.started[0].input["tracks"];
  ASSERT_EQ(tracks.size(), 1U);
  EXPECT_EQ(tracks[0]["participant_name"], "Weekly sync");  // the transcript's name
  EXPECT_EQ(ReadObject(tracks[0]["s3_key"].get<std::string>()), wav);
  EXPECT_EQ(Stored(id_).workflow_id, "wf-1");
  // As in Reflector, the uploaded file makes the transcript's kind `file`.
  EXPECT_EQ(Stored(id_).source_kind, "file");
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/" + id_, "ana"))["source_kind"], "file");
  EXPECT_EQ(BodyJson(Get("/v1/transcripts?source_kind=file", "ana"))["total"], 1);
  EXPECT_TRUE(ScratchEmptiesSoon());

  auto again = Chunk("chunk_number=0&total_chunks=1", wav);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(Detail(again), "An upload is already in progress");
  EXPECT_EQ(engine_.started.size(), 1U);
}

TEST_F(UploadsTest, RecordUploadRefusalsNameTheProblem) {
  const std::string wav = TinyWav();
  ExpectRefused(Chunk("total_chunks=1", wav), "chunk_number");
  ExpectRefused(Chunk("chunk_number=0", wav), "total_chunks");
  ExpectRefused(Chunk("chunk_number=2&total_chunks=2", wav), "chunk_number");
  ExpectRefused(Chunk("chunk_number=0&total_chunks=0", wav), "total_chunks");
  ExpectRefused(PostMultipart("/v1/transcripts/" + id_ + "/record/upload?chunk_number=0&total_chunks=1",
                              {{.name = "file", .value = wav, .filename = "blob"}}, "ana"),
                "chunk", /*clean=*/false);  // the chunks' directory stays for the next chunk
  ExpectRefused(Chunk("chunk_number=0&total_chunks=1", "definitely not audio"), "no audio stream");
  // After the refusals a good upload still goes through.
  EXPECT_EQ(Chunk("chunk_number=0&total_chunks=1", wav).status, 200);
  EXPECT_EQ(engine_.started.size(), 1U);
}

}  // namespace
}  // namespace reflector::api::testing
