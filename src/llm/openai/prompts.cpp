#include "llm/openai/prompts.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>

#include "llm/text.hpp"

namespace reflector::llm::openai {
namespace {

constexpr std::string_view kSystem =
    "You are a meeting assistant. You read transcripts of meetings and answer exactly in the form you "
    "are asked for, without any other text.";
constexpr std::string_view kCutMarker = "[...]";
constexpr std::size_t kMaxSubjectWords = 12;
constexpr std::size_t kMaxJsonCandidates = 32;  // '{' positions tried before giving up

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back()))
    text.remove_suffix(1);
  return text;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && AsciiLowerCase(text.substr(0, prefix.size())) == prefix;
}

// `text` cut to at most `max_chars` code points, at a code point boundary.
std::string_view CutCodePoints(std::string_view text, std::size_t max_chars) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U) continue;
    if (count == max_chars) return text.substr(0, i);
    ++count;
  }
  return text;
}

// Lines of `lines` joined with '\n' while they fit in `max_chars` code points; then the cut
// marker. A first line longer than the budget is cut inside.
std::string FitLines(std::span<const std::string> lines, std::size_t max_chars, bool* complete) {
  std::string text;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t line_chars = CodePointCount(lines[i]);
    const std::size_t needed = (text.empty() ? 0 : 1) + line_chars;
    if (chars + needed > max_chars) {
      if (text.empty()) {
        const std::size_t room = max_chars > kCutMarker.size() + 1 ? max_chars - kCutMarker.size() - 1 : 0;
        text = std::string(CutCodePoints(lines[i], room));
      }
      if (!text.empty()) text += '\n';
      text += kCutMarker;
      if (complete != nullptr) *complete = false;
      return text;
    }
    if (!text.empty()) text += '\n';
    text += lines[i];
    chars += needed;
  }
  if (complete != nullptr) *complete = true;
  return text;
}

// Removes one pair of surrounding quotes or markdown emphasis and a final period.
std::string_view StripDecoration(std::string_view text) {
  text = Trim(text);
  for (std::string_view mark : {"**", "__", "\"", "'", "*", "`", "\u201c"}) {
    std::string_view closing = mark == "\u201c" ? "\u201d" : mark;
    if (text.size() >= mark.size() + closing.size() && text.starts_with(mark) && text.ends_with(closing)) {
      text = Trim(text.substr(mark.size(), text.size() - mark.size() - closing.size()));
    }
  }
  if (text.ends_with('.') && !text.ends_with("...")) text.remove_suffix(1);
  return Trim(text);
}

bool IsPlaceholder(std::string_view value) {
  return value.size() >= 2 && value.front() == '<' && value.back() == '>';
}

// The end (one past the closing bracket) of the balanced JSON value that opens at `begin`, or
// npos when the text ends first. Brackets inside strings are skipped.
std::size_t BalancedEnd(std::string_view text, std::size_t begin, char open, char close) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == open) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The first complete JSON value that opens with `open` and parses to `type`.
Result<Json> FirstJsonValue(std::string_view text, char open, char close, std::string_view what) {
  std::optional<std::string> problem;
  std::size_t tried = 0;
  for (std::size_t begin = text.find(open); begin != std::string_view::npos && tried < kMaxJsonCandidates;
       begin = text.find(open, begin + 1), ++tried) {
    const std::size_t end = BalancedEnd(text, begin, open, close);
    if (end == std::string_view::npos) {
      if (!problem)
        problem = "the " + std::string(what) + " is not complete (it has no closing '" + close + "')";
      break;
    }
    try {
      Json value = Json::parse(text.substr(begin, end - begin));
      if ((open == '{' && value.is_object()) || (open == '[' && value.is_array())) return value;
    } catch (const Json::exception& error) {
      if (!problem) {
        std::string message = error.what();
        if (auto bracket = message.find("] "); message.starts_with("[json") && bracket != std::string::npos) {
          message.erase(0, bracket + 2);
        }
        problem = "the " + std::string(what) + " is not valid JSON: " + message;
      }
    }
  }
  return Error::InvalidInput(problem.value_or("the answer contains no " + std::string(what)));
}

// The string value of the first of `keys` present in `object`; errors name the first key.
Result<std::string> StringField(const Json& object, std::initializer_list<std::string_view> keys) {
  const std::string name(*keys.begin());
  for (std::string_view key : keys) {
    auto it = object.find(std::string(key));
    if (it == object.end()) continue;
    if (!it->is_string()) {
      return Error::InvalidInput("\"" + name + "\" must be a string, not " + std::string(JsonTypeName(*it)));
    }
    std::string value(Trim(it->get_ref<const std::string&>()));
    if (value.empty()) return Error::InvalidInput("\"" + name + "\" is empty");
    if (IsPlaceholder(value)) {
      return Error::InvalidInput("\"" + name + "\" is the placeholder " + value + ", not a real value");
    }
    return value;
  }
  return Error::InvalidInput("the JSON object has no \"" + name + "\" field");
}

