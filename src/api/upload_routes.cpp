// POST /v1/transcripts/{id}/tracks (multitrack: one file part per participant, named after
// them) and POST /v1/transcripts/{id}/record/upload (Reflector's chunked single-file upload).
// Parts are spooled to scratch files piece by piece, then streamed to object storage; nothing
// is held whole in memory.

#include <fstream>
#include <set>

#include "api/multipart.hpp"
#include "api/request_helpers.hpp"
#include "api/routes.hpp"
#include "core/file_writer.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "events/events.hpp"
#include "media/audio.hpp"
#include "service/processing.hpp"

namespace reflector::api {
namespace {

namespace fs = std::filesystem;
using http::Request;
using http::Response;

// Scratch files that go away with the request.
class Spool {
 public:
  explicit Spool(fs::path dir) : dir_(std::move(dir)) {}
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

Status CreateDirectory(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return FileSystemError("cannot create directory", dir.string(), error.value());
  return Ok();
}

// Copies the current part into `file`. A full disk is kNoSpace (507).
Status SpoolPart(MultipartReader& reader, const fs::path& file, const std::string& part_name) {
  REFLECTOR_ASSIGN_OR_RETURN(FileWriter out, FileWriter::Open(file));
  std::vector<char> piece(1 << 16);
  std::uint64_t total = 0;
  while (true) {
    auto got = reader.Read(piece.data(), piece.size());
    if (!got) return got.error().WithContext("part " + part_name);
    if (*got == 0) break;
    REFLECTOR_TRY(out.Write(std::string_view(piece.data(), *got)));
    total += *got;
  }
  REFLECTOR_TRY(out.Close());
  if (total == 0) return Error::InvalidInput("part " + part_name + ": the file is empty");
  return Ok();
}

// Appends `piece` to `assembled`; on failure `assembled` is cut back to what it was, so a chunk
// sent again is not appended twice and a full disk never leaves a shorter recording behind.
Status AppendPiece(const fs::path& piece, const fs::path& assembled) {
  std::error_code error;
  const std::uintmax_t before = fs::exists(assembled, error) ? fs::file_size(assembled, error) : 0;
  std::ifstream in(piece, std::ios::binary);
  Status appended = in ? Ok() : Error::Terminal(ErrorKind::kIo, "cannot read the upload's scratch file");
  auto out = FileWriter::Open(assembled, FileWriter::Mode::kAppend);
  if (appended.ok() && !out.ok()) appended = out.error();
  std::vector<char> buffer(1 << 16);
  while (appended.ok() && in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())).gcount() > 0) {
    appended = out->Write(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (appended.ok()) appended = out->Close();
  if (!appended.ok()) fs::resize_file(assembled, before, error);
  return appended;
}

// A safe file name for a key: letters, digits, '-', '_' and '.', at most 60 characters.
std::string KeyName(std::string_view text) {
  std::string name;
  for (char c : text) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (name.size() < 60) name += plain ? c : '_';
  }
  return name.empty() ? "track" : name;
}

// Removes the stored tracks of an upload that does not go on, so that none is left orphaned.
void DeleteTracks(ApiContext& api, const std::vector<service::StoredTrack>& tracks) {
  auto bucket = api.service->storage->ForBucket(api.service->bucket);
  for (const auto& track : tracks) {
    Status deleted = bucket.ok() ? (*bucket)->Delete(track.key) : Status(bucket.error());
    if (!deleted.ok()) {
      log::Warn("cannot delete a track of a refused upload",
                {{"key", track.key}, {"error", deleted.error().message}});
    }
  }
}

// Stores every track, or none: when one cannot be stored, those stored before it are removed.
Result<std::vector<service::StoredTrack>> PutTracks(
    ApiContext& api, const std::string& recording_id,
    const std::vector<std::pair<std::string, fs::path>>& files) {
  REFLECTOR_ASSIGN_OR_RETURN(auto bucket, api.service->storage->ForBucket(api.service->bucket));
  std::vector<service::StoredTrack> stored;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& [name, file] = files[i];
    std::string key = "uploads/" + recording_id + "/" + std::to_string(i) + "-" + KeyName(name);
    if (auto put = bucket->PutFile(key, file); !put.ok()) {
      DeleteTracks(api, stored);
      return put.error().WithContext("track " + name);
    }
    stored.push_back({name, key});
  }
  return stored;
}

// Sets the status and publishes its STATUS event on the bus, as the pipeline's tasks do, so
// that the sockets watching the transcript (and its owner's) get it at once.
Result<store::StatusChange> SetStatusLive(ApiContext& api, const std::string& id,
                                          store::TranscriptStatus status) {
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  REFLECTOR_ASSIGN_OR_RETURN(store::StatusChange change, transcripts.SetStatus(id, status));
  if (change.changed && api.bus != nullptr) {
    api.bus->Publish(events::Event{id, change.event_seq, events::EventType::kStatus,
                                   events::StatusData(store::ToString(status)), api.service->clock->Now()});
  }
  return change;
}

// Every part: a non-empty, unique participant name and a file that holds audio.
Result<std::vector<std::pair<std::string, fs::path>>> ReadTrackParts(Request& request, const fs::path& dir) {
  auto content_type = request.headers.Get("Content-Type");
  REFLECTOR_ASSIGN_OR_RETURN(MultipartReader reader,
                             MultipartReader::Open(content_type.value_or(""), *request.body));
  std::vector<std::pair<std::string, fs::path>> files;
  std::set<std::string> names;
  while (true) {
    REFLECTOR_ASSIGN_OR_RETURN(auto part, reader.NextPart());
    if (!part) break;
    if (part->name.empty())
      return Error::InvalidInput("a part has no name: name each part after its participant");
    if (!part->filename)
      return Error::InvalidInput("part " + part->name + " has no file (send it as -F 'NAME=@file')");
    if (!names.insert(part->name).second) return Error::InvalidInput("two parts are named " + part->name);
    fs::path file = dir / (std::to_string(files.size()) + ".upload");
    REFLECTOR_TRY(SpoolPart(reader, file, part->name));
    if (auto probe = media::Probe(file); !probe) {
      return Error::InvalidInput("part " + part->name + " (" + *part->filename +
                                 "): no audio stream could be read");
    }
    files.emplace_back(part->name, std::move(file));
  }
  if (files.empty()) return Error::InvalidInput("no tracks: send one file part per participant");
  return files;
}

Result<Response> UploadTracks(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kChange);
  if (access.refusal) return std::move(*access.refusal);
  const store::Transcript& t = *access.transcript;
  if (t.locked) return http::ErrorResponse(400, "Recording is locked");
  // `uploaded`: an upload started a workflow whose first task has not set `processing` yet.
  if (t.status == store::TranscriptStatus::kProcessing || t.status == store::TranscriptStatus::kUploaded) {
    return http::ErrorResponse(400, "The transcript is already processing");
  }
  Spool spool(api.scratch_dir / ("upload-" + NewUuid4()));
  REFLECTOR_TRY(CreateDirectory(spool.dir()));
  REFLECTOR_ASSIGN_OR_RETURN(auto files, ReadTrackParts(request, spool.dir()));
  const std::string recording_id = api.service->ids->NewId();
  REFLECTOR_ASSIGN_OR_RETURN(auto tracks, PutTracks(api, recording_id, files));
  // Of two uploads racing for the transcript, only the one that changes the status starts.
  auto claimed = SetStatusLive(api, t.id, store::TranscriptStatus::kUploaded);
  if (!claimed.ok() || !claimed->changed) {
    DeleteTracks(api, tracks);
    if (!claimed.ok()) return claimed.error();
    return http::ErrorResponse(400, "The transcript is already processing");
  }
  auto started = service::ProcessStoredTracks(*api.service, t.id, recording_id, tracks);
  if (!started) {
    if (started.error().kind == ErrorKind::kConflict)
      return http::ErrorResponse(400, started.error().message);
    return started.error();
  }
  Json names = Json::array();
  for (const auto& track : tracks)
    names.push_back(track.name);
  return http::JsonResponse(202, Json{{"status", "ok"},
                                      {"transcript_id", t.id},
                                      {"recording_id", recording_id},
                                      {"workflow_id", started->workflow_id},
                                      {"engine", started->engine},
                                      {"tracks", names}});
}

