// The data directory's disk full: `reflector serve` with the default layout (SQLite and local
// storage inside DATA_DIR) on a small tmpfs that the test fills with a filler file. Filled as
// the mixdown starts, the run pauses with "No space left on device" (or SQLite's "database or
// disk is full") in the log, the server keeps answering without spinning, nothing is left
// half-written, and once the filler is removed the run ends by itself with every word and
// event once. An upload to the full disk is refused with 507, leaving no track behind and the
// transcript idle; the same upload goes through once there is room.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "serve_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"
#include "support/tmpfs_mount.hpp"

namespace reflector::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint64_t kDiskBytes = std::uint64_t{48} << 20;

std::vector<SpeakerScript> Speakers() {
  return {{"Ines",
           "slt",
           0.0,
           "The ferry to the island leaves at nine on Saturday morning.",
           {"ferry", "island", "leaves", "nine", "saturday", "morning"}},
          {"Paul",
           "rms",
           1.0,
           "Then I will book two tickets and pack the picnic basket.",
           {"book", "tickets", "pack", "picnic", "basket"}}};
}

// CPU seconds the process has used (user and system), from /proc/<pid>/stat.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (name) "
  std::vector<std::string> values((std::istream_iterator<std::string>(fields)),
                                  std::istream_iterator<std::string>());
  if (values.size() < 13) return -1;
  // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
  return static_cast<double>(std::stoll(values[11]) + std::stoll(values[12])) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Every object in storage is whole: no temporary file of an interrupted copy, every JSON object
// parses, every audio object decodes to a length.
void ExpectStorageWhole(const fs::path& storage) {
  std::error_code ignored;
  for (const auto& entry : fs::recursive_directory_iterator(storage, ignored)) {
    if (!entry.is_regular_file()) continue;
    const std::string path = entry.path().string();
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "a temporary file was left: " << path;
    EXPECT_EQ(name.find(".part-"), std::string::npos) << "a temporary file was left: " << path;
    if (entry.path().extension() == ".json") {
      std::ifstream in(entry.path());
      EXPECT_FALSE(Json::parse(in, nullptr, false).is_discarded()) << "truncated JSON object: " << path;
    } else if (entry.path().extension() != ".txt") {
      CommandResult probe = RunCommand({"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                                        "default=noprint_wrappers=1:nokey=1", path},
                                       {}, 60s);
      EXPECT_EQ(probe.exit_code, 0) << "an audio object that does not decode: " << path << ": " << probe.err;
      EXPECT_GT(std::atof(probe.out.c_str()), 0.5) << "a truncated audio object: " << path;
    }
  }
}

// Regular files under `dir`.
std::vector<std::string> FilesUnder(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ignored;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ignored))
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  return files;
}

// No word twice: each (speaker, start, text) once.
void ExpectEachWordOnce(const Json& words) {
  std::set<std::tuple<int, long long, std::string>> seen;
  for (const auto& word : words) {
    auto key = std::make_tuple(word["speaker"].get<int>(), std::llround(word["start"].get<double>() * 1000),
                               word["text"].get<std::string>());
    EXPECT_TRUE(seen.insert(key).second) << "a word came twice: " << word.dump();
  }
}

// What one watcher of a transcript's events saw.
struct Watched {
  std::vector<std::int64_t> seqs;
  std::string status;  // the last STATUS value
  bool mixdown_started = false;
};

