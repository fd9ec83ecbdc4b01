// pad_track: puts one track on the meeting timeline (PIPELINE.md "Padding"). A track already
// starting at 0 is used as it is. A silent or undecodable track is a terminal error naming it.

#include "media/audio.hpp"
#include "pipeline/tasks.hpp"

namespace reflector::pipeline {

Result<Json> PadTrack(TaskContext& context) {
  const Json& input = context.input();
  REFLECTOR_ASSIGN_OR_RETURN(int track_index, TrackIndex(input));
  REFLECTOR_ASSIGN_OR_RETURN(std::string key, GetString(input, "s3_key"));
  REFLECTOR_ASSIGN_OR_RETURN(auto bucket_field, GetOptionalString(input, "bucket_name"));
  std::string bucket = bucket_field.value_or("");
  if (bucket.empty()) bucket = context.services().bucket;
  std::string track = "track " + std::to_string(track_index) + " (" + key + ")";

  auto source = context.Download(bucket, key, "source");
  if (!source) return source.error().WithContext(track);
  // A digitally silent track has nothing to transcribe: refuse it clearly. The check decodes
  // only up to the first sound, not the whole track.
  NullProgressSink quiet;
  auto signal = media::HasSignal(*source, context.stop(), quiet);
  if (!signal) return signal.error().WithContext(track);
  if (!*signal) return Error::InvalidInput(track + ": the track is silent (no audio signal)");
  REFLECTOR_ASSIGN_OR_RETURN(auto dir, context.ScratchDir());
  auto padded_file = dir / "padded.webm";
  auto padded = media::PadTrack(*source, padded_file, context.stop(), context.progress());
  if (!padded) return padded.error().WithContext(track);

  Json location;
  if (padded->padded) {
    std::string padded_key = PaddedTrackKey(context.ObjectRoot(), track_index);
    REFLECTOR_TRY(context.Upload(padded_file, padded_key));
    location = {{"bucket", context.services().bucket}, {"key", padded_key}};
  } else {
    location = {{"bucket", bucket}, {"key", key}};  // already aligned: the source as it is
  }
  return Json{{"padded", location},
              {"size", padded->size},
              {"track_index", track_index},
              {"start_time", padded->start_time},
              {"delay", padded->delay_seconds},
              {"duration", padded->duration}};
}

}  // namespace reflector::pipeline
