// generate_waveform: 255 peak values of the mixdown, stored as {object root}/waveform.json.

#include "media/audio.hpp"
#include "pipeline/tasks.hpp"

namespace reflector::pipeline {

Result<Json> GenerateWaveform(TaskContext& context) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string audio_key, GetString(context.input(), "audio_key"));
  REFLECTOR_ASSIGN_OR_RETURN(auto mp3, context.Download(context.services().bucket, audio_key, "audio.mp3"));
  REFLECTOR_ASSIGN_OR_RETURN(std::vector<double> waveform,
                             media::Waveform(mp3, 255, context.stop(), context.progress()));
  std::string key = WaveformKey(context.ObjectRoot());
  REFLECTOR_TRY(context.PutJson(key, Json(waveform)));
  REFLECTOR_TRY(context.Emit(events::EventType::kWaveform, events::WaveformData(waveform)));
  return Json{{"waveform_key", key}, {"waveform", waveform}};
}

}  // namespace reflector::pipeline
