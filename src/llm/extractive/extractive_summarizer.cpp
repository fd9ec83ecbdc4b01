#include "llm/extractive/extractive_summarizer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "llm/extractive/phrases.hpp"
#include "llm/extractive/sentences.hpp"
#include "llm/extractive/statements.hpp"
#include "llm/extractive/term_cache.hpp"
#include "llm/extractive/word_lists.hpp"
#include "llm/terms.hpp"
#include "llm/text.hpp"

#ifndef REFLECTOR_WORDNET_DIR
#define REFLECTOR_WORDNET_DIR "/usr/share/wordnet"
#endif

namespace reflector::llm {
namespace {

constexpr std::size_t kMaxTopicSummaryChars = 300;
constexpr std::size_t kMaxParagraphChars = 600;
constexpr std::size_t kKeySentencesPerSection = 3;
constexpr std::size_t kMaxRecapNames = 8;
constexpr std::size_t kMaxRecapSubjects = 3;
constexpr std::size_t kMaxRecapDecisions = 8;
constexpr std::size_t kMaxRecapActions = 4;
constexpr double kSameStatement = 0.5;  // statements sharing this share of their stems are one
constexpr std::string_view kNoContentTitle = "General Discussion";
constexpr std::string_view kEllipsis = "\u2026";

Error Stopped(std::string_view method) {
  return Error::Cancelled("extractive summarizer: " + std::string(method) + " stopped before it finished");
}

// "A", "A and B", "A, B and C".
std::string JoinList(std::span<const std::string> items, std::string_view last_joiner = " and ") {
  std::string joined;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) joined += (i + 1 == items.size()) ? std::string(last_joiner) : ", ";
    joined += items[i];
  }
  return joined;
}

// `text` cut at a word boundary to at most `max_chars` code points, with an ellipsis when cut.
std::string Shorten(const std::string& text, std::size_t max_chars) {
  if (CodePointCount(text) <= max_chars) return text;
  std::string shortened;
  for (std::string_view word : SplitWords(text)) {
    const std::size_t extra = (shortened.empty() ? 0 : 1) + CodePointCount(word);
    if (CodePointCount(shortened) + extra + 1 > max_chars) break;
    if (!shortened.empty()) shortened += ' ';
    shortened += word;
  }
  return shortened + std::string(kEllipsis);
}

struct Analysis {
  std::vector<Sentence> sentences;
  KeyPhrases phrases;
  std::vector<std::optional<Statement>> statements;  // per sentence
};

Analysis Analyse(std::span<const Word> words, const SpeakerNames& names, TermCache& cache) {
  Analysis analysis;
  analysis.sentences = SplitSentences(words, cache);
  analysis.phrases = FindKeyPhrases(analysis.sentences, cache);
  analysis.statements = FindStatements(analysis.sentences, names, cache);
  return analysis;
}

// How much of what the key phrases are about a sentence says, per square root of its length.
double SentenceScore(const Sentence& sentence, const KeyPhrases& phrases, TermCache& cache) {
  std::unordered_set<std::string_view> seen;
  double sum = 0;
  for (const std::string& term : sentence.terms) {
    const TermInfo& info = cache.Get(term);
    if (info.stopword || !seen.insert(info.stem).second) continue;
    auto it = phrases.stem_weights.find(info.stem);
    if (it != phrases.stem_weights.end()) sum += it->second;
  }
  return sum / std::sqrt(static_cast<double>(sentence.terms.size()));
}

