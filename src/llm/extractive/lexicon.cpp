#include "llm/extractive/lexicon.hpp"

#include <array>
#include <charconv>
#include <fstream>
#include <map>
#include <mutex>
#include <span>
#include <sstream>

namespace reflector::llm {
namespace {

constexpr std::uint8_t Bit(PartOfSpeech part) {
  return static_cast<std::uint8_t>(part);
}

// Index of a part of speech in Entry::uses and the exception lists (adverbs have neither).
constexpr std::size_t kNounSlot = 0;
constexpr std::size_t kVerbSlot = 1;
constexpr std::size_t kAdjectiveSlot = 2;

// Nouns in everyday use that are newer than WordNet 3.0 (2006).
constexpr std::array kRecentNouns = std::to_array<std::string_view>({
    "app",        "blog",    "chatbot",  "checkout",   "dashboard", "email",   "homepage",   "inbox",
    "laptop",     "login",   "offsite",  "onboarding", "podcast",   "roadmap", "screenshot", "signup",
    "smartphone", "startup", "username", "webinar",    "website",   "wifi",    "workflow",
});

// WordNet's detachment rules (morphy): suffix -> ending of the lemma, per part of speech.
struct Detachment {
  std::string_view suffix;
  std::string_view ending;
};
constexpr std::array kNounRules = std::to_array<Detachment>({
    {"s", ""},
    {"ses", "s"},
    {"xes", "x"},
    {"zes", "z"},
    {"ches", "ch"},
    {"shes", "sh"},
    {"men", "man"},
    {"ies", "y"},
});
constexpr std::array kVerbRules = std::to_array<Detachment>({
    {"s", ""},
    {"ies", "y"},
    {"es", "e"},
    {"es", ""},
    {"ed", "e"},
    {"ed", ""},
    {"ing", "e"},
    {"ing", ""},
});
constexpr std::array kAdjectiveRules = std::to_array<Detachment>({
    {"er", ""},
    {"est", ""},
    {"er", "e"},
    {"est", "e"},
});

Error Missing(const std::filesystem::path& file) {
  return Error::Terminal(ErrorKind::kNotFound, "WordNet word list " + file.string() +
                                                   " cannot be read (install the Debian package " +
                                                   std::string(Lexicon::kPackage) + ")");
}

Result<std::string> ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Missing(file);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Missing(file);
  return std::move(text).str();
}

// Calls fn(line) for every line of `text`.
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    fn(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// A lemma made of lower-case ASCII letters and apostrophes only: compounds ("ice_cream"),
// hyphenated words and numbers never come out of a recogniser as one word.
bool IsPlainWord(std::string_view lemma) {
  if (lemma.empty()) return false;
  for (char c : lemma) {
    if (!((c >= 'a' && c <= 'z') || c == '\'')) return false;
  }
  return true;
}

std::string_view FirstField(std::string_view line) {
  return line.substr(0, line.find(' '));
}

}  // namespace

const Lexicon::Entry* Lexicon::Find(std::string_view lemma) const {
  auto it = lemmas_.find(lemma);
  return it == lemmas_.end() ? nullptr : &it->second;
}

Result<Lexicon> Lexicon::Load(const std::filesystem::path& dir) {
  Lexicon lexicon;
  REFLECTOR_TRY(lexicon.ReadIndexes(dir));
  REFLECTOR_TRY(lexicon.ReadExceptions(dir));
  REFLECTOR_TRY(lexicon.ReadTagCounts(dir));
  return lexicon;
}

Status Lexicon::ReadIndexes(const std::filesystem::path& dir) {
  lemmas_.reserve(90000);
  const std::pair<std::string_view, PartOfSpeech> indexes[] = {{"index.noun", PartOfSpeech::kNoun},
                                                               {"index.verb", PartOfSpeech::kVerb},
                                                               {"index.adj", PartOfSpeech::kAdjective},
                                                               {"index.adv", PartOfSpeech::kAdverb}};
  for (const auto& [name, part_of_speech] : indexes) {
    REFLECTOR_ASSIGN_OR_RETURN(std::string text, ReadFile(dir / name));
    const PartOfSpeech part = part_of_speech;
    ForEachLine(text, [&](std::string_view line) {
      if (line.empty() || line.front() == ' ') return;  // the licence text at the top
      const std::string_view lemma = FirstField(line);
      if (IsPlainWord(lemma)) lemmas_[std::string(lemma)].parts |= Bit(part);
    });
  }
  for (std::string_view noun : kRecentNouns)
    lemmas_[std::string(noun)].parts |= Bit(PartOfSpeech::kNoun);
  return Ok();
}

Status Lexicon::ReadExceptions(const std::filesystem::path& dir) {
  const std::pair<std::string_view, std::size_t> exception_lists[] = {
      {"noun.exc", kNounSlot}, {"verb.exc", kVerbSlot}, {"adj.exc", kAdjectiveSlot}};
  for (const auto& [name, list_slot] : exception_lists) {
    REFLECTOR_ASSIGN_OR_RETURN(std::string text, ReadFile(dir / name));
    const std::size_t slot = list_slot;
    ForEachLine(text, [&](std::string_view line) {
      const std::string_view inflected = FirstField(line);
      if (inflected.size() == line.size()) return;
      const std::string_view lemma = FirstField(line.substr(inflected.size() + 1));
      if (IsPlainWord(inflected) && IsPlainWord(lemma)) {
        exceptions_[slot].try_emplace(std::string(inflected), std::string(lemma));
      }
    });
  }
  return Ok();
}

// "sense_key sense_number tag_count", sense_key = "lemma%ss_type:...", ss_type 1 noun, 2 verb,
// 3 adjective, 4 adverb, 5 adjective satellite.
Status Lexicon::ReadTagCounts(const std::filesystem::path& dir) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string counts, ReadFile(dir / "cntlist.rev"));
  ForEachLine(counts, [&](std::string_view line) {
    const std::size_t percent = line.find('%');
    const std::size_t last_space = line.rfind(' ');
    if (percent == std::string_view::npos || last_space == std::string_view::npos ||
        percent + 1 >= line.size()) {
      return;
    }
    auto it = lemmas_.find(line.substr(0, percent));
    if (it == lemmas_.end()) return;
    std::uint32_t uses = 0;
    const std::string_view number = line.substr(last_space + 1);
    std::from_chars(number.data(), number.data() + number.size(), uses);
    const char type = line[percent + 1];
    const std::size_t slot = type == '1' ? kNounSlot : type == '2' ? kVerbSlot : kAdjectiveSlot;
    if (type == '1' || type == '2' || type == '3' || type == '5') it->second.uses[slot] += uses;
  });
  return Ok();
}

