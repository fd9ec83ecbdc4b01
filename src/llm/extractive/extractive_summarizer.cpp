#include "llm/extractive/extractive_summarizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "llm/extractive/salience.hpp"
#include "llm/text.hpp"

namespace reflector::llm {
namespace {

constexpr std::size_t kMinTopicTitleTerms = 2;
constexpr std::size_t kMaxTopicTitleTerms = 4;
constexpr std::size_t kSalientTerms = 8;  // terms that make a turn representative
constexpr std::size_t kMaxTopicSummaryChars = 300;
constexpr std::size_t kMinQuoteChars = 40;  // a second quote shorter than this is left out
constexpr std::size_t kMaxTitleTopics = 3;
constexpr std::size_t kMaxParagraphChars = 600;
constexpr std::size_t kMaxRecapNames = 8;
constexpr std::size_t kStopCheckInterval = 4096;  // words between two looks at the stop token
constexpr std::string_view kNoContentTitle = "General Discussion";
constexpr std::string_view kEllipsis = "\u2026";

Error Stopped(std::string_view method) {
  return Error::Cancelled("extractive summarizer: " + std::string(method) + " stopped before it finished");
}

bool IsUtf8Start(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
}

// `text` cut to at most `max_chars` code points, at a code point boundary.
std::string TruncateCodePoints(std::string text, std::size_t max_chars) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsUtf8Start(text[i])) continue;
    if (count == max_chars) {
      text.resize(i);
      break;
    }
    ++count;
  }
  return text;
}

// "A", "A and B", "A, B and C".
std::string JoinList(std::span<const std::string> items) {
  std::string joined;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) joined += (i + 1 == items.size()) ? " and " : ", ";
    joined += items[i];
  }
  return joined;
}

// --- topics -------------------------------------------------------------------------------

std::string TopicTitle(const TermTable& table, std::span<const std::size_t> ranked) {
  std::vector<std::size_t> chosen;
  for (std::size_t index : ranked) {
    if (chosen.size() >= kMaxTopicTitleTerms) break;
    // Words said once only fill the title up to its minimum length.
    if (table.terms()[index].count < 2 && chosen.size() >= kMinTopicTitleTerms) break;
    chosen.push_back(index);
  }
  if (chosen.empty()) return std::string(kNoContentTitle);
  std::sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) {
    return table.terms()[a].first_position < table.terms()[b].first_position;
  });
  std::string title;
  for (std::size_t index : chosen) {
    if (!title.empty()) title += ' ';
    title += table.terms()[index].term;
  }
  return CleanTitle(title);
}

// Words [begin, end) of the chunk.
struct WordRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The run of words of `turn` with the highest salience whose text fits `max_chars` code points;
// among equals the longest, then the earliest. A turn whose every word is longer than the
// budget gives its first word (the caller truncates).
WordRange BestWindow(std::span<const Word> chunk, const Segment& turn,
                     std::span<const std::uint64_t> salience, std::size_t max_chars) {
  const std::size_t first = turn.first_word;
  const std::size_t last = first + turn.word_count;
  std::size_t left = first;
  std::uint64_t score = 0;
  std::size_t chars = 0;
  std::size_t non_empty = 0;
  auto length = [&] { return non_empty == 0 ? 0 : chars + non_empty - 1; };
  auto account = [&](std::size_t i, bool add) {
    const std::size_t word_chars = CodePointCount(chunk[i].text);
    const std::size_t present = chunk[i].text.empty() ? 0 : 1;
    if (add) {
      score += salience[i];
      chars += word_chars;
      non_empty += present;
    } else {
      score -= salience[i];
      chars -= word_chars;
      non_empty -= present;
    }
  };

  std::optional<WordRange> best;
  std::uint64_t best_score = 0;
  std::size_t best_length = 0;
  for (std::size_t right = first; right < last; ++right) {
    account(right, true);
    while (length() > max_chars && left < right)
      account(left++, false);
    if (length() > max_chars) continue;
    if (!best || score > best_score || (score == best_score && length() > best_length)) {
      best = WordRange{left, right + 1};
      best_score = score;
      best_length = length();
    }
  }
  return best.value_or(WordRange{first, first + 1});
}