// Indices of the best `max` sentences in [begin, end) that read as sentences and state no
// decision or action, in spoken order.
std::vector<std::size_t> KeySentences(const Analysis& analysis, std::size_t begin, std::size_t end,
                                      std::size_t max, TermCache& cache) {
  std::vector<std::pair<double, std::size_t>> scored;
  for (std::size_t i = begin; i < end; ++i) {
    const Sentence& sentence = analysis.sentences[i];
    // Decisions and actions are listed on their own, not quoted again.
    if (analysis.statements[i] || !ReadsAsSentence(sentence.terms, cache)) continue;
    scored.emplace_back(SentenceScore(sentence, analysis.phrases, cache), i);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::size_t> chosen;
  for (std::size_t i = 0; i < std::min(max, scored.size()); ++i)
    chosen.push_back(scored[i].second);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

std::string Quote(const Sentence& sentence, const SpeakerNames& names) {
  std::span<const std::string> terms = QuotableTerms(sentence.terms);
  if (terms.empty()) terms = sentence.terms;  // "yeah okay": nothing but markers
  const bool question = !terms.empty() && words::IsQuestionStart(terms.front());
  return SpeakerName(names, sentence.speaker) + ": \"" + RenderTerms(terms, names) +
         (question ? "?\"" : ".\"");
}

// Distinct statements of sentences [begin, end), in spoken order. A statement that repeats an
// earlier one (their common stems are kSameStatement of all their stems) is left out; a decision
// replaces an action.
std::vector<Statement> DistinctStatements(const Analysis& analysis, std::size_t begin, std::size_t end,
                                          TermCache& cache) {
  std::vector<Statement> kept;
  std::vector<std::unordered_set<std::string>> stems_of;
  for (std::size_t i = begin; i < end; ++i) {
    if (!analysis.statements[i]) continue;
    const Statement& statement = *analysis.statements[i];
    std::unordered_set<std::string> stems;
    for (const std::string& term : statement.terms) {
      const TermInfo& info = cache.Get(term);
      if (!info.stopword) stems.insert(info.stem);
    }
    if (stems.empty()) continue;
    bool repeated = false;
    for (std::size_t k = 0; k < kept.size() && !repeated; ++k) {
      std::size_t shared = 0;
      for (const std::string& stem : stems)
        shared += stems_of[k].count(stem);
      const std::size_t both = stems.size() + stems_of[k].size() - shared;
      if (static_cast<double>(shared) >= kSameStatement * static_cast<double>(both)) {
        repeated = true;
        if (kept[k].kind == StatementKind::kAction && statement.kind == StatementKind::kDecision) {
          kept[k] = statement;
          stems_of[k] = stems;
        }
      }
    }
    if (repeated) continue;
    kept.push_back(statement);
    stems_of.push_back(std::move(stems));
  }
  return kept;
}

// The texts of at most `max` statements of `kind`, in spoken order. When there are more, those
// said in a recap come first (a recap lists what the people themselves found important), then
// the earliest.
std::vector<std::string> TextsOf(std::span<const Statement> statements, StatementKind kind, std::size_t max) {
  std::vector<std::size_t> chosen;
  for (bool recap : {true, false}) {
    for (std::size_t i = 0; i < statements.size() && chosen.size() < max; ++i) {
      if (statements[i].kind == kind && statements[i].recap == recap) chosen.push_back(i);
    }
  }
  std::sort(chosen.begin(), chosen.end());
  std::vector<std::string> texts;
  texts.reserve(chosen.size());
  for (std::size_t i : chosen)
    texts.push_back(statements[i].text);
  return texts;
}

std::string JoinStatements(std::span<const std::string> texts) {
  std::string joined;
  for (const std::string& text : texts) {
    if (!joined.empty()) joined += "; ";
    joined += text;
  }
  return joined;
}

// `title` without surrounding quotes, in title case; "" when it has no letter or digit.
std::string NormalizedTitle(std::string_view title) {
  std::string cleaned = TitleCase(CleanTitle(title));
  const bool has_text = std::any_of(cleaned.begin(), cleaned.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c));
  });
  return has_text ? cleaned : "";
}

Result<TermCache> MakeCache(const Lexicon& lexicon, TermInfoStore& store) {
  REFLECTOR_ASSIGN_OR_RETURN(Stemmer stemmer, Stemmer::English());
  return TermCache(lexicon, std::move(stemmer), &store);
}

std::string TopicTitle(const Analysis& analysis, const Lexicon& lexicon) {
  std::string title = BestTitle(analysis.phrases, lexicon);
  return title.empty() ? std::string(kNoContentTitle) : title;
}

