// transcribe_track: speech to text of one padded track. Word times are on the meeting
// timeline (the track is padded) and every word is tagged with the track's speaker index.
// Results are cached by a hash of the audio bytes, backend, model and language.
// Backends that fetch the audio themselves get a presigned URL of the padded object, made just
// before their request (keys cross task boundaries, URLs do not).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>

#include "core/digest.hpp"
#include "pipeline/tasks.hpp"
#include "store/task_cache.hpp"

namespace reflector::pipeline {
namespace {

// Validity of the URL a transcription service fetches the track from. The service fetches it
// when the request starts; two hours, as Reflector, leaves room for a service that queues work.
constexpr std::chrono::seconds kPresignedAudioExpiry{2 * 60 * 60};

// "track" plus the key's extension (".webm"): services that receive an upload read the format
// from the file name.
std::string LocalTrackName(std::string_view key) {
  std::string extension = std::filesystem::path(key).extension().string();
  bool plain = extension.size() >= 2 && extension.size() <= 8 &&
               std::all_of(extension.begin() + 1, extension.end(),
                           [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  return plain ? "track" + extension : "track";
}

}  // namespace

Result<Json> TranscribeTrack(TaskContext& context) {
  const Json& input = context.input();
  REFLECTOR_ASSIGN_OR_RETURN(int track_index, TrackIndex(input));
  REFLECTOR_ASSIGN_OR_RETURN(Json padded, GetObject(input, "padded"));
  REFLECTOR_ASSIGN_OR_RETURN(std::string bucket, GetString(padded, "bucket"));
  REFLECTOR_ASSIGN_OR_RETURN(std::string key, GetString(padded, "key"));
  REFLECTOR_ASSIGN_OR_RETURN(auto language_field, GetOptionalString(input, "language"));
  std::string language = language_field.value_or("en");
  std::string track = "track " + std::to_string(track_index) + " (" + key + ")";
  stt::SpeechToText& stt = *context.services().speech_to_text;

  auto audio = context.Download(bucket, key, LocalTrackName(key));
  if (!audio) return audio.error().WithContext(track);
  REFLECTOR_ASSIGN_OR_RETURN(std::string audio_hash, Sha256HexOfFile(*audio, context.stop()));
  std::string cache_key = Sha256Hex("transcription\n" + audio_hash + "\n" + std::string(stt.Backend()) +
                                    "\n" + std::string(stt.Model()) + "\n" + language);
  store::TaskCache cache(context.database(), context.clock());
  std::vector<stt::Word> recognised;
  bool cached = false;
  REFLECTOR_ASSIGN_OR_RETURN(auto entry, cache.Get(cache_key));
  if (entry && entry->value.is_array()) {
    for (const auto& item : entry->value) {
      recognised.push_back({item.value("text", ""), item.value("start", 0.0), item.value("end", 0.0)});
    }
    cached = true;
  } else {
    stt::AudioSource source{.file = *audio,
                            .presigned_url = [&context, &bucket, &key]() -> Result<std::string> {
                              REFLECTOR_ASSIGN_OR_RETURN(auto store, context.Bucket(bucket));
                              return store->PresignGet(key, kPresignedAudioExpiry);
                            }};
    auto transcription = stt.Transcribe(source, language, context.stop(), context.progress());
    if (!transcription) return transcription.error().WithContext(track);
    recognised = std::move(transcription->words);
    Json value = Json::array();
    for (const auto& word : recognised)
      value.push_back({{"text", word.text}, {"start", word.start}, {"end", word.end}});
    REFLECTOR_TRY(cache.Put(cache_key, "transcription", value));
  }
  std::vector<Word> words;
  words.reserve(recognised.size());
  for (auto& word : recognised)
    words.push_back({std::move(word.text), word.start, word.end, track_index});
  std::string words_key = TrackWordsKey(context.ObjectRoot(), track_index);
  REFLECTOR_TRY(context.PutJson(words_key, WordsToJson(words)));
  return Json{{"words_key", words_key}, {"word_count", words.size()},   {"track_index", track_index},
              {"cached", cached},       {"stt_backend", stt.Backend()}, {"stt_model", stt.Model()}};
}

}  // namespace reflector::pipeline