// `Name said "excerpt".` with the excerpt at most `max_quote_chars` code points.
std::string QuoteSentence(std::span<const Word> chunk, const Segment& turn,
                          std::span<const std::uint64_t> salience, const std::string& name,
                          std::size_t max_quote_chars) {
  const std::size_t ellipsis_chars = 2 * CodePointCount(kEllipsis);
  const std::size_t window_chars = max_quote_chars > ellipsis_chars ? max_quote_chars - ellipsis_chars : 1;
  const WordRange window = BestWindow(chunk, turn, salience, window_chars);
  std::string quote;
  if (window.begin > turn.first_word) quote += kEllipsis;
  quote += JoinWords(chunk.subspan(window.begin, window.end - window.begin));
  if (window.end < turn.first_word + turn.word_count) quote += kEllipsis;
  return name + " said \"" + TruncateCodePoints(std::move(quote), max_quote_chars) + "\".";
}

// Code points a quote sentence adds around its excerpt: `Name said "` and `".`.
std::size_t QuoteOverhead(const std::string& name) {
  return CodePointCount(name) + CodePointCount(" said \"") + CodePointCount("\".");
}

std::string TopicSummary(std::span<const Word> chunk, std::span<const Segment> turns,
                         std::span<const std::uint64_t> salience, const SpeakerNames& names) {
  std::vector<double> scores(turns.size(), 0.0);
  for (std::size_t t = 0; t < turns.size(); ++t) {
    std::uint64_t sum = 0;
    for (std::size_t i = turns[t].first_word; i < turns[t].first_word + turns[t].word_count; ++i) {
      sum += salience[i];
    }
    // Dividing by the square root favours dense turns without ignoring long ones.
    scores[t] = static_cast<double>(sum) / std::sqrt(static_cast<double>(turns[t].word_count));
  }
  auto pick = [&](auto&& eligible) {
    std::optional<std::size_t> chosen;
    for (std::size_t t = 0; t < turns.size(); ++t) {
      if (turns[t].text.empty() || !eligible(t)) continue;
      if (!chosen || scores[t] > scores[*chosen]) chosen = t;
    }
    return chosen;
  };
  const std::optional<std::size_t> best = pick([](std::size_t) { return true; });
  if (!best) return "";
  std::optional<std::size_t> other =
      pick([&](std::size_t t) { return turns[t].speaker != turns[*best].speaker && scores[t] > 0; });

  const std::string best_name = SpeakerName(names, turns[*best].speaker);
  std::string summary;
  if (other) {
    const std::string other_name = SpeakerName(names, turns[*other].speaker);
    const std::size_t overhead = QuoteOverhead(best_name) + QuoteOverhead(other_name) + 1;
    if (overhead + 2 * kMinQuoteChars <= kMaxTopicSummaryChars) {
      const std::size_t quote_chars = (kMaxTopicSummaryChars - overhead) / 2;
      const bool best_first = *best < *other;
      const std::size_t a = best_first ? *best : *other;
      const std::size_t b = best_first ? *other : *best;
      summary = QuoteSentence(chunk, turns[a], salience, best_first ? best_name : other_name, quote_chars) +
                " " +
                QuoteSentence(chunk, turns[b], salience, best_first ? other_name : best_name, quote_chars);
    } else {
      other.reset();
    }
  }
  if (!other) {
    const std::size_t overhead = QuoteOverhead(best_name);
    const std::size_t quote_chars = overhead + kMinQuoteChars <= kMaxTopicSummaryChars
                                        ? kMaxTopicSummaryChars - overhead
                                        : kMinQuoteChars;
    summary = QuoteSentence(chunk, turns[*best], salience, best_name, quote_chars);
  }
  return TruncateCodePoints(std::move(summary), kMaxTopicSummaryChars);
}

// --- meeting ------------------------------------------------------------------------------