std::string TopicSummary(const Analysis& analysis, const SpeakerNames& names, TermCache& cache) {
  const std::size_t count = analysis.sentences.size();
  const std::vector<std::size_t> best = KeySentences(analysis, 0, count, count, cache);
  std::vector<std::size_t> ranked = best;  // by score: recompute order
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    return SentenceScore(analysis.sentences[a], analysis.phrases, cache) >
           SentenceScore(analysis.sentences[b], analysis.phrases, cache);
  });
  std::string first;
  if (!ranked.empty()) {
    first = Quote(analysis.sentences[ranked.front()], names);
  } else if (count > 0) {
    first = Quote(analysis.sentences.front(), names);
  }
  std::string second;
  const std::vector<Statement> statements = DistinctStatements(analysis, 0, count, cache);
  const std::vector<std::string> decisions = TextsOf(statements, StatementKind::kDecision, 1);
  if (!decisions.empty()) {
    second = "Decided: " + decisions.front() + ".";
  } else {
    for (std::size_t index : ranked) {
      if (!ranked.empty() &&
          analysis.sentences[index].speaker != analysis.sentences[ranked.front()].speaker) {
        second = Quote(analysis.sentences[index], names);
        break;
      }
    }
  }
  if (!second.empty() && CodePointCount(first) + 1 + CodePointCount(second) <= kMaxTopicSummaryChars) {
    return first + " " + second;
  }
  return Shorten(first, kMaxTopicSummaryChars);
}

// Sentences [begin, end) of the analysis that belong to one topic.
struct SentenceRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::vector<SentenceRange> SentenceRanges(std::span<const std::vector<Word>> sections,
                                          const Analysis& analysis) {
  std::vector<SentenceRange> ranges;
  std::size_t word_end = 0;
  std::size_t s = 0;
  for (const auto& section : sections) {
    word_end += section.size();
    const std::size_t begin = s;
    while (s < analysis.sentences.size() && analysis.sentences[s].first_word < word_end)
      ++s;
    ranges.push_back(SentenceRange{begin, s});
  }
  return ranges;
}

// Topics with the same title, in timeline order.
struct Subject {
  std::string title;
  std::vector<std::size_t> topics;
  std::size_t words = 0;  // of its topics, when they are known; else the number of topics
};

// The subjects of `topics`, at most kMaxSubjects: the longest ones when there are more.
std::vector<Subject> GroupSubjects(std::span<const TopicDraft> topics,
                                   std::span<const std::vector<Word>> sections) {
  std::vector<Subject> subjects;
  std::unordered_map<std::string, std::size_t> by_title;
  for (std::size_t t = 0; t < topics.size(); ++t) {
    const std::string title = NormalizedTitle(topics[t].title);
    if (title.empty()) continue;
    auto [it, inserted] = by_title.try_emplace(AsciiLowerCase(title), subjects.size());
    if (inserted) subjects.push_back(Subject{title, {}, 0});
    subjects[it->second].topics.push_back(t);
    subjects[it->second].words += sections.empty() ? 1 : sections[t].size();
  }
  if (subjects.size() <= kMaxSubjects) return subjects;
  std::vector<std::size_t> order(subjects.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return subjects[a].words > subjects[b].words; });
  order.resize(kMaxSubjects);
  std::sort(order.begin(), order.end());
  std::vector<Subject> kept;
  kept.reserve(order.size());
  for (std::size_t i : order)
    kept.push_back(std::move(subjects[i]));
  return kept;
}

// Up to kKeySentencesPerSection quoted key sentences per topic of the subject (at most
// kMaxParagraphChars), then its decisions and actions.
std::string Paragraph(const Subject& subject, std::span<const SentenceRange> ranges, const Analysis& analysis,
                      const SpeakerNames& names, TermCache& cache) {
  std::string paragraph;
  auto add = [&](const std::string& text) { paragraph += (paragraph.empty() ? "" : " ") + text; };
  std::vector<Statement> statements;
  for (std::size_t t : subject.topics) {
    for (std::size_t index :
         KeySentences(analysis, ranges[t].begin, ranges[t].end, kKeySentencesPerSection, cache)) {
      const std::string quote = Quote(analysis.sentences[index], names);
      if (CodePointCount(paragraph) + 1 + CodePointCount(quote) > kMaxParagraphChars) break;
      add(quote);
    }
    for (Statement& statement : DistinctStatements(analysis, ranges[t].begin, ranges[t].end, cache))
      statements.push_back(std::move(statement));
  }
  const std::vector<std::string> decided = TextsOf(statements, StatementKind::kDecision, kMaxRecapDecisions);
  const std::vector<std::string> actions = TextsOf(statements, StatementKind::kAction, kMaxRecapActions);
  if (!decided.empty()) add("Decided: " + JoinStatements(decided) + ".");
  if (!actions.empty()) add("Actions: " + JoinStatements(actions) + ".");
  return paragraph;
}

