#pragma once
// What the OpenAI-compatible backend asks the model and how it reads the answers. Pure functions
// (no I/O), thread-safe; exposed so that prompts and the lenient parsing can be tested without a
// server. Change kPromptVersion whenever a prompt or a parser changes what a call returns, so
// that cached results are not reused.
//
// Parsing is lenient about the wrapping and strict about the content: ``` fences, text before
// or after the JSON object and a label such as "Title:" are tolerated; missing fields, wrong
// types and empty values are errors whose messages are meant to be shown to the model.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "llm/summarizer.hpp"
#include "llm/text.hpp"

namespace reflector::llm::openai {

inline constexpr std::string_view kPromptVersion = "prompts-v1";

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// The messages of one call, and how to ask again after an answer that could not be used.
struct Prompt {
  std::vector<ChatMessage> messages;
  // Ends the user message of a re-ask, after "Your answer could not be used: <error>. ".
  std::string answer_again;
  // The answer is a JSON object: servers that support it may be asked for JSON output
  // (`response_format: {"type": "json_object"}`).
  bool json = false;
};

// The user message of a re-ask: "Your answer could not be used: <error>. <answer_again>".
std::string RetryMessage(std::string_view error, const Prompt& prompt);

// --- transcript text ----------------------------------------------------------------------

// "Participants: Alice, Bob": the speakers of `words` in the order they first speak, named with
// SpeakerName. No words give "".
std::string ParticipantsLine(std::span<const Word> words, const SpeakerNames& names);

// One "Name: text" line per speaker turn (SpeakerTurns, FormatTurns), at most `max_chars` code
// points: whole lines while they fit, then "[...]" on a line of its own (a first line longer
// than the budget is cut inside). `complete` (optional) tells whether every turn fitted.
std::string TranscriptLines(std::span<const Word> words, const SpeakerNames& names, std::size_t max_chars,
                            bool* complete = nullptr);

// What the meeting-wide calls (subjects, paragraphs) read, at most about `max_chars` code
// points: the participants, the topics in timeline order ("- title: summary"), and the whole
// transcript when it fits in what is left of the budget (otherwise a note says it was left out:
// the topics cover the whole meeting, a cut transcript would not).
std::string MeetingContext(std::span<const TopicDraft> topics, std::span<const Word> words,
                           const SpeakerNames& names, std::size_t max_chars);

// --- prompts ------------------------------------------------------------------------------

// Title and summary of one chunk; the answer is the JSON object {"title", "summary"}.
Prompt TopicPrompt(std::span<const Word> chunk, const SpeakerNames& names, std::size_t max_chars);
// The meeting title from the topic titles; the answer is the title alone (or {"title"}).
Prompt TitlePrompt(std::span<const TopicDraft> topics, std::size_t max_chars);
// The meeting's main subjects; the answer is {"subjects": [...]}.
Prompt SubjectsPrompt(std::string_view meeting_context);
// One paragraph about one subject; the answer is the paragraph.
Prompt ParagraphPrompt(std::string_view meeting_context, std::string_view subject);
// The recap from the subjects' paragraphs; the answer is the paragraph.
Prompt RecapPrompt(std::string_view participants_line, std::span<const SubjectParagraph> subjects,
                   std::size_t max_chars);

// --- answers ------------------------------------------------------------------------------

// The text inside the first ``` fence (its language tag dropped; an unclosed fence runs to the
// end), or `text` itself when it has none. Surrounding whitespace is trimmed.
std::string StripCodeFences(std::string_view text);

// The first complete JSON object in `text` (braces inside strings are skipped; text before
// and after is ignored; a candidate that does not parse is skipped for the next '{').
Result<Json> FirstJsonObject(std::string_view text);

// {"title", "summary"} (also "Title"/"Summary"), both non-empty strings; the title passes
// through LimitWords(kMaxTitleWords) and CleanTitle.
Result<TopicDraft> ParseTopicAnswer(std::string_view answer);

// The title as plain text (first non-empty line, a "Title:" label, markdown marks and quotes
// removed) or as {"title"}; at most kMaxTitleWords words, CleanTitle applied, non-empty.
Result<std::string> ParseTitleAnswer(std::string_view answer);

// {"subjects": [strings]} (or a bare JSON array of strings; an item may also be an object with a
// string "subject", "name" or "title", or with one field only, a string): trimmed, blanks and duplicates
// (ignoring ASCII case) dropped, at most kMaxSubjects; at least one is required.
Result<std::vector<std::string>> ParseSubjectsAnswer(std::string_view answer);

// A paragraph as plain text: fences and a leading "Paragraph:"/"Summary:"/"Recap:" label
// removed, lines joined with spaces; a JSON object with one string field gives that string.
// `cut_off` (the model hit max_tokens) drops an unfinished last sentence when there is a
// finished one. Non-empty.
Result<std::string> ParseParagraphAnswer(std::string_view answer, bool cut_off = false);

}  // namespace reflector::llm::openai