void Take(const std::string& text, Watched& watched) {
  const Json message = Json::parse(text, nullptr, false);
  if (message.is_discarded()) return;
  if (message.contains("seq")) watched.seqs.push_back(message["seq"].get<std::int64_t>());
  const std::string event = message.value("event", "");
  if (event == "STATUS") watched.status = message["data"].value("value", "");
  if (event == "PIPELINE_PROGRESS" && message["data"].value("current_step", "") == "mixdown_tracks")
    watched.mixdown_started = true;
}

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // First, while the process has one thread (see TmpfsMount::Mount).
    fs::create_directories(dir_ / "data");
    auto mounted = TmpfsMount::Mount(dir_ / "data", kDiskBytes);
    ASSERT_TRUE(mounted.ok()) << mounted.error().message;
    disk_ = std::move(*mounted);
    env_ = {{"DATA_DIR", disk_->path().string()}, {"LOG_LEVEL", "info"}, {"LLM_URL", ""}};
    fs::create_directories(dir_ / "tracks");
    tracks_ = SynthesiseMeeting(Speakers(), dir_ / "tracks");
  }

  Json Get(const ServeProcess& server, const std::string& path) {
    net::HttpRequest request;
    request.url = server.Url(path);
    auto response = http_.Send(request);
    EXPECT_TRUE(response.ok() && response->status == 200) << path;
    if (!response.ok() || response->status != 200) return nullptr;
    return Json::parse(response->body, nullptr, false);
  }

  // The words of the transcript's topics, in order.
  Json Words(const ServeProcess& server, const std::string& id) {
    Json words = Json::array();
    const Json topics = Get(server, "/v1/transcripts/" + id + "/topics/with-words");
    for (const auto& topic : topics)
      for (const auto& word : topic["words"])
        words.push_back(word);
    return words;
  }

  // Keeps the disk full for `period` (what the server frees is taken again at once).
  void KeepFull(std::chrono::milliseconds period) {
    const auto until = std::chrono::steady_clock::now() + period;
    while (std::chrono::steady_clock::now() < until) {
      ASSERT_TRUE(disk_->Fill().ok());
      std::this_thread::sleep_for(100ms);
    }
  }

  // The run stops, saying why, and waits: nothing can be recorded (the database is full too),
  // so the engine pauses it instead of ending it. Meanwhile the server answers, does not spin
  // and has left no object half-written.
  void ExpectPausedWithoutSpinning(ServeProcess& server, const std::string& id) {
    const auto said = [&server] {
      const std::string log = server.command().ErrorsSoFar();
      return (log.find("No space left on device") != std::string::npos ||
              log.find("database or disk is full") != std::string::npos) &&
             log.find("workflow run paused") != std::string::npos;
    };
    for (int i = 0; i < 300 && !said(); ++i)
      KeepFull(100ms);
    ASSERT_TRUE(said()) << "the log says neither that the disk is full nor that the run paused:\n"
                        << server.command().ErrorsSoFar();
    const double cpu_before = CpuSeconds(server.command().pid());
    KeepFull(5s);
    EXPECT_LT(CpuSeconds(server.command().pid()) - cpu_before, 1.0)
        << "the server spins while the disk is full";
    ASSERT_TRUE(server.command().Running()) << server.command().ErrorsSoFar();
    EXPECT_EQ(Get(server, "/v1/transcripts/" + id).value("status", ""), "processing")
        << "the run may neither end nor fail while it waits";
    ExpectStorageWhole(disk_->path() / "storage");
  }

  // Every stored event once, each of the pipeline's results once, and each event reached the
  // watcher once.
  void ExpectEveryEventOnce(const std::string& id, const Watched& watched) {
    const std::set<std::int64_t> distinct(watched.seqs.begin(), watched.seqs.end());
    EXPECT_EQ(distinct.size(), watched.seqs.size()) << "an event came twice";
    auto shown =
        RunCommand({BuiltBinary("reflector").string(), "transcripts", "show", id, "--json"}, env_, 60s);
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const Json events = Json::parse(shown.out)["events"];
    ASSERT_GT(events.size(), 10U) << shown.out.substr(0, 500);
    std::map<std::string, int> counts;
    std::set<std::int64_t> stored;
    for (const auto& event : events) {
      ++counts[event.value("event", "")];
      EXPECT_TRUE(stored.insert(event["seq"].get<std::int64_t>()).second) << "seq twice: " << event.dump();
      EXPECT_TRUE(distinct.count(event["seq"].get<std::int64_t>()))
          << "missed " << event.dump().substr(0, 200) << "; seen " << Json(watched.seqs).dump();
    }
    for (const char* once :
         {"DURATION", "WAVEFORM", "TRANSCRIPT", "FINAL_TITLE", "FINAL_LONG_SUMMARY", "FINAL_SHORT_SUMMARY"}) {
      EXPECT_EQ(counts[once], 1) << once;
    }
  }

  TempDir dir_{"reflector-disk-full"};
  std::unique_ptr<TmpfsMount> disk_;  // after dir_: unmounted before the directory goes
  std::map<std::string, std::string> env_;
  std::vector<SpokenTrack> tracks_;
  net::HttpClient http_;
};

