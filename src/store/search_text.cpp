#include "store/search_text.hpp"

#include <algorithm>
#include <utility>

namespace reflector::store {
namespace {

// Bytes of context kept before a match in an excerpt.
constexpr std::size_t kContextBefore = 40;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return AsciiLower(c); });
  return lower;
}

bool IsTagStart(std::string_view line, std::size_t i) {
  if (line[i] != '<' || i + 1 >= line.size()) return false;
  const char next = line[i + 1];
  return (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') ||
         next == '/' || next == '.';
}

// Appends a cue text line to `out` without its tags, collapsing whitespace.
void AppendCueText(std::string_view line, std::string& out) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (IsTagStart(line, i)) {
      const std::size_t close = line.find('>', i);
      if (close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    if (IsSpace(line[i])) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += line[i];
    }
  }
  if (!out.empty() && out.back() != ' ') out += ' ';
}

std::string TrimSpaces(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsSpace(text[begin]))
    ++begin;
  while (end > begin && IsSpace(text[end - 1]))
    --end;
  return std::string(text.substr(begin, end - begin));
}

struct Match {
  std::size_t position;
  std::size_t length;
};

// Every occurrence of each word in `lower_text`, non-overlapping per word, sorted by position.
std::vector<Match> FindMatches(std::string_view lower_text, const std::vector<std::string>& words) {
  std::vector<Match> matches;
  for (const std::string& word : words) {
    if (word.empty()) continue;
    for (std::size_t at = lower_text.find(word); at != std::string_view::npos;
         at = lower_text.find(word, at + word.size())) {
      matches.push_back({at, word.size()});
    }
  }
  std::sort(matches.begin(), matches.end(),
            [](const Match& a, const Match& b) { return a.position < b.position; });
  return matches;
}

// The byte range of the excerpt around `match`, starting no earlier than `floor`.
std::pair<std::size_t, std::size_t> ExcerptRange(std::string_view text, const Match& match,
                                                 std::size_t floor) {
  const std::size_t match_end = match.position + match.length;
  std::size_t start = match.position > kContextBefore ? match.position - kContextBefore : 0;
  start = std::max(start, floor);
  std::size_t end = std::min(text.size(), std::max(start + kSnippetLength, match_end));
  if (start > 0 && !IsSpace(text[start - 1])) {  // starts mid-word: begin at the next word
    for (std::size_t i = start; i < match.position; ++i) {
      if (IsSpace(text[i])) {
        start = i + 1;
        break;
      }
    }
  }
  if (end < text.size() && !IsSpace(text[end])) {  // ends mid-word: end at the previous space
    for (std::size_t i = end; i > match_end; --i) {
      if (IsSpace(text[i - 1])) {
        end = i - 1;
        break;
      }
    }
  }
  while (start < match.position && IsContinuationByte(text[start]))
    ++start;
  while (end < text.size() && IsContinuationByte(text[end]))
    ++end;
  return {start, end};
}

}  // namespace

std::string PlainTextFromWebVtt(std::string_view webvtt) {
  std::string text;
  bool in_cue_text = false;  // after the timing line of the current block
  std::size_t begin = 0;
  while (begin <= webvtt.size()) {
    std::size_t end = webvtt.find('\n', begin);
    if (end == std::string_view::npos) end = webvtt.size();
    std::string_view line = webvtt.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimSpaces(line).empty()) {
      in_cue_text = false;  // a blank line ends the block
    } else if (in_cue_text) {
      AppendCueText(line, text);
    } else if (line.find("-->") != std::string_view::npos) {
      in_cue_text = true;
    }
    begin = end + 1;
  }
  return TrimSpaces(text);
}

std::string SearchTextOf(const Json& topics, std::string_view webvtt) {
  std::string text = PlainTextFromWebVtt(webvtt);
  if (!text.empty() || !topics.is_array()) return text;
  for (const Json& topic : topics) {
    if (!topic.is_object()) continue;
    auto found = topic.find("transcript");
    if (found == topic.end() || !found->is_string()) continue;
    const std::string piece = TrimSpaces(found->get<std::string>());
    if (piece.empty()) continue;
    if (!text.empty()) text += ' ';
    text += piece;
  }
  return text;
}

std::vector<std::string> SearchWords(std::string_view query) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && IsSpace(query[i]))
      ++i;
    const std::size_t start = i;
    while (i < query.size() && !IsSpace(query[i]))
      ++i;
    if (i == start) break;
    std::string word = AsciiLower(query.substr(start, i - start));
    if (std::find(words.begin(), words.end(), word) == words.end()) words.push_back(std::move(word));
  }
  return words;
}

std::string ContainsPattern(std::string_view word) {
  std::string pattern = "%";
  for (char c : word) {
    if (c == '%' || c == '_' || c == kLikeEscape) pattern += kLikeEscape;
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

std::int64_t CountMatches(std::string_view text, const std::vector<std::string>& words) {
  return static_cast<std::int64_t>(FindMatches(AsciiLower(text), words).size());
}

std::vector<std::string> Snippets(std::string_view text, const std::vector<std::string>& words,
                                  std::size_t max_snippets) {
  std::vector<std::string> snippets;
  if (max_snippets == 0) return snippets;
  std::size_t covered = 0;  // text before this offset is in an excerpt already
  for (const Match& match : FindMatches(AsciiLower(text), words)) {
    if (match.position < covered) continue;
    const auto [start, end] = ExcerptRange(text, match, covered);
    std::string excerpt = TrimSpaces(text.substr(start, end - start));
    if (start > 0) excerpt.insert(0, "...");
    if (end < text.size()) excerpt += "...";
    snippets.push_back(std::move(excerpt));
    covered = end;
    if (snippets.size() == max_snippets) break;
  }
  return snippets;
}

}  // namespace reflector::store
