#include "llm/extractive/lexicon.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "llm/extractive/term_cache.hpp"
#include "transcript_builder.hpp"

namespace reflector::llm {
namespace {

using testing::RequireWordNet;

TEST(Lexicon, KnowsPartsOfSpeechOfInflectedForms) {
  auto lexicon = RequireWordNet();
  ASSERT_TRUE(lexicon);
  EXPECT_TRUE(lexicon->Classify("budget").Is(PartOfSpeech::kNoun));
  EXPECT_TRUE(lexicon->Classify("engineers").Is(PartOfSpeech::kNoun));  // suffix rule
  EXPECT_TRUE(lexicon->Classify("geese").Is(PartOfSpeech::kNoun));      // noun.exc
  EXPECT_TRUE(lexicon->Classify("went").Is(PartOfSpeech::kVerb));       // verb.exc
  EXPECT_TRUE(lexicon->Classify("shipped").Is(PartOfSpeech::kVerb));
  EXPECT_TRUE(lexicon->Classify("cheaper").Is(PartOfSpeech::kAdjective));
  EXPECT_TRUE(lexicon->Classify("quickly").Is(PartOfSpeech::kAdverb));
  EXPECT_TRUE(lexicon->Classify("decide").OnlyVerb());
  EXPECT_FALSE(lexicon->Classify("ship").OnlyVerb());
  EXPECT_FALSE(lexicon->Classify("xyzzyq").Known());
  EXPECT_TRUE(lexicon->Classify("app").Is(PartOfSpeech::kNoun));  // newer than WordNet 3.0
  EXPECT_TRUE(lexicon->IsVerbLemma("ship"));
  EXPECT_FALSE(lexicon->IsVerbLemma("shipped"));
}

TEST(Lexicon, TagCountsTellTheUsualReading) {
  auto lexicon = RequireWordNet();
  ASSERT_TRUE(lexicon);
  EXPECT_TRUE(lexicon->Classify("keep").MostlyVerb());
  EXPECT_TRUE(lexicon->Classify("need").MostlyVerb());
  EXPECT_FALSE(lexicon->Classify("ship").MostlyVerb());
  EXPECT_FALSE(lexicon->Classify("budget").MostlyVerb());
  EXPECT_GT(lexicon->Classify("time").noun_uses, lexicon->Classify("budget").noun_uses);
}

TEST(Lexicon, MissingFilesNameTheFileAndThePackage) {
  const auto dir = std::filesystem::temp_directory_path() / "reflector-no-wordnet";
  auto lexicon = Lexicon::Load(dir);
  ASSERT_FALSE(lexicon.ok());
  EXPECT_EQ(lexicon.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(lexicon.error().message.find((dir / "index.noun").string()), std::string::npos)
      << lexicon.error().message;
  EXPECT_NE(lexicon.error().message.find("wordnet-base"), std::string::npos) << lexicon.error().message;
  EXPECT_FALSE(SharedLexicon(dir).ok());
}

TEST(Lexicon, IsLoadedOnceAndShared) {
  auto first = RequireWordNet();
  ASSERT_TRUE(first);
  auto again = SharedLexicon(ExtractiveOptions::DefaultWordNetDir());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(first.get(), again->get());
  EXPECT_GT(first->size(), 70000U);
}

TEST(TermCache, AnswersOncePerTermAndSharesThroughTheStore) {
  auto lexicon = RequireWordNet();
  ASSERT_TRUE(lexicon);
  TermInfoStore store;
  auto first_stemmer = Stemmer::English();
  auto second_stemmer = Stemmer::English();
  ASSERT_TRUE(first_stemmer.ok() && second_stemmer.ok());
  TermCache first(*lexicon, std::move(*first_stemmer), &store);
  TermCache second(*lexicon, std::move(*second_stemmer), &store);
  const TermInfo& engineers = first.Get("engineers");
  EXPECT_EQ(engineers.stem, "engin");
  EXPECT_TRUE(engineers.word_class.Is(PartOfSpeech::kNoun));
  EXPECT_FALSE(engineers.stopword);
  EXPECT_TRUE(first.Get("the").stopword);
  EXPECT_TRUE(first.Get("um").filler);
  EXPECT_EQ(&first.Get("engineers"), &engineers);   // once per call
  EXPECT_EQ(&second.Get("engineers"), &engineers);  // and once for all calls sharing the store
  ASSERT_NE(store.Find("engineers"), nullptr);
  EXPECT_EQ(store.Find("unseen"), nullptr);
}

}  // namespace
}  // namespace reflector::llm
