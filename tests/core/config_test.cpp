#include "core/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace reflector {
namespace {

TEST(ConfigTest, DefaultsNeedNothing) {
  auto settings = ParseSettings({});
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->storage_backend, StorageBackend::kLocal);
  EXPECT_EQ(settings->EffectiveDatabaseUrl(), "sqlite://./data/reflector.sqlite3");
  EXPECT_FALSE(settings->conductor_enabled);
  EXPECT_EQ(settings->transcript_backend, "pocketsphinx");
  EXPECT_EQ(settings->llm_parse_max_retries, 3);
}

TEST(ConfigTest, ReadsReflectorNames) {
  auto settings = ParseSettings({{"DATA_DIR", "/srv/reflector"},
                                 {"TRANSCRIPT_STORAGE_BACKEND", "aws"},
                                 {"TRANSCRIPT_STORAGE_AWS_BUCKET_NAME", "b"},
                                 {"TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID", "AK"},
                                 {"TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY", "SK"},
                                 {"TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL", "http://127.0.0.1:9000"},
                                 {"CONDUCTOR_ENABLED", "true"},
                                 {"CONDUCTOR_SHADOW_MODE", "1"},
                                 {"LOG_LEVEL", "debug"},
                                 {"LLM_CONTEXT_WINDOW", "8000"}});
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->storage_backend, StorageBackend::kS3);
  EXPECT_EQ(settings->s3.bucket, "b");
  EXPECT_EQ(settings->s3.endpoint_url, "http://127.0.0.1:9000");
  EXPECT_TRUE(settings->conductor_enabled);
  EXPECT_TRUE(settings->conductor_shadow_mode);
  EXPECT_EQ(settings->log_level, log::Level::kDebug);
  EXPECT_EQ(settings->llm_context_window, 8000);
  EXPECT_EQ(settings->EffectiveDatabaseUrl(), "sqlite:///srv/reflector/reflector.sqlite3");
}