// The last chunk arrived: the assembled file in `dir` becomes the transcript's one track and the
// pipeline starts (Reflector also makes the transcript's kind `file`).
Result<Response> StartUploadedFile(ApiContext& api, const store::Transcript& t, const fs::path& dir) {
  Spool spool(dir);  // the assembled file goes once it is stored
  const fs::path assembled = dir / "upload";
  if (auto probe = media::Probe(assembled); !probe) {
    return http::ErrorResponse(400, "The uploaded file has no audio stream that can be read");
  }
  const std::string recording_id = api.service->ids->NewId();
  const std::string participant = t.name.empty() ? "Speaker 0" : t.name;
  REFLECTOR_ASSIGN_OR_RETURN(auto tracks, PutTracks(api, recording_id, {{participant, assembled}}));
  store::Transcripts transcripts(*api.service->database, *api.service->clock);
  Status marked = transcripts.SetSourceKind(t.id, "file");
  if (marked.ok()) {
    if (auto uploaded = SetStatusLive(api, t.id, store::TranscriptStatus::kUploaded); !uploaded)
      marked = uploaded.error();
  }
  if (!marked.ok()) {
    DeleteTracks(api, tracks);
    return marked.error();
  }
  auto started = service::ProcessStoredTracks(*api.service, t.id, recording_id, tracks);
  if (!started) return started.error();
  return http::JsonResponse(200, Json{{"status", "ok"}});
}