std::string JoinLines(std::string_view text) {
  std::string joined;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(begin, end - begin));
    if (!line.empty()) {
      if (!joined.empty()) joined += ' ';
      joined += line;
    }
    begin = end + 1;
  }
  return joined;
}

// Drops "<label>:" at the start of `text` when it is one of `labels` (lower-case).
std::string_view StripLabel(std::string_view text, std::initializer_list<std::string_view> labels) {
  text = Trim(text);
  for (std::string_view label : labels) {
    if (StartsWithIgnoringCase(text, label) && text.size() > label.size() && text[label.size()] == ':') {
      return Trim(text.substr(label.size() + 1));
    }
  }
  return text;
}

std::string_view StripMarkdownLead(std::string_view line) {
  line = Trim(line);
  while (!line.empty() && (line.front() == '#' || line.front() == '>' || line.front() == '-')) {
    line = Trim(line.substr(1));
  }
  return line;
}

}  // namespace

std::string RetryMessage(std::string_view error, const Prompt& prompt) {
  std::string_view trimmed = Trim(error);
  while (trimmed.ends_with('.'))
    trimmed.remove_suffix(1);
  return "Your answer could not be used: " + std::string(trimmed) + ". " + prompt.answer_again;
}

std::string ParticipantsLine(std::span<const Word> words, const SpeakerNames& names) {
  std::vector<int> speakers;
  std::set<int> seen;
  for (const Word& word : words) {
    if (seen.insert(word.speaker).second) speakers.push_back(word.speaker);
  }
  if (speakers.empty()) return "";
  std::string line = "Participants: ";
  for (std::size_t i = 0; i < speakers.size(); ++i) {
    if (i > 0) line += ", ";
    line += SpeakerName(names, speakers[i]);
  }
  return line;
}

std::string TranscriptLines(std::span<const Word> words, const SpeakerNames& names, std::size_t max_chars,
                            bool* complete) {
  std::vector<std::string> lines;
  for (const Segment& turn : SpeakerTurns(words)) {
    if (turn.text.empty()) continue;
    lines.push_back(SpeakerName(names, turn.speaker) + ": " + turn.text);
  }
  return FitLines(lines, max_chars, complete);
}

std::string MeetingContext(std::span<const TopicDraft> topics, std::span<const Word> words,
                           const SpeakerNames& names, std::size_t max_chars) {
  std::string context = ParticipantsLine(words, names);
  std::vector<std::string> topic_lines;
  for (const TopicDraft& topic : topics) {
    if (topic.title.empty() && topic.summary.empty()) continue;
    std::string line = "- " + (topic.title.empty() ? std::string("Untitled") : topic.title);
    if (!topic.summary.empty()) line += ": " + topic.summary;
    topic_lines.push_back(std::move(line));
  }
  if (!topic_lines.empty()) {
    if (!context.empty()) context += "\n\n";
    context += "The topics of the meeting, in the order they were discussed:\n";
    const std::size_t used = CodePointCount(context);
    context += FitLines(topic_lines, max_chars > used ? max_chars - used : 0, nullptr);
  }
  if (words.empty()) return context;
  const std::string head = "\n\nThe transcript:\n<transcript>\n";
  const std::string tail = "\n</transcript>";
  const std::size_t used = CodePointCount(context) + head.size() + tail.size();
  bool complete = false;
  std::string transcript = TranscriptLines(words, names, max_chars > used ? max_chars - used : 0, &complete);
  if (complete) {
    context += head + transcript + tail;
  } else {
    context += "\n\n(The transcript is too long to include here; the topics above cover the whole meeting.)";
  }
  return context;
}

Prompt TopicPrompt(std::span<const Word> chunk, const SpeakerNames& names, std::size_t max_chars) {
  std::string user = ParticipantsLine(chunk, names);
  user += "\n\nHere is one part of a meeting transcript:\n<transcript>\n";
  user += TranscriptLines(chunk, names, max_chars);
  user +=
      "\n</transcript>\n\n"
      "Find the main topic of this part; ignore greetings, small talk and remarks about the meeting "
      "itself. Give it a specific, descriptive title of at most 8 words, and a summary of one or two "
      "sentences saying what was discussed, decided or done. Call people by their names.\n"
      "Answer with only a JSON object of this form:\n"
      "{\"title\": \"<the title>\", \"summary\": \"<the summary>\"}";
  return Prompt{{{"system", std::string(kSystem)}, {"user", std::move(user)}},
                "Answer again with only the JSON object {\"title\": \"...\", \"summary\": \"...\"}, "
                "both values plain strings.",
                true};
}

