#include "llm/text.hpp"

#include <algorithm>
#include <string>

namespace reflector::llm {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

char AsciiUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// Calls `fn(word)` for every whitespace-separated word of `text`.
template <typename Fn>
void ForEachToken(std::string_view text, Fn&& fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i]))
      ++i;
    std::size_t begin = i;
    while (i < text.size() && !IsSpace(text[i]))
      ++i;
    if (i > begin) fn(text.substr(begin, i - begin));
  }
}

}  // namespace

std::size_t CodePointCount(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

std::size_t JoinedLength(std::span<const Word> words) {
  std::size_t length = 0;
  std::size_t non_empty = 0;
  for (const Word& word : words) {
    if (word.text.empty()) continue;
    length += CodePointCount(word.text);
    ++non_empty;
  }
  return non_empty == 0 ? 0 : length + non_empty - 1;
}

std::string JoinWords(std::span<const Word> words) {
  std::size_t bytes = 0;
  for (const Word& word : words)
    bytes += word.text.size() + 1;
  std::string text;
  text.reserve(bytes);
  for (const Word& word : words) {
    if (word.text.empty()) continue;
    if (!text.empty()) text += ' ';
    text += word.text;
  }
  return text;
}

std::vector<std::vector<Word>> ChunkForTopics(std::span<const Word> words, int chunk_words,
                                              std::size_t min_chars) {
  const std::size_t piece = static_cast<std::size_t>(std::max(chunk_words, 1));
  std::vector<std::vector<Word>> chunks;
  std::vector<Word> buffer;
  std::size_t buffer_chars = 0;      // code points of the non-empty texts in `buffer`
  std::size_t buffer_non_empty = 0;  // how many of them
  for (std::size_t begin = 0; begin < words.size(); begin += piece) {
    std::span<const Word> part = words.subspan(begin, std::min(piece, words.size() - begin));
    for (const Word& word : part) {
      if (!word.text.empty()) {
        buffer_chars += CodePointCount(word.text);
        ++buffer_non_empty;
      }
      buffer.push_back(word);
    }
    const std::size_t text_length = buffer_non_empty == 0 ? 0 : buffer_chars + buffer_non_empty - 1;
    if (text_length >= min_chars) {
      chunks.push_back(std::move(buffer));
      buffer = {};
      buffer_chars = 0;
      buffer_non_empty = 0;
    }
  }
  if (!buffer.empty()) {
    if (chunks.empty()) {
      chunks.push_back(std::move(buffer));
    } else {
      std::vector<Word>& last = chunks.back();
      last.insert(last.end(), std::make_move_iterator(buffer.begin()), std::make_move_iterator(buffer.end()));
    }
  }
  return chunks;
}

std::string CleanTitle(std::string_view title) {
  std::size_t begin = title.find_first_not_of("\"'");
  if (begin == std::string_view::npos) return "";
  std::size_t end = title.find_last_not_of("\"'");
  title = title.substr(begin, end - begin + 1);

  std::string cleaned;
  cleaned.reserve(title.size());
  bool first = true;
  ForEachToken(title, [&](std::string_view word) {
    if (!first) cleaned += ' ';
    const bool capitalise = first || CodePointCount(word) > 3;
    for (std::size_t i = 0; i < word.size(); ++i) {
      cleaned += (capitalise && i == 0) ? AsciiUpper(word[i]) : AsciiLower(word[i]);
    }
    first = false;
  });
  return cleaned;
}

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  ForEachToken(text, [&](std::string_view word) { words.push_back(word); });
  return words;
}

std::string LimitWords(std::string_view text, std::size_t max_words) {
  std::string limited;
  std::size_t count = 0;
  ForEachToken(text, [&](std::string_view word) {
    if (count >= max_words) return;
    if (count > 0) limited += ' ';
    limited += word;
    ++count;
  });
  return limited;
}

std::vector<Segment> SpeakerTurns(std::span<const Word> words, double pause_seconds) {
  std::vector<Segment> segments;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Word& word = words[i];
    const bool continues = !segments.empty() && segments.back().speaker == word.speaker &&
                           !(word.start - segments.back().end > pause_seconds);
    if (!continues) {
      segments.push_back(Segment{word.speaker, word.start, word.end, {}, i, 0});
    }
    Segment& segment = segments.back();
    segment.end = std::max(segment.end, word.end);
    ++segment.word_count;
    if (!word.text.empty()) {
      if (!segment.text.empty()) segment.text += ' ';
      segment.text += word.text;
    }
  }
  return segments;
}

std::string SpeakerName(const SpeakerNames& names, int speaker) {
  auto it = names.find(speaker);
  if (it != names.end() && it->second.find_first_not_of(" \t\n\v\f\r") != std::string::npos) {
    return it->second;
  }
  return "Speaker " + std::to_string(speaker);
}

std::string FormatTurns(std::span<const Segment> segments, const SpeakerNames& names) {
  std::string text;
  for (const Segment& segment : segments) {
    if (!text.empty()) text += '\n';
    text += SpeakerName(names, segment.speaker);
    text += ": ";
    text += segment.text;
  }
  return text;
}

std::string SummaryMarkdown(std::string_view recap, std::span<const SubjectParagraph> subjects) {
  std::vector<std::string> lines;
  if (!recap.empty()) {
    lines.insert(lines.end(), {"# Quick recap", "", std::string(recap), ""});
  }
  if (!subjects.empty()) {
    lines.insert(lines.end(), {"# Summary", ""});
    for (const SubjectParagraph& subject : subjects) {
      lines.insert(lines.end(), {"**" + subject.subject + "**", subject.paragraph, ""});
    }
  }
  std::string markdown;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) markdown += '\n';
    markdown += lines[i];
  }
  return markdown;
}

std::string AsciiLowerCase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    c = AsciiLower(c);
  return lower;
}

}  // namespace reflector::llm