// Who met and about what; what they decided; who does what.
std::string Recap(std::span<const Word> words, const SpeakerNames& names,
                  std::span<const std::string> subjects, const Analysis& analysis, TermCache& cache) {
  std::vector<int> speakers;
  for (const Word& word : words) {
    if (std::find(speakers.begin(), speakers.end(), word.speaker) == speakers.end())
      speakers.push_back(word.speaker);
  }
  std::vector<std::string> people;
  for (std::size_t i = 0; i < std::min(speakers.size(), kMaxRecapNames); ++i)
    people.push_back(SpeakerName(names, speakers[i]));
  if (speakers.size() > kMaxRecapNames)
    people.push_back(std::to_string(speakers.size() - kMaxRecapNames) + " others");
  const std::span<const std::string> about = subjects.first(std::min(subjects.size(), kMaxRecapSubjects));
  std::string recap = people.empty() ? "The meeting covered " + JoinList(about) + "."
                                     : JoinList(people) + " met about " + JoinList(about) + ".";
  const std::vector<Statement> statements = DistinctStatements(analysis, 0, analysis.sentences.size(), cache);
  const std::vector<std::string> decided = TextsOf(statements, StatementKind::kDecision, kMaxRecapDecisions);
  const std::vector<std::string> actions = TextsOf(statements, StatementKind::kAction, kMaxRecapActions);
  if (!decided.empty()) recap += " Decided: " + JoinStatements(decided) + ".";
  if (!actions.empty()) recap += " Actions: " + JoinStatements(actions) + ".";
  return recap;
}

}  // namespace

std::filesystem::path ExtractiveOptions::DefaultWordNetDir() {
  return REFLECTOR_WORDNET_DIR;
}

ExtractiveSummarizer::ExtractiveSummarizer(ExtractiveOptions options)
    : options_(std::move(options)), terms_(std::make_unique<TermInfoStore>()) {}

ExtractiveSummarizer::~ExtractiveSummarizer() = default;

Result<std::shared_ptr<const Lexicon>> ExtractiveSummarizer::GetLexicon() const {
  auto lexicon = SharedLexicon(options_.wordnet_dir);
  if (!lexicon.ok()) return lexicon.error().WithContext("extractive summarizer");
  return lexicon;
}

Result<TopicDraft> ExtractiveSummarizer::DescribeTopic(std::span<const Word> chunk, const SpeakerNames& names,
                                                       std::stop_token stop) {
  if (stop.stop_requested()) return Stopped("DescribeTopic");
  REFLECTOR_ASSIGN_OR_RETURN(std::shared_ptr<const Lexicon> lexicon, GetLexicon());
  if (chunk.empty()) return TopicDraft{};
  REFLECTOR_ASSIGN_OR_RETURN(TermCache cache, MakeCache(*lexicon, *terms_));
  const Analysis analysis = Analyse(chunk, names, cache);
  if (stop.stop_requested()) return Stopped("DescribeTopic");
  return TopicDraft{TopicTitle(analysis, *lexicon), TopicSummary(analysis, names, cache)};
}