// Per topic: how many other titled topics share each content word of its title, summed (0 for
// untitled topics). Titles that share words with many others carry the meeting's main themes.
std::vector<std::uint64_t> SharedTitleScores(std::span<const TopicDraft> topics) {
  TermTable table;
  std::vector<std::vector<std::size_t>> terms_of(topics.size());
  for (std::size_t i = 0; i < topics.size(); ++i) {
    for (std::string_view token : SplitWords(topics[i].title)) {
      const std::size_t term = table.Find(token);
      // Count each term once per topic.
      if (term != TermTable::kNoTerm &&
          std::find(terms_of[i].begin(), terms_of[i].end(), term) != terms_of[i].end()) {
        continue;
      }
      const std::size_t added = table.Add(token, 0, i);
      if (added != TermTable::kNoTerm) terms_of[i].push_back(added);
    }
  }
  std::vector<std::uint64_t> scores(topics.size(), 0);
  for (std::size_t i = 0; i < topics.size(); ++i) {
    for (std::size_t term : terms_of[i])
      scores[i] += table.terms()[term].count - 1;
  }
  return scores;
}

// Topics whose titles have the same content words, in any order and case ("Budget Travel",
// "travel budget"), form one subject, named by its first title.
struct Subject {
  std::string title;
  std::vector<std::size_t> topics;  // indices, in timeline order
  std::uint64_t score = 0;
};

// The sorted content terms of `title`, or its lower-cased words when it has none.
std::string SubjectKey(std::string_view title) {
  std::vector<std::string> terms;
  std::string term;
  for (std::string_view token : SplitWords(title)) {
    NormalizeTerm(token, term);
    if (IsContentTerm(term)) terms.push_back(term);
  }
  if (terms.empty()) return AsciiLowerCase(title);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::string key;
  for (const std::string& t : terms) {
    key += t;
    key += ' ';
  }
  return key;
}

std::vector<Subject> GroupSubjects(std::span<const TopicDraft> topics) {
  const std::vector<std::uint64_t> scores = SharedTitleScores(topics);
  std::vector<Subject> subjects;
  std::unordered_map<std::string, std::size_t> by_key;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    std::string title = CleanTitle(topics[i].title);
    if (title.empty()) continue;
    auto [it, inserted] = by_key.try_emplace(SubjectKey(title), subjects.size());
    if (inserted) subjects.push_back(Subject{std::move(title), {}, 0});
    Subject& subject = subjects[it->second];
    subject.topics.push_back(i);
    subject.score += scores[i];
  }
  return subjects;
}

// At most `limit` subjects: the highest scores (earliest first among equals), in timeline order.
std::vector<Subject> MostShared(std::vector<Subject> subjects, std::size_t limit) {
  if (subjects.size() <= limit) return subjects;
  std::vector<std::size_t> order(subjects.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return subjects[a].score > subjects[b].score; });
  order.resize(limit);
  std::sort(order.begin(), order.end());
  std::vector<Subject> kept;
  kept.reserve(limit);
  for (std::size_t i : order)
    kept.push_back(std::move(subjects[i]));
  return kept;
}

std::string Paragraph(std::span<const TopicDraft> topics, const Subject& subject) {
  std::string paragraph;
  std::size_t chars = 0;
  for (std::size_t i : subject.topics) {
    const std::string& summary = topics[i].summary;
    if (summary.empty()) continue;
    const std::size_t summary_chars = CodePointCount(summary);
    if (!paragraph.empty() && chars + 1 + summary_chars > kMaxParagraphChars) break;
    if (!paragraph.empty()) {
      paragraph += ' ';
      ++chars;
    }
    paragraph += summary;
    chars += summary_chars;
  }
  return paragraph;
}

struct Participant {
  int speaker = 0;
  std::size_t words = 0;
};

}  // namespace

Result<TopicDraft> ExtractiveSummarizer::DescribeTopic(std::span<const Word> chunk, const SpeakerNames& names,
                                                       std::stop_token stop) {
  if (stop.stop_requested()) return Stopped("DescribeTopic");
  if (chunk.empty()) return TopicDraft{};

  TermTable table;
  std::vector<std::size_t> word_terms(chunk.size());
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    if (i % kStopCheckInterval == 0 && stop.stop_requested()) return Stopped("DescribeTopic");
    word_terms[i] = table.Add(chunk[i].text, chunk[i].speaker, i);
  }
  const std::vector<std::size_t> ranked = table.Ranked();

  // Only the most salient terms make a turn representative.
  std::vector<std::uint64_t> term_salience(table.terms().size(), 0);
  for (std::size_t k = 0; k < std::min(kSalientTerms, ranked.size()); ++k) {
    term_salience[ranked[k]] = table.terms()[ranked[k]].Weight();
  }
  std::vector<std::uint64_t> word_salience(chunk.size(), 0);
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    if (word_terms[i] != TermTable::kNoTerm) word_salience[i] = term_salience[word_terms[i]];
  }

  const std::vector<Segment> turns = SpeakerTurns(chunk);
  TopicDraft draft;
  draft.title = TopicTitle(table, ranked);
  draft.summary = TopicSummary(chunk, turns, word_salience, names);
  return draft;
}

