#include "llm/terms.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "llm/text.hpp"

namespace reflector::llm {
namespace {

// English function words, contraction parts, spoken fillers and words too generic for a title.
// Words under 3 characters never count, so they are not listed.
// clang-format off
constexpr std::array kStopwords = std::to_array<std::string_view>({
    // function words
    "able", "about", "above", "after", "again", "against", "all", "already", "also", "although", "always",
    "among", "and", "another", "any", "anybody", "anyone", "anything", "anyway", "are", "around", "because",
    "been", "before", "being", "below", "between", "both", "but", "can", "cannot", "could", "did", "does",
    "doing", "down", "during", "each", "either", "else", "enough", "etc", "even", "ever", "every",
    "everybody", "everyone", "everything", "few", "for", "from", "further", "had", "has", "have", "having",
    "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "instead", "into", "its",
    "itself", "just", "less", "many", "may", "might", "mine", "more", "most", "much", "must", "myself",
    "neither", "never", "nobody", "none", "nor", "not", "nothing", "now", "off", "once", "one", "only",
    "onto", "other", "others", "our", "ours", "ourselves", "out", "over", "own", "per", "quite", "rather",
    "same", "shall", "she", "should", "since", "some", "somebody", "someone", "something", "somewhat", "such",
    "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this",
    "those", "though", "through", "thus", "too", "toward", "towards", "under", "until", "upon", "very", "was",
    "were", "what", "whatever", "when", "whenever", "where", "whether", "which", "while", "who", "whoever",
    "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours",
    "yourself", "yourselves",
    // contractions as recognisers spell them
    "ain't", "aren't", "can't", "couldn't", "didn't", "doesn't", "don't", "hadn't", "hasn't", "haven't",
    "he'd", "he'll", "he's", "here's", "how's", "i'd", "i'll", "i'm", "i've", "isn't", "it'd", "it'll",
    "it's", "let's", "she'd", "she'll", "she's", "shouldn't", "that'll", "that's", "there's", "they'd",
    "they'll", "they're", "they've", "wasn't", "we'd", "we'll", "we're", "we've", "weren't", "what's",
    "where's", "who's", "won't", "wouldn't", "you'd", "you'll", "you're", "you've", "aren", "couldn", "didn",
    "doesn", "hadn", "hasn", "haven", "isn", "shouldn", "wasn", "weren", "wouldn",
    // spoken fillers and vague verbs
    "actually", "ahead", "alright", "anyways", "basically", "bit", "came", "come", "comes", "coming", "cool",
    "definitely", "done", "exactly", "fine", "get", "gets", "getting", "give", "goes", "going", "gonna",
    "good", "got", "gotta", "great", "guess", "guys", "hello", "hey", "hmm", "honestly", "kind", "know",
    "knows", "let", "lets", "like", "literally", "look", "looking", "looks", "lot", "lots", "make", "makes",
    "making", "maybe", "mean", "means", "mhm", "nice", "okay", "perfect", "please", "pretty", "probably",
    "put", "really", "right", "said", "say", "saying", "says", "see", "seems", "sort", "still", "stuff",
    "sure", "take", "talk", "talked", "talking", "tell", "thank", "thanks", "thing", "things", "think",
    "thinking", "thought", "told", "totally", "try", "trying", "uhm", "want", "wanna", "wanted", "wants",
    "way", "ways", "well", "went", "yeah", "yep", "yes", "yup",
    // numbers, time words and words too generic for a title
    "back", "call", "day", "discuss", "discussed", "discussion", "eight", "first", "five", "four", "general",
    "last", "little", "meeting", "new", "next", "nine", "old", "people", "point", "question", "questions",
    "second", "seven", "six", "ten", "three", "time", "times", "today", "tomorrow", "two", "yesterday",
    // time words: when something happens is never what a meeting is about
    "afternoon", "april", "august", "december", "evening", "february", "friday", "hour", "hours", "january",
    "july", "june", "march", "minute", "minutes", "monday", "month", "months", "morning", "night",
    "november", "october", "saturday", "september", "sunday", "thursday", "tonight", "tuesday",
    "wednesday", "week", "weekend", "weeks", "year", "years",
});

// Hesitations and recogniser markers that carry nothing; removed from quoted sentences.
constexpr std::array kFillers = std::to_array<std::string_view>({
    "ah", "eh", "er", "erm", "hm", "hmm", "mhm", "mm", "uh", "uhm", "um", "umm",
});
// clang-format on

bool IsAsciiPunct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

}  // namespace

void NormalizeTerm(std::string_view token, std::string& out) {
  out.clear();
  if (!token.empty() && (token.front() == '<' || token.front() == '[')) return;
  std::size_t begin = 0;
  std::size_t end = token.size();
  while (begin < end && IsAsciiPunct(token[begin]))
    ++begin;
  while (end > begin && IsAsciiPunct(token[end - 1]))
    --end;
  for (std::size_t i = begin; i < end; ++i) {
    char c = token[i];
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

std::string NormalizedTerm(std::string_view token) {
  std::string out;
  NormalizeTerm(token, out);
  return out;
}

bool IsStopword(std::string_view term) {
  static const std::unordered_set<std::string_view> kStopwordSet(kStopwords.begin(), kStopwords.end());
  return kStopwordSet.contains(term);
}

bool IsFiller(std::string_view term) {
  static const std::unordered_set<std::string_view> kFillerSet(kFillers.begin(), kFillers.end());
  return kFillerSet.contains(term);
}

bool IsContentTerm(std::string_view term) {
  if (CodePointCount(term) < 3) return false;
  const bool has_letter = std::any_of(term.begin(), term.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  return has_letter && !IsStopword(term);
}

}  // namespace reflector::llm