// Chunks are appended to <scratch>/record-<id>/upload in order; the last starts the pipeline.
Result<Response> RecordUpload(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kChange);
  if (access.refusal) return std::move(*access.refusal);
  const store::Transcript& t = *access.transcript;
  if (t.locked) return http::ErrorResponse(400, "Recording is locked");
  if (t.status == store::TranscriptStatus::kProcessing || t.status == store::TranscriptStatus::kUploaded) {
    return http::ErrorResponse(400, "An upload is already in progress");
  }
  if (!request.Query("total_chunks")) return Error::InvalidInput("total_chunks: required");
  REFLECTOR_ASSIGN_OR_RETURN(std::int64_t total, IntQuery(request, "total_chunks", 0, 1, 100000));
  REFLECTOR_ASSIGN_OR_RETURN(std::int64_t number, IntQuery(request, "chunk_number", -1, 0, total - 1));
  if (number < 0) return Error::InvalidInput("chunk_number: required");
  const fs::path dir = api.scratch_dir / ("record-" + t.id);
  const fs::path assembled = dir / "upload";
  REFLECTOR_TRY(CreateDirectory(dir));
  if (number == 0) fs::remove(assembled);
  auto content_type = request.headers.Get("Content-Type");
  REFLECTOR_ASSIGN_OR_RETURN(MultipartReader reader,
                             MultipartReader::Open(content_type.value_or(""), *request.body));
  bool got_chunk = false;
  while (true) {
    REFLECTOR_ASSIGN_OR_RETURN(auto part, reader.NextPart());
    if (!part) break;
    if (part->name != "chunk") continue;
    const fs::path piece = dir / ("chunk-" + std::to_string(number));
    Status spooled = SpoolPart(reader, piece, "chunk");
    if (spooled.ok()) spooled = AppendPiece(piece, assembled);
    std::error_code ignored;
    fs::remove(piece, ignored);
    REFLECTOR_TRY(spooled);
    got_chunk = true;
  }
  if (!got_chunk) return Error::InvalidInput("chunk: the multipart body has no part named chunk");
  if (number + 1 < total) return http::JsonResponse(200, Json{{"status", "ok"}});
  return StartUploadedFile(api, t, dir);
}

}  // namespace

void AddUploadRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("POST /v1/transcripts/{id}/tracks", [a](Request& r) { return UploadTracks(*a, r); });
  router.Add("POST /v1/transcripts/{id}/record/upload", [a](Request& r) { return RecordUpload(*a, r); });
}

}  // namespace reflector::api