Prompt TitlePrompt(std::span<const TopicDraft> topics, std::size_t max_chars) {
  std::vector<std::string> lines;
  for (const TopicDraft& topic : topics) {
    if (!topic.title.empty()) lines.push_back("- " + topic.title);
  }
  std::string user =
      "Write a short title (at most 10 words) for a meeting that discussed these topics, in this order:\n";
  user += FitLines(lines, max_chars, nullptr);
  user +=
      "\n\nName the main topic or combine the main ones; avoid generic titles such as \"Team Meeting\". "
      "Answer with only the title.";
  return Prompt{{{"system", std::string(kSystem)}, {"user", std::move(user)}},
                "Answer again with only the title, on one line, at most 10 words."};
}

Prompt SubjectsPrompt(std::string_view meeting_context) {
  std::string user(meeting_context);
  user +=
      "\n\nList the main subjects of this meeting as short noun phrases, at most 6, in the order they "
      "were discussed. Leave out things mentioned only in passing.\n"
      "Answer with only a JSON object with one field, \"subjects\": the list of subjects (strings).";
  return Prompt{{{"system", std::string(kSystem)}, {"user", std::move(user)}},
                "Answer again with only the JSON object {\"subjects\": [...]}, a list of at most 6 short "
                "strings.",
                true};
}

Prompt ParagraphPrompt(std::string_view meeting_context, std::string_view subject) {
  std::string user(meeting_context);
  user += "\n\nWrite one paragraph (3 to 5 sentences) about the subject \"";
  user += subject;
  user +=
      "\" of this meeting, for the meeting's summary: what was said about it, what was decided and why, "
      "who will do what, and what is still open. Call people by their names. Use only what the meeting "
      "said about this subject.\n"
      "Answer with only the paragraph.";
  return Prompt{{{"system", std::string(kSystem)}, {"user", std::move(user)}},
                "Answer again with only the paragraph, as plain text."};
}

Prompt RecapPrompt(std::string_view participants_line, std::span<const SubjectParagraph> subjects,
                   std::size_t max_chars) {
  std::vector<std::string> lines;
  for (const SubjectParagraph& subject : subjects)
    lines.push_back("- " + subject.subject + ": " + subject.paragraph);
  std::string user(participants_line);
  if (!user.empty()) user += "\n\n";
  user += "The subjects of a meeting, each with its summary:\n";
  user += FitLines(lines, max_chars, nullptr);
  user +=
      "\n\nWrite a short recap of the whole meeting in one paragraph (2 to 4 sentences) for someone who "
      "missed it: what it was about and its main outcome, without listing every decision or action item. "
      "Do not start with \"During the meeting\".\n"
      "Answer with only the paragraph.";
  return Prompt{{{"system", std::string(kSystem)}, {"user", std::move(user)}},
                "Answer again with only the recap paragraph, as plain text."};
}

std::string StripCodeFences(std::string_view text) {
  const std::size_t fence = text.find("```");
  if (fence == std::string_view::npos) return std::string(Trim(text));
  std::size_t begin = text.find('\n', fence + 3);
  begin = begin == std::string_view::npos ? text.size() : begin + 1;
  std::size_t end = text.find("```", begin);
  if (end == std::string_view::npos) end = text.size();
  return std::string(Trim(text.substr(begin, end - begin)));
}

Result<Json> FirstJsonObject(std::string_view text) {
  return FirstJsonValue(text, '{', '}', "JSON object");
}

Result<TopicDraft> ParseTopicAnswer(std::string_view answer) {
  REFLECTOR_ASSIGN_OR_RETURN(Json object, FirstJsonObject(answer));
  REFLECTOR_ASSIGN_OR_RETURN(std::string title, StringField(object, {"title", "Title"}));
  REFLECTOR_ASSIGN_OR_RETURN(std::string summary, StringField(object, {"summary", "Summary"}));
  TopicDraft draft{CleanTitle(LimitWords(StripDecoration(title), kMaxTitleWords)), JoinLines(summary)};
  if (draft.title.empty()) return Error::InvalidInput("\"title\" is empty");
  return draft;
}