TEST(ConfigTest, ReportsEveryProblemAtOnce) {
  auto settings = ParseSettings({{"CONDUCTOR_ENABLED", "maybe"},
                                 {"LOG_LEVEL", "loud"},
                                 {"LLM_CONTEXT_WINDOW", "-5"},
                                 {"DATABASE_URL", "mysql://x"},
                                 {"TRANSCRIPT_STORAGE_BACKEND", "s3"},
                                 {"TRANSCRIPT_BACKEND", "modal"},
                                 {"LLM_URL", "localhost:8000"}});
  ASSERT_FALSE(settings.ok());
  const std::string& message = settings.error().message;
  for (const char* expected :
       {"CONDUCTOR_ENABLED must be true or false", "LOG_LEVEL unknown log level 'loud'",
        "LLM_CONTEXT_WINDOW must be a positive integer", "DATABASE_URL must start with sqlite://",
        "TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID is required",
        "TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY is required",
        "TRANSCRIPT_URL is required when TRANSCRIPT_BACKEND=modal",
        "LLM_URL must be an http:// or https:// URL"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << "missing '" << expected << "' in:\n" << message;
  }
}

TEST(ConfigTest, PrefixesComeFromTheCatalogue) {
  const auto& prefixes = CheckedSettingPrefixes();
  for (const char* expected : {"TRANSCRIPT_", "LLM_", "DAILY_", "DAILYCO_", "REPROCESS_", "CONDUCTOR_",
                               "ZULIP_", "DATA_", "DATABASE_", "LOG_", "POCKETSPHINX_", "UI_"}) {
    EXPECT_NE(std::find(prefixes.begin(), prefixes.end(), expected), prefixes.end()) << expected;
  }
  for (const auto& setting : SettingCatalogue()) {
    const std::string prefix = setting.name.substr(0, setting.name.find('_') + 1);
    EXPECT_NE(std::find(prefixes.begin(), prefixes.end(), prefix), prefixes.end()) << setting.name;
  }
  for (std::string_view generic : kUncheckedSettingPrefixes)
    EXPECT_EQ(std::find(prefixes.begin(), prefixes.end(), generic), prefixes.end()) << generic;
}

TEST(ConfigTest, ClosestSettingNameByEditDistance) {
  EXPECT_EQ(ClosestSettingName("TRANSCRIPT_BAKEND"), "TRANSCRIPT_BACKEND");
  EXPECT_EQ(ClosestSettingName("LLM_URLS"), "LLM_URL");
  EXPECT_EQ(ClosestSettingName("DATABASE_URI"), "DATABASE_URL");
  EXPECT_EQ(ClosestSettingName("TRANSCRIPT_STORAGE_AWS_BUCKET"), "TRANSCRIPT_STORAGE_AWS_BUCKET_NAME");
  EXPECT_EQ(ClosestSettingName("LLM_URL"), "LLM_URL");
}

TEST(ConfigTest, UnknownNamesWithASettingPrefixAreProblems) {
  auto settings = ParseSettings({{"TRANSCRIPT_BAKEND", "modal"},
                                 {"LOG_LEVL", "debug"},
                                 {"LLM_URL", "http://127.0.0.1:8000/v1"},
                                 {"HOME", "/home/alice"},
                                 {"LANG", "C.UTF-8"}},
                                {{"LOG_LEVL", ".env"}});
  ASSERT_FALSE(settings.ok());
  const std::string& message = settings.error().message;
  EXPECT_NE(message.find("TRANSCRIPT_BAKEND is not a setting; did you mean TRANSCRIPT_BACKEND?"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("TRANSCRIPT_BACKEND? ("), std::string::npos) << message;  // no origin given
  EXPECT_NE(message.find("LOG_LEVL is not a setting; did you mean LOG_LEVEL? (set in .env)"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("HOME"), std::string::npos) << message;
  EXPECT_EQ(message.find("LLM_URL"), std::string::npos) << message;

  EXPECT_TRUE(
      ParseSettings({{"HOME", "/home/alice"}, {"LANG", "C"}, {"REFLECTOR_TEST_S3_BUCKET", "b"}}).ok());
}

TEST(ConfigTest, ShadowModeNeedsConductor) {
  auto settings = ParseSettings({{"CONDUCTOR_SHADOW_MODE", "true"}});
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.error().message.find("CONDUCTOR_SHADOW_MODE=true needs CONDUCTOR_ENABLED=true"),
            std::string::npos);
}

TEST(ConfigTest, DailySettingsAndTheirDefaults) {
  auto plain = ParseSettings({});
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->EffectiveDailyPollSeconds(), 15) << "without webhooks the poller is the only way in";
  EXPECT_EQ(plain->daily_storage.bucket, "");
  EXPECT_EQ(plain->daily_storage.region, "us-east-1");
  EXPECT_EQ(plain->reprocess_max_attempts, 3);
  EXPECT_EQ(plain->reprocess_delay_seconds, 60);

  auto settings = ParseSettings({{"DAILY_API_KEY", "k"},
                                 {"DAILY_WEBHOOK_SECRET", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},
                                 {"DAILYCO_STORAGE_AWS_BUCKET_NAME", "reflector-dailyco"},
                                 {"DAILYCO_STORAGE_AWS_REGION", "us-west-2"},
                                 {"DAILYCO_STORAGE_AWS_ACCESS_KEY_ID", "AK"},
                                 {"DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY", "SK"},
                                 {"DAILYCO_STORAGE_AWS_ENDPOINT_URL", "http://127.0.0.1:9000"},
                                 {"REPROCESS_MAX_ATTEMPTS", "0"},
                                 {"REPROCESS_DELAY_SECONDS", "5"}});
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->EffectiveDailyPollSeconds(), 180) << "with webhooks the poller only catches losses";
  EXPECT_EQ(settings->daily_storage.bucket, "reflector-dailyco");
  EXPECT_EQ(settings->daily_storage.region, "us-west-2");
  EXPECT_EQ(settings->daily_storage.access_key_id, "AK");
  EXPECT_EQ(settings->daily_storage.endpoint_url, "http://127.0.0.1:9000");
  EXPECT_EQ(settings->s3.bucket, "reflector-bucket") << "the transcript storage is untouched";
  EXPECT_EQ(settings->reprocess_max_attempts, 0);
  EXPECT_EQ(settings->reprocess_delay_seconds, 5);

  auto polled = ParseSettings({{"DAILY_POLL_SECONDS", "30"}});
  ASSERT_TRUE(polled.ok());
  EXPECT_EQ(polled->EffectiveDailyPollSeconds(), 30);
}

