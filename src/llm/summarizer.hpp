#pragma once
// The summarisation seam. The pipeline turns the merged, speaker-attributed word list into
// topics, a meeting title and summaries through a Summarizer; it never sees prompts.
//
// Backends (sibling folders): extractive/ (offline, deterministic, from the words themselves;
// used when no LLM is configured) and openai/ (any OpenAI-compatible chat completions server).
//
// The pipeline's side of the contract: it splits the words into topics with SplitTopics (text.hpp) and
// calls DescribeTopic once per chunk, concurrently; it passes the topics in timeline order to
// Title and Summarize; it uses "Untitled Meeting" itself when there are no topics. Results may be
// cached under a hash of the input, Backend() and Model().

#include <cstddef>
#include <map>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace reflector::llm {

// One recognised word. Times in seconds from the start of the recording; `speaker` is the track
// index. Recognisers such as PocketSphinx give lower-case words without punctuation; backends
// accept any UTF-8 text.
struct Word {
  std::string text;
  double start = 0;
  double end = 0;
  int speaker = 0;
};

// Display name per speaker index. Unknown (or empty) names read "Speaker {i}" (see SpeakerName).
using SpeakerNames = std::map<int, std::string>;

// What a backend says about one chunk of the transcript.
struct TopicDraft {
  std::string title;    // a short title in title case (CleanTitle or, extractive, TitleCase)
  std::string summary;  // at most about two sentences
};

// What a backend says about the whole meeting.
struct SummaryDraft {
  std::string long_summary;           // markdown, laid out by SummaryMarkdown (text.hpp)
  std::string short_summary;          // the recap: one paragraph
  std::vector<std::string> subjects;  // at most kMaxSubjects, in the order they are presented
};

inline constexpr std::size_t kMaxSubjects = 6;
inline constexpr std::size_t kMaxTitleWords = 10;

// Implementations are thread-safe: the pipeline calls DescribeTopic for several chunks at once
// and Title and Summarize concurrently. Every method returns Cancelled (kCancelled) when `stop`
// is requested before it finishes; remote backends return retryable errors for network
// failures, 429 and 5xx, and terminal errors for answers that cannot be used.
class Summarizer {
 public:
  virtual ~Summarizer() = default;

  // Title and summary of one chunk (words in timeline order, usually ~300 of them). An empty
  // chunk gives empty strings.
  virtual Result<TopicDraft> DescribeTopic(std::span<const Word> chunk, const SpeakerNames& names,
                                           std::stop_token stop) = 0;

  // The meeting title (at most kMaxTitleWords words, in title case) from the topics in
  // timeline order. No topics (or only untitled ones) give "".
  virtual Result<std::string> Title(std::span<const TopicDraft> topics, std::stop_token stop) = 0;

  // Long and short summary and the subjects of the whole meeting, from the topics in timeline
  // order and every word of the meeting. No topics give an empty draft.
  virtual Result<SummaryDraft> Summarize(std::span<const TopicDraft> topics, std::span<const Word> words,
                                         const SpeakerNames& names, std::stop_token stop) = 0;

  // Backend name ("extractive") and model identifier ("extractive-v2"); both are part of any
  // cache key, so a backend changes Model() whenever its output for the same input changes.
  virtual std::string_view Backend() const = 0;
  virtual std::string_view Model() const = 0;
};

}  // namespace reflector::llm