Result<std::string> ParseTitleAnswer(std::string_view answer) {
  const std::string text = StripCodeFences(answer);
  std::string title;
  if (text.find('{') != std::string::npos) {
    auto object = FirstJsonObject(text);
    if (object.ok() && (object->contains("title") || object->contains("Title"))) {
      REFLECTOR_ASSIGN_OR_RETURN(title, StringField(*object, {"title", "Title"}));
    }
  }
  if (title.empty()) {
    std::vector<std::string_view> lines;
    std::size_t begin = 0;
    while (begin <= text.size()) {
      std::size_t end = text.find('\n', begin);
      if (end == std::string::npos) end = text.size();
      std::string_view line = StripMarkdownLead(std::string_view(text).substr(begin, end - begin));
      line = StripLabel(line, {"meeting title", "title"});
      if (!line.empty()) lines.push_back(line);
      begin = end + 1;
    }
    // A lead-in such as "Here is a title:" is followed by the title itself.
    std::size_t pick = 0;
    while (pick + 1 < lines.size() && lines[pick].ends_with(':'))
      ++pick;
    if (!lines.empty()) title = std::string(lines[pick]);
  }
  title = CleanTitle(LimitWords(StripDecoration(title), kMaxTitleWords));
  if (title.empty()) return Error::InvalidInput("the answer has no title");
  return title;
}

Result<std::vector<std::string>> ParseSubjectsAnswer(std::string_view answer) {
  Json list;
  auto object = FirstJsonObject(answer);
  if (object.ok()) {
    auto it = object->find("subjects");
    if (it == object->end()) it = object->find("Subjects");
    if (it == object->end()) return Error::InvalidInput("the JSON object has no \"subjects\" field");
    if (!it->is_array()) {
      return Error::InvalidInput("\"subjects\" must be a list of strings, not " +
                                 std::string(JsonTypeName(*it)));
    }
    list = *it;
  } else {
    auto array = FirstJsonValue(answer, '[', ']', "JSON list");
    if (!array.ok()) return std::move(object).error();
    list = std::move(array).value();
  }
  std::vector<std::string> subjects;
  std::unordered_set<std::string> seen;
  for (const Json& item : list) {
    // Small models like to wrap each subject: {"name": "Budget", "description": "..."} counts
    // as "Budget".
    std::optional<std::string> text;
    if (item.is_string()) {
      text = item.get<std::string>();
    } else if (item.is_object()) {
      for (const char* key : {"subject", "name", "title"}) {
        auto it = item.find(key);
        if (it != item.end() && it->is_string()) {
          text = it->get<std::string>();
          break;
        }
      }
      if (!text && item.size() == 1 && item.begin()->is_string()) text = item.begin()->get<std::string>();
    }
    if (!text) {
      return Error::InvalidInput("\"subjects\" must be a list of strings, but one item is " +
                                 std::string(JsonTypeName(item)));
    }
    std::string subject = LimitWords(StripDecoration(StripMarkdownLead(*text)), kMaxSubjectWords);
    if (subject.empty() || IsPlaceholder(subject)) continue;
    if (!seen.insert(AsciiLowerCase(subject)).second) continue;
    subjects.push_back(std::move(subject));
    if (subjects.size() == kMaxSubjects) break;
  }
  if (subjects.empty()) return Error::InvalidInput("\"subjects\" is empty");
  return subjects;
}

Result<std::string> ParseParagraphAnswer(std::string_view answer, bool cut_off) {
  std::string text = StripCodeFences(answer);
  if (std::string_view(text).starts_with('{')) {
    auto object = FirstJsonObject(text);
    if (object.ok()) {
      std::optional<std::string> value;
      for (const char* key : {"paragraph", "summary", "recap", "text"}) {
        auto it = object->find(key);
        if (it != object->end() && it->is_string()) {
          value = it->get<std::string>();
          break;
        }
      }
      if (!value) {
        std::vector<std::string> strings;
        for (const auto& [key, item] : object->items()) {
          if (item.is_string()) strings.push_back(item.get<std::string>());
        }
        if (strings.size() != 1)
          return Error::InvalidInput("answer with the paragraph as plain text, not JSON");
        value = strings.front();
      }
      text = *value;
    }
  }
  std::string paragraph = JoinLines(StripLabel(StripMarkdownLead(text), {"paragraph", "summary", "recap"}));
  if (cut_off) {
    const std::size_t last = paragraph.find_last_of(".!?");
    if (last != std::string::npos && last + 1 < paragraph.size()) paragraph.resize(last + 1);
  }
  if (paragraph.empty() || IsPlaceholder(paragraph)) return Error::InvalidInput("the answer is empty");
  return paragraph;
}

}  // namespace reflector::llm::openai
