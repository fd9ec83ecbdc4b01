// mixdown_tracks: the padded tracks mixed into {object root}/audio.mp3 (MixdownKey).

#include "media/audio.hpp"
#include "pipeline/tasks.hpp"
#include "store/transcripts.hpp"

namespace reflector::pipeline {

Result<Json> MixdownTracks(TaskContext& context) {
  REFLECTOR_ASSIGN_OR_RETURN(Json padded, GetArray(context.input(), "padded"));
  if (padded.empty()) return Error::InvalidInput("field 'padded' is empty: no padded track to mix");
  std::vector<std::filesystem::path> files;
  for (std::size_t i = 0; i < padded.size(); ++i) {
    std::string where = "padded[" + std::to_string(i) + "]";
    auto bucket = GetString(padded[i], "bucket");
    if (!bucket) return bucket.error().WithContext(where);
    auto key = GetString(padded[i], "key");
    if (!key) return key.error().WithContext(where);
    auto file = context.Download(*bucket, *key, "track_" + std::to_string(i));
    if (!file) return file.error().WithContext(where);
    files.push_back(*file);
  }
  REFLECTOR_ASSIGN_OR_RETURN(auto dir, context.ScratchDir());
  auto mp3 = dir / "audio.mp3";
  REFLECTOR_ASSIGN_OR_RETURN(media::MixdownResult mix,
                             media::Mixdown(files, mp3, context.stop(), context.progress()));
  std::string key = MixdownKey(context.ObjectRoot());
  REFLECTOR_TRY(context.Upload(mp3, key));
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_TRY(transcripts.SetDuration(context.transcript_id(), mix.duration));
  REFLECTOR_TRY(transcripts.SetAudioLocation(context.transcript_id(), "storage"));
  REFLECTOR_TRY(context.Emit(events::EventType::kDuration, events::DurationData(mix.duration)));
  return Json{{"audio_key", key}, {"duration", mix.duration}, {"size", mix.size}};
}

}  // namespace reflector::pipeline