TEST(ConfigTest, DailyWebhookNeedsTheApiKeyTheBucketAndABase64Secret) {
  auto settings = ParseSettings({{"DAILY_WEBHOOK_SECRET", "not base64!"},
                                 {"DAILY_POLL_SECONDS", "0"},
                                 {"DAILYCO_STORAGE_AWS_ACCESS_KEY_ID", "AK"},
                                 {"DAILYCO_STORAGE_AWS_ENDPOINT_URL", "minio:9000"},
                                 {"DAILYCO_STORAGE_BUCKET", "b"}});
  ASSERT_FALSE(settings.ok());
  const std::string& message = settings.error().message;
  for (const char* expected :
       {"DAILY_WEBHOOK_SECRET must be standard base64", "DAILY_WEBHOOK_SECRET needs DAILY_API_KEY",
        "DAILY_WEBHOOK_SECRET needs DAILYCO_STORAGE_AWS_BUCKET_NAME",
        "DAILY_POLL_SECONDS must be a positive integer",
        "DAILYCO_STORAGE_AWS_ACCESS_KEY_ID needs DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY",
        "DAILYCO_STORAGE_AWS_ENDPOINT_URL must be an http:// or https:// URL",
        "DAILYCO_STORAGE_BUCKET is not a setting; did you mean "
        "DAILYCO_STORAGE_AWS_BUCKET_NAME?"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << "missing '" << expected << "' in:\n" << message;
  }
  EXPECT_EQ(message.find("not base64!"), std::string::npos) << "the secret is never echoed";
}

TEST(ConfigTest, ShadowWaitIsSecondsAndZeroMeansNoWait) {
  auto defaults = ParseSettings({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->conductor_shadow_wait_seconds, 900);
  auto none = ParseSettings({{"CONDUCTOR_SHADOW_WAIT_SECONDS", "0"}});
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(none->conductor_shadow_wait_seconds, 0);
  EXPECT_FALSE(ParseSettings({{"CONDUCTOR_SHADOW_WAIT_SECONDS", "-5"}}).ok());
}

TEST(ConfigTest, DescribeRedactsSecrets) {
  auto settings = ParseSettings({{"LLM_API_KEY", "sk-very-secret"},
                                 {"DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY", "daily-very-secret"},
                                 {"DATABASE_URL", "postgresql://reflector:hunter2@db:5432/reflector"},
                                 {"ZULIP_BOT_EMAIL", "bot@example.com"}});
  ASSERT_TRUE(settings.ok());
  std::string given;  // the URL handed to the redactor
  auto rows = DescribeSettings(*settings, [&](std::string_view url) {
    given = url;
    return std::string("<redacted URL>");
  });
  auto find = [&](const std::string& name) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.first == name; });
    return it == rows.end() ? std::string("<absent>") : it->second;
  };
  EXPECT_EQ(find("LLM_API_KEY"), "<set, redacted>");
  EXPECT_EQ(find("DAILY_API_KEY"), "");
  EXPECT_EQ(find("DATABASE_URL"), "<redacted URL>");
  EXPECT_EQ(given, "postgresql://reflector:hunter2@db:5432/reflector");
  EXPECT_EQ(find("ZULIP_BOT_EMAIL"), "bot@example.com");
  EXPECT_EQ(rows.size(), SettingCatalogue().size());
  for (const auto& [name, value] : rows) {
    EXPECT_EQ(value.find("sk-very-secret"), std::string::npos) << name;
    EXPECT_EQ(value.find("hunter2"), std::string::npos) << name;
    EXPECT_EQ(value.find("daily-very-secret"), std::string::npos) << name;
  }
}

TEST(ConfigTest, DotEnvParsing) {
  auto values = ParseDotEnv(
      "# comment\n"
      "DATA_DIR=/tmp/x\n"
      "export LOG_LEVEL=debug\n"
      "LLM_MODEL=\"a model # not a comment\"\n"
      "ZULIP_REALM=chat.example.com # trailing comment\n"
      "\n");
  ASSERT_TRUE(values.ok()) << values.error().message;
  EXPECT_EQ(values->at("DATA_DIR"), "/tmp/x");
  EXPECT_EQ(values->at("LOG_LEVEL"), "debug");
  EXPECT_EQ(values->at("LLM_MODEL"), "a model # not a comment");
  EXPECT_EQ(values->at("ZULIP_REALM"), "chat.example.com");

  auto bad = ParseDotEnv("OK=1\nnot a setting\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace reflector
