#include "llm/extractive/word_lists.hpp"

#include <algorithm>
#include <unordered_set>

namespace reflector::llm::words {
namespace {

using WordSet = std::unordered_set<std::string_view>;

// clang-format off
const WordSet kCapitalised = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "english", "europe", "american", "european"};

const WordSet kFiniteVerbs = {
    "am", "are", "is", "was", "were", "will", "would", "can", "could", "should", "shall", "must", "have",
    "has", "had", "do", "does", "did", "need", "needs", "want", "wants", "it's", "that's", "there's", "we're",
    "they're", "i'm", "you're", "he's", "she's", "what's", "let's", "i'll", "we'll", "you'll", "they'll",
    "it'll", "i've", "we've", "they've", "don't", "doesn't", "didn't", "can't", "won't", "isn't", "aren't",
    "wasn't", "couldn't", "i'd", "we'd", "go", "goes", "get", "gets", "think", "know"};

const WordSet kSubjectPronouns = {
    "i", "we", "you", "they", "he", "she", "it", "nobody", "everyone", "everybody", "someone", "somebody",
    "people", "this", "that", "there"};

const WordSet kDangling = {
    "a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "in", "on", "at", "from", "by", "our",
    "my", "your", "their", "his", "her", "its", "is", "are", "was", "were", "that", "this", "we", "i", "you",
    "they", "so", "because", "if", "than", "very", "as", "into", "about", "will", "would", "can", "could",
    "should", "be", "been", "have", "has", "had", "do", "does", "did", "not", "when", "where", "which", "who",
    "what", "then", "also", "just", "really"};

const WordSet kDeterminers = {"the", "a", "an", "our", "your", "their", "my", "this", "that", "every", "each", "all"};

const WordSet kLeadMarkers = {
    "so", "then", "okay", "ok", "alright", "right", "yes", "yeah", "good", "great", "fine", "perfect", "agreed",
    "well", "and", "now", "oh", "sure", "but", "also", "honestly", "lovely", "wonderful", "excellent", "thanks",
    "anyway"};

const WordSet kDiscourseMarkers = {"and", "so", "but", "okay", "ok", "well", "yeah", "yes", "oh", "right", "now",
                                   "alright", "anyway"};

const WordSet kSubordinators = {"if", "when", "because", "although", "unless", "while", "whether", "though", "since",
                                "until", "before", "after"};

const WordSet kNumbers = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                          "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand"};

const WordSet kQuestionStarts = {"can", "could", "do", "does", "did", "is", "are", "was", "were", "will", "would",
                                 "should", "how", "what", "why", "where", "who", "which", "have", "has", "shall"};

const WordSet kDecisiveLeads = {"so", "then", "okay", "ok", "alright", "fine", "agreed", "good", "great", "perfect"};

const WordSet kModals = {"can", "could", "would", "might", "may", "should", "must", "cannot", "can't"};

const WordSet kObjectStarts = {
    "the", "a", "an", "our", "your", "their", "my", "this", "that", "it", "them", "us", "him", "her",
    "everyone", "one", "some", "all", "two", "three"};

const WordSet kProposing = {"think", "propose", "suggest", "guess", "say"};

const WordSet kScheduleVerbs = {
    "goes", "moves", "stays", "waits", "comes", "starts", "launches", "ends", "opens", "closes", "becomes",
    "leads", "takes", "reviews", "sends", "runs", "handles", "owns", "keeps", "drops", "rises", "changes",
    "shifts", "remains", "continues", "replaces", "joins", "slips", "happens", "stay", "wait", "go",
    "move", "keep"};

const WordSet kMetaVerbs = {
    "start", "begin", "talk", "go", "see", "look", "decide", "sum", "summarise", "summarize", "repeat",
    "recap", "continue", "wrap", "get", "hear", "think", "say", "know", "thank", "let", "wait", "come", "mind",
    "welcome", "sorry", "excuse", "please", "sound", "try", "need", "have", "be", "do", "keep", "hope", "guess",
    "believe", "want", "like", "love", "agree", "discuss", "check", "remember", "tell", "ask", "focus", "learn",
    "mean", "imagine", "move", "take", "give"};

// Besides the lead markers, what a sentence that only agrees or concludes may say.
const WordSet kAgreement = {"i", "agree", "am", "convinced", "it", "is", "it's", "decided", "than", "we",
                            "that's", "deal", "sounds", "fair", "enough", "let", "us", "let's", "do", "here"};
// clang-format on

}  // namespace

bool IsCapitalised(std::string_view term) {
  return kCapitalised.contains(term);
}
bool IsFiniteVerb(std::string_view term) {
  return kFiniteVerbs.contains(term);
}
bool IsSubjectPronoun(std::string_view term) {
  return kSubjectPronouns.contains(term);
}
bool IsDangling(std::string_view term) {
  return kDangling.contains(term);
}
bool IsDeterminer(std::string_view term) {
  return kDeterminers.contains(term);
}
bool IsLeadMarker(std::string_view term) {
  return kLeadMarkers.contains(term);
}
bool IsDiscourseMarker(std::string_view term) {
  return kDiscourseMarkers.contains(term);
}
bool IsSubordinator(std::string_view term) {
  return kSubordinators.contains(term);
}
bool IsNumber(std::string_view term) {
  return kNumbers.contains(term);
}
bool IsQuestionStart(std::string_view term) {
  return kQuestionStarts.contains(term);
}
bool IsDecisiveLead(std::string_view term) {
  return kDecisiveLeads.contains(term);
}
bool IsModal(std::string_view term) {
  return kModals.contains(term);
}
bool IsObjectStart(std::string_view term) {
  return kObjectStarts.contains(term);
}
bool IsProposing(std::string_view term) {
  return kProposing.contains(term);
}
bool IsScheduleVerb(std::string_view term) {
  return kScheduleVerbs.contains(term);
}

bool IsMetaVerb(std::string_view term) {
  if (kMetaVerbs.contains(term)) return true;
  for (std::string_view suffix : {"ed", "d", "s", "ing"}) {
    if (term.size() > suffix.size() + 2 && term.ends_with(suffix) &&
        kMetaVerbs.contains(term.substr(0, term.size() - suffix.size()))) {
      return true;
    }
  }
  return false;
}

bool StartsWork(std::string_view term) {
  for (std::string_view verb : {"start", "begin", "move", "keep", "take", "check"}) {
    if (term.starts_with(verb)) return true;
  }
  return false;
}

bool IsAgreementOnly(std::span<const std::string> terms) {
  // "i agree with bob", "i agree with that".
  if (terms.size() >= 2 && terms.size() <= 4 && terms[0] == "i" && terms[1] == "agree") return true;
  return !terms.empty() && std::all_of(terms.begin(), terms.end(), [](const std::string& term) {
    return kLeadMarkers.contains(term) || kAgreement.contains(term);
  });
}

}  // namespace reflector::llm::words