Result<std::string> ExtractiveSummarizer::Title(std::span<const TopicDraft> topics, std::stop_token stop) {
  if (stop.stop_requested()) return Stopped("Title");
  std::vector<Subject> subjects = GroupSubjects(topics);
  if (subjects.empty()) return std::string();

  std::vector<std::size_t> order(subjects.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return subjects[a].score > subjects[b].score; });

  std::vector<std::size_t> chosen;
  std::size_t words = 0;
  for (std::size_t i : order) {
    if (chosen.size() >= kMaxTitleTopics) break;
    const std::size_t title_words = SplitWords(subjects[i].title).size();
    const std::size_t joiner_words = chosen.size() == 1 ? 1 : 0;  // the "and" of "A and B"
    if (!chosen.empty() && words + joiner_words + title_words > kMaxTitleWords) continue;
    chosen.push_back(i);
    words += joiner_words + title_words;
  }
  std::sort(chosen.begin(), chosen.end());
  std::vector<std::string> titles;
  for (std::size_t i : chosen)
    titles.push_back(subjects[i].title);
  return CleanTitle(LimitWords(JoinList(titles), kMaxTitleWords));
}

Result<SummaryDraft> ExtractiveSummarizer::Summarize(std::span<const TopicDraft> topics,
                                                     std::span<const Word> words, const SpeakerNames& names,
                                                     std::stop_token stop) {
  if (stop.stop_requested()) return Stopped("Summarize");
  std::vector<Subject> subjects = MostShared(GroupSubjects(topics), kMaxSubjects);
  if (subjects.empty()) return SummaryDraft{};

  // Participants in order of their first word, with their word counts.
  std::vector<Participant> participants;
  std::unordered_map<int, std::size_t> slot_of;
  std::size_t slot = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i % kStopCheckInterval == 0 && stop.stop_requested()) return Stopped("Summarize");
    if (participants.empty() || participants[slot].speaker != words[i].speaker) {
      auto [it, inserted] = slot_of.try_emplace(words[i].speaker, participants.size());
      if (inserted) participants.push_back(Participant{words[i].speaker, 0});
      slot = it->second;
    }
    ++participants[slot].words;
  }

  SummaryDraft draft;
  std::vector<SubjectParagraph> paragraphs;
  for (const Subject& subject : subjects) {
    draft.subjects.push_back(subject.title);
    paragraphs.push_back(SubjectParagraph{subject.title, Paragraph(topics, subject)});
  }

  std::string recap;
  if (participants.empty()) {
    recap = "The meeting covered " + JoinList(draft.subjects) + ".";
  } else {
    std::vector<std::string> people;
    for (std::size_t i = 0; i < std::min(participants.size(), kMaxRecapNames); ++i) {
      people.push_back(SpeakerName(names, participants[i].speaker));
    }
    if (participants.size() > kMaxRecapNames) {
      people.push_back(std::to_string(participants.size() - kMaxRecapNames) + " others");
    }
    recap = JoinList(people) + " talked about " + JoinList(draft.subjects) + ".";
    if (participants.size() >= 2) {
      const Participant* top = &participants.front();
      for (const Participant& participant : participants) {
        if (participant.words > top->words) top = &participant;
      }
      const std::size_t percent = (top->words * 100 + words.size() / 2) / words.size();
      recap += " " + SpeakerName(names, top->speaker) + " spoke the most, " + std::to_string(percent) +
               "% of the words.";
    }
  }
  draft.long_summary = SummaryMarkdown(recap, paragraphs);
  draft.short_summary = std::move(recap);
  return draft;
}

}  // namespace reflector::llm
