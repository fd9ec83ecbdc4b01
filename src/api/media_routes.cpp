// audio/mp3 (GET and HEAD, Range), audio/waveform, and process (re-run).

#include <cstdio>
#include <fstream>
#include <memory>

#include "api/byte_range.hpp"
#include "api/routes.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "pipeline/task_context.hpp"
#include "service/processing.hpp"
#include "store/recordings.hpp"

namespace reflector::api {
namespace {

namespace fs = std::filesystem;
using http::Request;
using http::Response;

// A downloaded object, removed when the last reader is done.
struct ScratchFile {
  fs::path path;
  ~ScratchFile() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
};

Result<std::shared_ptr<ScratchFile>> Download(ApiContext& api, const std::string& key) {
  REFLECTOR_ASSIGN_OR_RETURN(auto bucket, api.service->storage->ForBucket(api.service->bucket));
  auto file = std::make_shared<ScratchFile>();
  file->path = api.scratch_dir / ("download-" + NewUuid4());
  REFLECTOR_TRY(bucket->GetFile(key, file->path));
  return file;
}

Result<Response> Mp3(ApiContext& api, Request& request) {
  std::optional<User> link_user;
  const std::optional<User>* caller = nullptr;
  if (auto token = request.Query("token"); token && api.hooks.audio_token) {
    auto user = api.hooks.audio_token(*token, request.Param("id"));
    if (!user) return Unauthorized("The audio link is not valid");
    link_user = *user;
    caller = &link_user;
  }
  auto access = LoadTranscript(api, request, Access::kRead, false, caller);
  if (access.refusal) return std::move(*access.refusal);
  const store::Transcript& t = *access.transcript;
  if (t.audio_deleted.value_or(false)) return http::ErrorResponse(404, "Audio was deleted");
  auto file = Download(api, pipeline::MixdownKey(t.id));
  if (!file) {
    if (file.error().kind == ErrorKind::kNotFound) return http::ErrorResponse(404, "Audio not found");
    return file.error();
  }
  std::error_code ec;
  const std::uint64_t size = fs::file_size((*file)->path, ec);
  if (ec) return Error::Terminal(ErrorKind::kIo, "cannot read the downloaded audio");
  Response response;
  response.headers.Set("Content-Type", "audio/mpeg");
  response.headers.Set("Accept-Ranges", "bytes");
  response.headers.Set("Content-Disposition", "inline; filename=recording_" + t.id.substr(0, 8) + ".mp3");
  ByteRange range{0, size == 0 ? 0 : size - 1};
  if (auto header = request.headers.Get("Range")) {
    auto parsed = ParseByteRange(*header, size);
    if (!parsed) {
      Response refusal = http::ErrorResponse(416, "Range not satisfiable");
      refusal.headers.Set("Content-Range", "bytes */" + std::to_string(size));
      return refusal;
    }
    if (*parsed) {
      range = **parsed;
      response.status = 206;
      response.headers.Set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                std::to_string(range.last) + "/" + std::to_string(size));
    }
  }
  const std::uint64_t length = size == 0 ? 0 : range.last - range.first + 1;
  auto in = std::make_shared<std::ifstream>((*file)->path, std::ios::binary);
  in->seekg(static_cast<std::streamoff>(range.first));
  auto remaining = std::make_shared<std::uint64_t>(length);
  response.stream_length = length;
  response.stream = [in, remaining, keep = *file](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, *remaining));
    if (want == 0) return std::size_t{0};
    in->read(buffer, static_cast<std::streamsize>(want));
    const auto got = static_cast<std::size_t>(in->gcount());
    if (got == 0) return Error::Terminal(ErrorKind::kIo, "the audio file ended early");
    *remaining -= got;
    return got;
  };
  return response;
}

Result<Response> Waveform(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kRead);
  if (access.refusal) return std::move(*access.refusal);
  auto file = Download(api, pipeline::WaveformKey(access.transcript->id));
  if (!file) {
    if (file.error().kind == ErrorKind::kNotFound) return http::ErrorResponse(404, "Waveform not found");
    return file.error();
  }
  std::ifstream in((*file)->path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REFLECTOR_ASSIGN_OR_RETURN(Json data, ParseJson(text, "waveform"));
  if (data.is_object() && data.contains("data")) data = data["data"];
  return http::JsonResponse(200, Json{{"data", data}});
}

Result<Response> Process(ApiContext& api, Request& request) {
  auto access = LoadTranscript(api, request, Access::kChange);
  if (access.refusal) return std::move(*access.refusal);
  const store::Transcript& t = *access.transcript;
  if (t.locked) return http::ErrorResponse(400, "Recording is locked");
  if (t.status == store::TranscriptStatus::kProcessing)
    return http::ErrorResponse(400, "Processing is already running");
  if (!t.workflow_id || !t.recording_id)
    return http::ErrorResponse(400, "Recording is not ready for processing");
  auto rerun = service::RerunTranscript(*api.service, t.id);
  if (!rerun) {
    log::Warn("re-run refused", {{"transcript_id", t.id}, {"error", rerun.error().Describe()}});
    return rerun.error();
  }
  return http::JsonResponse(200, Json{{"status", "ok"}});
}

}  // namespace

void AddMediaRoutes(http::Router& router, ApiContext& api) {
  ApiContext* a = &api;
  router.Add("GET /v1/transcripts/{id}/audio/mp3", [a](Request& r) { return Mp3(*a, r); });
  router.Add("GET /v1/transcripts/{id}/audio/waveform", [a](Request& r) { return Waveform(*a, r); });
  router.Add("POST /v1/transcripts/{id}/process", [a](Request& r) { return Process(*a, r); });
}

}  // namespace reflector::api
