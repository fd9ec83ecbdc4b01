// Settings from the environment and .env: typos of setting names fail start-up with the
// closest name, wherever they were set; unrelated variables are left alone.

#include "app/environment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace reflector::app {
namespace {

using reflector::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

class EnvironmentTest : public ::testing::Test {
 protected:
  std::string DotEnv(const std::string& text) {
    std::ofstream(dir_ / ".env") << text;
    return (dir_ / ".env").string();
  }

  TempDir dir_;
};

TEST_F(EnvironmentTest, TypoInTheEnvironmentNamesTheClosestSetting) {
  auto settings = LoadSettings({{"TRANSCRIPT_BAKEND", "modal"}, {"HOME", "/home/alice"}}, "");
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(settings.error().message,
              HasSubstr("TRANSCRIPT_BAKEND is not a setting; did you mean TRANSCRIPT_BACKEND? "
                        "(set in the environment)"));
}

TEST_F(EnvironmentTest, TypoInDotEnvNamesTheFile) {
  const std::string path = DotEnv("# settings\nLLM_MODEL=phi\nZULIP_BOT_EMIAL=bot@example.com\n");
  auto settings = LoadSettings({}, path);
  ASSERT_FALSE(settings.ok());
  EXPECT_THAT(
      settings.error().message,
      HasSubstr("ZULIP_BOT_EMIAL is not a setting; did you mean ZULIP_BOT_EMAIL? (set in " + path + ")"));
  EXPECT_THAT(settings.error().message, Not(HasSubstr("LLM_MODEL")));
}

TEST_F(EnvironmentTest, EveryProblemIsReportedAtOnce) {
  const std::string path = DotEnv("DAILY_API_KYE=k\n");
  auto settings = LoadSettings({{"CONDUCTOR_ENABLD", "true"}, {"LOG_LEVEL", "loud"}}, path);
  ASSERT_FALSE(settings.ok());
  for (const char* expected : {"CONDUCTOR_ENABLD is not a setting; did you mean CONDUCTOR_ENABLED?",
                               "DAILY_API_KYE is not a setting; did you mean DAILY_API_KEY?",
                               "LOG_LEVEL unknown log level 'loud'"}) {
    EXPECT_THAT(settings.error().message, HasSubstr(expected));
  }
}

TEST_F(EnvironmentTest, CorrectNamesAreAcceptedFromBothSources) {
  const std::string path =
      DotEnv("LLM_MODEL=from-file\nTRANSCRIPT_BACKEND=pocketsphinx\nDATA_DIR=/ignored\n");
  auto settings = LoadSettings({{"DATA_DIR", "/srv/reflector"}, {"LOG_LEVEL", "debug"}}, path);
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->llm_model, "from-file");
  EXPECT_EQ(settings->data_dir, "/srv/reflector");  // the environment wins
  EXPECT_EQ(settings->log_level, log::Level::kDebug);
}

TEST_F(EnvironmentTest, UnrelatedVariablesAreIgnored) {
  const std::string path = DotEnv("POSTGRES_PASSWORD=x\nEDITOR=vi\n");
  auto settings = LoadSettings({{"HOME", "/home/alice"},
                                {"LANG", "C.UTF-8"},
                                {"PATH", "/usr/bin"},
                                {"LC_ALL", "C"},
                                {"AWS_CA_BUNDLE", "/etc/ssl/ca.pem"},
                                {"REFLECTOR_TEST_DATABASE_URL", "postgresql://x"},
                                {"TRANSCRIPT", "no underscore, no prefix"}},
                               path);
  EXPECT_TRUE(settings.ok()) << settings.error().message;
}

TEST_F(EnvironmentTest, DotEnvTextWithoutAFile) {
  auto settings = LoadSettingsFromText({{"DATA_DIR", "/srv/reflector"}},
                                       "DATA_DIR=/ignored\nLLM_MODEL=from-text\n", "x.env");
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->llm_model, "from-text");
  EXPECT_EQ(settings->data_dir, "/srv/reflector");  // the environment wins
  auto typo = LoadSettingsFromText({}, "LLM_MODLE=x\n", "x.env");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.error().message,
              HasSubstr("LLM_MODLE is not a setting; did you mean LLM_MODEL? (set in x.env)"));
  auto malformed = LoadSettingsFromText({}, "not a line\n", "x.env");
  ASSERT_FALSE(malformed.ok());
  EXPECT_THAT(malformed.error().message, HasSubstr("x.env"));
}

TEST_F(EnvironmentTest, ReadsTheProcessEnvironment) {
  ASSERT_EQ(::setenv("LLM_MODLE", "x", 1), 0);
  auto settings = LoadSettings("");
  ::unsetenv("LLM_MODLE");
  ASSERT_FALSE(settings.ok());
  EXPECT_THAT(settings.error().message, HasSubstr("LLM_MODLE is not a setting; did you mean LLM_MODEL?"));
  EXPECT_EQ(ReadEnvironment().count("LLM_MODLE"), 0U);
  EXPECT_EQ(ReadEnvironment().count("PATH"), 1U);
}

}  // namespace
}  // namespace reflector::app