Result<std::string> ExtractiveSummarizer::Title(std::span<const TopicDraft> topics, std::stop_token stop) {
  if (stop.stop_requested()) return Stopped("Title");
  REFLECTOR_ASSIGN_OR_RETURN(std::shared_ptr<const Lexicon> lexicon, GetLexicon());
  std::vector<std::string> titles;
  for (const TopicDraft& topic : topics) {
    std::string title = NormalizedTitle(topic.title);
    if (!title.empty() && std::find(titles.begin(), titles.end(), title) == titles.end()) {
      titles.push_back(std::move(title));
    }
  }
  if (titles.empty()) return std::string();
  if (titles.size() == 1 && !TitleShapeProblem(titles.front(), *lexicon)) return titles.front();

  // The topic title that runs through most topics: for each topic, the share of the title's
  // words in its title and summary; the opening topic, which usually says what the meeting is
  // for, counts one and a half more.
  REFLECTOR_ASSIGN_OR_RETURN(TermCache cache, MakeCache(*lexicon, *terms_));
  auto stems_of = [&](std::string_view text) {
    std::unordered_set<std::string> stems;
    for (std::string_view token : SplitWords(text)) {
      const std::string term = NormalizedTerm(token);
      if (!term.empty() && !cache.Get(term).stopword) stems.insert(cache.Get(term).stem);
    }
    return stems;
  };
  std::vector<std::unordered_set<std::string>> topic_stems;
  for (const TopicDraft& topic : topics)
    topic_stems.push_back(stems_of(topic.title + " " + topic.summary));
  std::string title;
  double best = -1;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const std::string candidate = NormalizedTitle(topics[i].title);
    if (candidate.empty() || TitleShapeProblem(candidate, *lexicon)) continue;
    const std::unordered_set<std::string> own = stems_of(candidate);
    double score = i == 0 ? 1.5 : 0.0;
    for (const auto& stems : topic_stems) {
      const auto shared = std::count_if(own.begin(), own.end(),
                                        [&](const std::string& stem) { return stems.contains(stem); });
      score += own.empty() ? 0.0 : static_cast<double>(shared) / static_cast<double>(own.size());
    }
    if (score > best) {
      best = score;
      title = candidate;
    }
  }
  if (title.empty()) title = titles.front();
  return LimitWords(title, kMaxTitleWords);
}

Result<SummaryDraft> ExtractiveSummarizer::Summarize(std::span<const TopicDraft> topics,
                                                     std::span<const Word> words, const SpeakerNames& names,
                                                     std::stop_token stop) {
  if (stop.stop_requested()) return Stopped("Summarize");
  REFLECTOR_ASSIGN_OR_RETURN(std::shared_ptr<const Lexicon> lexicon, GetLexicon());
  if (topics.empty()) return SummaryDraft{};
  REFLECTOR_ASSIGN_OR_RETURN(TermCache cache, MakeCache(*lexicon, *terms_));

  // The pipeline's topics are SplitTopics(words): when they match, each subject's paragraph is
  // built from its own words; otherwise from the topics' summaries.
  const std::vector<std::vector<Word>> sections = SplitTopics(words);
  const bool matched = sections.size() == topics.size();
  const Analysis analysis = Analyse(words, names, cache);
  if (stop.stop_requested()) return Stopped("Summarize");
  const std::vector<SentenceRange> ranges =
      matched ? SentenceRanges(sections, analysis) : std::vector<SentenceRange>(topics.size());
  const std::vector<Subject> subjects =
      GroupSubjects(topics, matched ? sections : std::span<const std::vector<Word>>());
  if (subjects.empty()) return SummaryDraft{};

  SummaryDraft draft;
  std::vector<SubjectParagraph> paragraphs;
  for (const Subject& subject : subjects) {
    std::string paragraph;
    if (matched) {
      paragraph = Paragraph(subject, ranges, analysis, names, cache);
    } else {
      for (std::size_t t : subject.topics) {
        if (!topics[t].summary.empty()) paragraph += (paragraph.empty() ? "" : " ") + topics[t].summary;
      }
    }
    draft.subjects.push_back(subject.title);
    paragraphs.push_back(SubjectParagraph{subject.title, std::move(paragraph)});
  }
  std::string recap = Recap(words, names, draft.subjects, analysis, cache);
  draft.long_summary = SummaryMarkdown(recap, paragraphs);
  draft.short_summary = std::move(recap);
  return draft;
}

}  // namespace reflector::llm
