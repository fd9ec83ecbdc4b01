// The whole pipeline with the real OpenAI-compatible server and small model that
// scripts/test-services starts (label llm), then the same recording again: the result cache
// answers every transcription and every LLM call.

#include <gtest/gtest.h>

#include <regex>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

struct Calls {
  int transcription_made = -1;
  int transcription_cached = -1;
  int llm_made = -1;
  int llm_cached = -1;
};

// Parses "calls: transcription 3 made, 0 cached; llm 4 made, 0 cached" from stderr.
Calls CallsFrom(const std::string& err) {
  std::smatch match;
  static const std::regex line(
      R"(calls: transcription (\d+) made, (\d+) cached; llm (\d+) made, (\d+) cached)");
  Calls calls;
  if (std::regex_search(err, match, line)) {
    calls = {std::stoi(match[1]), std::stoi(match[2]), std::stoi(match[3]), std::stoi(match[4])};
  }
  return calls;
}

TEST(LlmEndToEndTest, PipelineCompletesWithTheSmallModelAndAReRunIsServedFromTheCache) {
  std::string url = RequireServiceVariable("LLM_URL", "an OpenAI-compatible LLM server");
  ASSERT_FALSE(url.empty()) << "see the message above";
  std::string model = RequireServiceVariable("LLM_MODEL", "an OpenAI-compatible LLM server");
  ASSERT_FALSE(model.empty()) << "see the message above";
  TempDir dir("reflector-llm-e2e");
  auto samples = TestDataDir().parent_path().parent_path() / "samples";
  std::map<std::string, std::string> env = {{"DATA_DIR", (dir.path() / "data").string()},
                                            {"LLM_URL", url},
                                            {"LLM_MODEL", model},
                                            {"LOG_LEVEL", "warning"}};
  std::vector<std::string> args = {BuiltBinary("reflector").string(),
                                   "process",
                                   "--track",
                                   "Alice=" + (samples / "alice.webm").string(),
                                   "--track",
                                   "Bob=" + (samples / "bob.webm").string(),
                                   "--track",
                                   "Carol=" + (samples / "carol.webm").string(),
                                   "--json"};

  auto first = RunCommand(args, env, 900s);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto json_start = first.out.find('{');
  ASSERT_NE(json_start, std::string::npos) << first.out;
  Json transcript = Json::parse(first.out.substr(json_start));
  EXPECT_EQ(transcript["status"], "ended");
  EXPECT_EQ(transcript["provenance"]["llm_backend"], "openai");
  EXPECT_NE(transcript["provenance"]["llm_model"].get<std::string>().find(model), std::string::npos);
  EXPECT_FALSE(transcript["title"].get<std::string>().empty());
  EXPECT_GE(transcript["topics"].size(), 1U);
  std::string summary = transcript["long_summary"].get<std::string>();
  EXPECT_NE(summary.find("# Quick recap"), std::string::npos) << summary;
  EXPECT_NE(summary.find("# Summary"), std::string::npos) << summary;
  Calls before = CallsFrom(first.err);
  EXPECT_EQ(before.transcription_made, 3) << first.err;
  EXPECT_GT(before.llm_made, 0) << first.err;

  auto second = RunCommand(args, env, 900s);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  Calls after = CallsFrom(second.err);
  EXPECT_EQ(after.transcription_made, 0) << second.err;
  EXPECT_EQ(after.transcription_cached, 3) << second.err;
  EXPECT_EQ(after.llm_made, 0) << second.err;
  EXPECT_EQ(after.llm_cached, before.llm_made) << second.err;
  Json again = Json::parse(second.out.substr(second.out.find('{')));
  EXPECT_EQ(again["title"], transcript["title"]);
  EXPECT_EQ(again["long_summary"], transcript["long_summary"]);
}

}  // namespace
}  // namespace reflector::testing
