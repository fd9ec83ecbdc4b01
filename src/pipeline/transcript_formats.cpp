#include "pipeline/transcript_formats.hpp"

#include <cmath>
#include <cstdio>

#include "llm/text.hpp"

namespace reflector::pipeline {
namespace {

constexpr std::string_view kFormatNames[] = {"text", "text-timestamped", "webvtt-named", "json"};

// WebVTT cue text: '&', '<' and '>' as character references.
std::string EscapeCueText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "MM:SS" from whole seconds (truncated); minutes are not wrapped into hours.
std::string MinutesSeconds(double seconds) {
  const auto total = static_cast<long long>(std::floor(std::max(0.0, seconds)));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld", total / 60, total % 60);
  return buffer;
}

}  // namespace

Result<TranscriptFormat> ParseTranscriptFormat(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kFormatNames); ++i) {
    if (name == kFormatNames[i]) return static_cast<TranscriptFormat>(i);
  }
  return Error::InvalidInput("unknown transcript format '" + std::string(name) +
                             "' (expected text, text-timestamped, webvtt-named or json)");
}

std::string_view ToString(TranscriptFormat format) {
  return kFormatNames[static_cast<std::size_t>(format)];
}

llm::SpeakerNames SpeakerNamesOf(const Json& participants) {
  llm::SpeakerNames names;
  if (!participants.is_array()) return names;
  for (const auto& participant : participants) {
    if (participant.contains("speaker") && participant["speaker"].is_number_integer() &&
        participant.contains("name") && participant["name"].is_string()) {
      names[participant["speaker"].get<int>()] = participant["name"].get<std::string>();
    }
  }
  return names;
}

std::vector<TranscriptSegment> NamedSegments(const std::vector<Word>& words, const llm::SpeakerNames& names) {
  std::vector<TranscriptSegment> segments;
  for (llm::Segment& turn : llm::SpeakerTurns(words)) {
    segments.push_back(TranscriptSegment{turn.speaker, llm::SpeakerName(names, turn.speaker),
                                         std::move(turn.text), turn.start, turn.end});
  }
  return segments;
}

std::string TranscriptText(const std::vector<TranscriptSegment>& segments) {
  std::string text;
  for (const TranscriptSegment& segment : segments) {
    if (!text.empty()) text += '\n';
    text += segment.speaker_name + ": " + segment.text;
  }
  return text;
}

std::string TranscriptTextTimestamped(const std::vector<TranscriptSegment>& segments) {
  std::string text;
  for (const TranscriptSegment& segment : segments) {
    if (!text.empty()) text += '\n';
    text += "[" + MinutesSeconds(segment.start) + "] " + segment.speaker_name + ": " + segment.text;
  }
  return text;
}

std::string TranscriptWebVttNamed(const std::vector<TranscriptSegment>& segments) {
  std::string vtt = "WEBVTT\n";
  for (const TranscriptSegment& segment : segments) {
    vtt += "\n" + WebVttTime(segment.start) + " --> " + WebVttTime(segment.end) + "\n<v " +
           EscapeCueText(segment.speaker_name) + ">" + EscapeCueText(segment.text) + "\n";
  }
  return vtt;
}

Json TranscriptSegmentsJson(const std::vector<TranscriptSegment>& segments) {
  Json list = Json::array();
  for (const TranscriptSegment& segment : segments) {
    list.push_back({{"speaker", segment.speaker},
                    {"speaker_name", segment.speaker_name},
                    {"text", segment.text},
                    {"start", segment.start},
                    {"end", segment.end}});
  }
  return list;
}

std::string FormatTranscript(TranscriptFormat format, const std::vector<TranscriptSegment>& segments) {
  switch (format) {
    case TranscriptFormat::kText:
      return TranscriptText(segments);
    case TranscriptFormat::kTextTimestamped:
      return TranscriptTextTimestamped(segments);
    case TranscriptFormat::kWebVttNamed:
      return TranscriptWebVttNamed(segments);
    case TranscriptFormat::kJson:
      return DumpCompact(TranscriptSegmentsJson(segments));
  }
  return {};
}

}  // namespace reflector::pipeline