TEST_F(DiskFullTest, ADiskFilledAsTheMixdownStartsPausesTheRunWhichEndsWithEverythingOnceWhenSpaceIsFreed) {
  ServeProcess server(BuiltBinary("reflector").string(), env_);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  const std::string id = CreateTranscript(http_, server, "ferry");
  ASSERT_FALSE(id.empty());
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  ASSERT_EQ(UploadTracks(http_, server, id, tracks_).status, 202);

  Watched watched;
  while (!watched.mixdown_started) {
    auto message = (*socket)->Read(120s);
    ASSERT_TRUE(message.ok() && !message->closed)
        << "the mixdown never started; " << server.command().ErrorsSoFar();
    Take(message->text, watched);
  }
  auto filled = disk_->Fill();
  ASSERT_TRUE(filled.ok()) << filled.error().message;
  ASSERT_EQ(disk_->FreeBytes(), 0U);

  ExpectPausedWithoutSpinning(server, id);
  if (HasFatalFailure()) return;

  // Space is back: the run goes on by itself.
  disk_->Unfill();
  while (watched.status != "ended" && watched.status != "error") {
    auto message = (*socket)->Read(180s);
    ASSERT_TRUE(message.ok() && !message->closed) << "no end; " << server.command().ErrorsSoFar();
    Take(message->text, watched);
  }
  ASSERT_EQ(watched.status, "ended") << server.command().ErrorsSoFar();
  // Notifications come after STATUS ended: read until the stream goes quiet.
  for (auto more = (*socket)->Read(5s); more.ok() && !more->closed; more = (*socket)->Read(5s))
    Take(more->text, watched);

  const Json words = Words(server, id);
  ExpectWordsOfEachSpeaker(words, tracks_);
  ExpectEachWordOnce(words);
  const Json transcript = Get(server, "/v1/transcripts/" + id);
  for (const auto& task : transcript["dag_status"]["tasks"])
    EXPECT_EQ(task.value("status", ""), "completed") << task.dump();

  ExpectEveryEventOnce(id, watched);
  ExpectStorageWhole(disk_->path() / "storage");
  EXPECT_TRUE(FilesUnder(disk_->path() / "scratch").empty()) << "scratch files were left";
}

TEST_F(DiskFullTest, AnUploadToAFullDiskIs507AndLeavesNothingBehindAndGoesThroughOnceThereIsRoom) {
  ServeProcess server(BuiltBinary("reflector").string(), env_);
  ASSERT_TRUE(server.Ready()) << server.command().ErrorsSoFar();
  const std::string id = CreateTranscript(http_, server, "ferry");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(disk_->Fill().ok());

  net::HttpResponse refused = UploadTracks(http_, server, id, tracks_);
  EXPECT_EQ(refused.status, 507) << refused.body;
  const Json detail = Json::parse(refused.body, nullptr, false);
  ASSERT_TRUE(detail.is_object()) << refused.body;
  EXPECT_NE(detail.value("detail", "").find("no space left on device"), std::string::npos) << refused.body;
  EXPECT_EQ(Get(server, "/v1/transcripts/" + id).value("status", ""), "idle");
  EXPECT_TRUE(FilesUnder(disk_->path() / "storage").empty()) << "a track was left in storage";
  EXPECT_TRUE(FilesUnder(disk_->path() / "scratch").empty()) << "a spooled part was left";
  // A new transcript needs the database, which may still take a small write: never a 500.
  net::HttpRequest create;
  create.method = "POST";
  create.url = server.Url("/v1/transcripts");
  create.headers = {{"Content-Type", "application/json"}};
  create.body = Json{{"name", "another"}, {"source_kind", "file"}}.dump();
  auto created = http_.Send(create);
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->status == 200 || created->status == 507) << created->status << " " << created->body;
  EXPECT_EQ(Get(server, "/health").value("status", ""), "healthy");

  disk_->Unfill();
  auto socket = WebSocketClient::Connect("127.0.0.1", server.port(), "/v1/transcripts/" + id + "/events");
  ASSERT_TRUE(socket.ok()) << socket.error().message;
  net::HttpResponse accepted = UploadTracks(http_, server, id, tracks_);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  WatchedRun run = WatchUntilEnd(**socket, 300s);
  ASSERT_TRUE(run.ended) << run.final_status << "; " << server.command().ErrorsSoFar();
  const Json words = Words(server, id);
  ExpectWordsOfEachSpeaker(words, tracks_);
  ExpectEachWordOnce(words);
  ExpectStorageWhole(disk_->path() / "storage");
}

}  // namespace
}  // namespace reflector::testing