const Lexicon::Entry* Lexicon::FindAs(std::string_view word, PartOfSpeech part) const {
  const std::uint8_t bit = Bit(part);
  auto has = [&](std::string_view lemma) -> const Entry* {
    const Entry* entry = Find(lemma);
    return entry != nullptr && (entry->parts & bit) != 0 ? entry : nullptr;
  };
  if (const Entry* entry = has(word)) return entry;
  if (part == PartOfSpeech::kAdverb) return nullptr;
  const std::size_t slot = part == PartOfSpeech::kNoun   ? kNounSlot
                           : part == PartOfSpeech::kVerb ? kVerbSlot
                                                         : kAdjectiveSlot;
  if (auto it = exceptions_[slot].find(word); it != exceptions_[slot].end()) return has(it->second);
  std::span<const Detachment> rules = part == PartOfSpeech::kNoun ? std::span<const Detachment>(kNounRules)
                                      : part == PartOfSpeech::kVerb
                                          ? std::span<const Detachment>(kVerbRules)
                                          : std::span<const Detachment>(kAdjectiveRules);
  std::string lemma;
  for (const Detachment& rule : rules) {
    if (word.size() <= rule.suffix.size() || !word.ends_with(rule.suffix)) continue;
    lemma.assign(word.substr(0, word.size() - rule.suffix.size()));
    lemma += rule.ending;
    if (const Entry* entry = has(lemma)) return entry;
  }
  return nullptr;
}

WordClass Lexicon::Classify(std::string_view word) const {
  WordClass word_class;
  if (const Entry* entry = FindAs(word, PartOfSpeech::kNoun)) {
    word_class.parts |= Bit(PartOfSpeech::kNoun);
    word_class.noun_uses = entry->uses[kNounSlot];
  }
  if (const Entry* entry = FindAs(word, PartOfSpeech::kVerb)) {
    word_class.parts |= Bit(PartOfSpeech::kVerb);
    word_class.verb_uses = entry->uses[kVerbSlot];
  }
  if (const Entry* entry = FindAs(word, PartOfSpeech::kAdjective)) {
    word_class.parts |= Bit(PartOfSpeech::kAdjective);
    word_class.adjective_uses = entry->uses[kAdjectiveSlot];
  }
  if (FindAs(word, PartOfSpeech::kAdverb) != nullptr) word_class.parts |= Bit(PartOfSpeech::kAdverb);
  return word_class;
}

bool Lexicon::IsVerbLemma(std::string_view word) const {
  const Entry* entry = Find(word);
  return entry != nullptr && (entry->parts & Bit(PartOfSpeech::kVerb)) != 0;
}

Result<std::shared_ptr<const Lexicon>> SharedLexicon(const std::filesystem::path& dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::shared_ptr<const Lexicon>> loaded;
  std::lock_guard lock(mutex);
  const std::filesystem::path key = dir.lexically_normal();
  if (auto it = loaded.find(key); it != loaded.end()) return it->second;
  REFLECTOR_ASSIGN_OR_RETURN(Lexicon lexicon, Lexicon::Load(key));
  auto shared = std::make_shared<const Lexicon>(std::move(lexicon));
  loaded.emplace(key, shared);
  return shared;
}

}  // namespace reflector::llm
