#include "core/config.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include "core/digest.hpp"
#include "core/edit_distance.hpp"
#include "core/text.hpp"

namespace reflector {
namespace {

// One catalogue entry: how to read it into Settings and how to show it.
struct Entry {
  SettingDescription description;
  // Parses `value` into settings; returns a problem text or "" when fine.
  std::function<std::string(Settings&, const std::string&)> parse;
  std::function<std::string(const Settings&)> show;
};

std::string ParseBool(const std::string& value, bool& out) {
  std::string lower = AsciiLower(TrimBlanks(value));
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") {
    out = true;
    return "";
  }
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off" || lower.empty()) {
    out = false;
    return "";
  }
  return "must be true or false, got '" + value + "'";
}

std::string ParsePositiveInt(const std::string& value, int& out) {
  std::string_view trimmed = TrimBlanks(value);
  int parsed = 0;
  auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), parsed);
  if (ec != std::errc{} || end != trimmed.data() + trimmed.size() || parsed <= 0) {
    return "must be a positive integer, got '" + value + "'";
  }
  out = parsed;
  return "";
}

std::string ParseNonNegativeInt(const std::string& value, int& out) {
  if (TrimBlanks(value) == "0") {
    out = 0;
    return "";
  }
  return ParsePositiveInt(value, out);
}

std::string CheckHttpUrl(const std::string& value) {
  if (value.empty() || StartsWith(value, "http://") || StartsWith(value, "https://")) {
    return "";
  }
  return "must be an http:// or https:// URL, got '" + value + "'";
}

Entry Text(std::string name, std::string default_value, std::string description, std::string Settings::*field,
           bool secret = false, bool url = false) {
  Entry entry;
  entry.description = {std::move(name), std::move(default_value), std::move(description), secret};
  entry.parse = [field, url](Settings& s, const std::string& value) {
    if (url) {
      std::string problem = CheckHttpUrl(value);
      if (!problem.empty()) return problem;
    }
    s.*field = value;
    return std::string();
  };
  entry.show = [field](const Settings& s) { return s.*field; };
  return entry;
}

Entry Bool(std::string name, std::string description, bool Settings::*field) {
  Entry entry;
  entry.description = {std::move(name), "false", std::move(description), false};
  entry.parse = [field](Settings& s, const std::string& value) { return ParseBool(value, s.*field); };
  entry.show = [field](const Settings& s) { return std::string(s.*field ? "true" : "false"); };
  return entry;
}

Entry Int(std::string name, std::string default_value, std::string description, int Settings::*field,
          bool allow_zero = false) {
  Entry entry;
  entry.description = {std::move(name), std::move(default_value), std::move(description), false};
  entry.parse = [field, allow_zero](Settings& s, const std::string& value) {
    return allow_zero ? ParseNonNegativeInt(value, s.*field) : ParsePositiveInt(value, s.*field);
  };
  entry.show = [field](const Settings& s) { return std::to_string(s.*field); };
  return entry;
}

Entry S3Text(std::string name, std::string default_value, std::string description,
             std::string S3Settings::*field, bool secret = false, bool url = false,
             S3Settings Settings::*group = &Settings::s3) {
  Entry entry;
  entry.description = {std::move(name), std::move(default_value), std::move(description), secret};
  entry.parse = [field, url, group](Settings& s, const std::string& value) {
    if (url) {
      std::string problem = CheckHttpUrl(value);
      if (!problem.empty()) return problem;
    }
    (s.*group).*field = value;
    return std::string();
  };
  entry.show = [field, group](const Settings& s) { return (s.*group).*field; };
  return entry;
}

// Daily.co's settings: the webhook, the poller, Daily's bucket of raw tracks, reprocessing.
void AddDailyEntries(std::vector<Entry>& list) {
  list.push_back(Text("DAILY_WEBHOOK_SECRET", "",
                      "base64 secret of the Daily.co webhook (POST /v1/daily/webhook); empty: every "
                      "delivery is refused",
                      &Settings::daily_webhook_secret, true));
  Entry poll = Int("DAILY_POLL_SECONDS", "180 with DAILY_WEBHOOK_SECRET, else 15",
                   "seconds between two lists of Daily.co recordings (serve, with DAILY_API_KEY)",
                   &Settings::daily_poll_seconds);
  poll.show = [](const Settings& s) { return std::to_string(s.EffectiveDailyPollSeconds()); };
  list.push_back(std::move(poll));
  constexpr auto kDaily = &Settings::daily_storage;
  list.push_back(S3Text("DAILYCO_STORAGE_AWS_BUCKET_NAME", "",
                        "bucket where Daily.co writes raw tracks; empty: Daily recordings are not processed",
                        &S3Settings::bucket, false, false, kDaily));
  list.push_back(S3Text("DAILYCO_STORAGE_AWS_REGION", "us-east-1", "region of Daily.co's bucket",
                        &S3Settings::region, false, false, kDaily));
  list.push_back(S3Text("DAILYCO_STORAGE_AWS_ACCESS_KEY_ID", "",
                        "access key id for Daily.co's bucket; empty: the transcript storage's backend "
                        "and credentials",
                        &S3Settings::access_key_id, false, false, kDaily));
  list.push_back(S3Text("DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY", "",
                        "secret access key for Daily.co's bucket", &S3Settings::secret_access_key, true,
                        false, kDaily));
  list.push_back(S3Text("DAILYCO_STORAGE_AWS_ENDPOINT_URL", "",
                        "endpoint of Daily.co's bucket on an S3-compatible server; empty for AWS",
                        &S3Settings::endpoint_url, false, true, kDaily));
  list.push_back(Int("REPROCESS_MAX_ATTEMPTS", "3",
                     "automatic re-runs of a Daily recording whose run failed (0: none)",
                     &Settings::reprocess_max_attempts, /*allow_zero=*/true));
  list.push_back(Int("REPROCESS_DELAY_SECONDS", "60",
                     "seconds before the first automatic re-run; doubled for each next one",
                     &Settings::reprocess_delay_seconds));
}

Entry OneOf(std::string name, std::string default_value, std::string description,
            const std::vector<std::string>& allowed,
            const std::function<void(Settings&, const std::string&)>& set,
            std::function<std::string(const Settings&)> show) {
  Entry entry;
  entry.description = {std::move(name), std::move(default_value), std::move(description), false};
  entry.parse = [allowed, set](Settings& s, const std::string& value) {
    std::string lower = AsciiLower(TrimBlanks(value));
    if (std::find(allowed.begin(), allowed.end(), lower) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
      return "must be one of " + list + ", got '" + value + "'";
    }
    set(s, lower);
    return std::string();
  };
  entry.show = std::move(show);
  return entry;
}

const std::vector<Entry>& Entries() {
  static const std::vector<Entry> kEntries = [] {
    std::vector<Entry> list;
    list.push_back(
        Text("DATA_DIR", "./data", "directory for the SQLite database and local files", &Settings::data_dir));
    list.push_back(Text("DATABASE_URL", "sqlite://$DATA_DIR/reflector.sqlite3",
                        "sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:port/db",
                        &Settings::database_url, /*secret=*/false));
    list.push_back(OneOf(
        "TRANSCRIPT_STORAGE_BACKEND", "local", "object storage: local (files under DATA_DIR) or aws/s3",
        {"local", "aws", "s3"},
        [](Settings& s, const std::string& v) {
          s.storage_backend = v == "local" ? StorageBackend::kLocal : StorageBackend::kS3;
        },
        [](const Settings& s) {
          return std::string(s.storage_backend == StorageBackend::kLocal ? "local" : "s3");
        }));
    list.push_back(
        S3Text("TRANSCRIPT_STORAGE_AWS_BUCKET_NAME", "reflector-bucket", "S3 bucket", &S3Settings::bucket));
    list.push_back(S3Text("TRANSCRIPT_STORAGE_AWS_REGION", "us-east-1", "S3 region", &S3Settings::region));
    list.push_back(
        S3Text("TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID", "", "S3 access key id", &S3Settings::access_key_id));
    list.push_back(S3Text("TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY", "", "S3 secret access key",
                          &S3Settings::secret_access_key, /*secret=*/true));
    list.push_back(S3Text("TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL", "",
                          "endpoint of an S3-compatible server (path-style); empty for AWS",
                          &S3Settings::endpoint_url, false, /*url=*/true));
    list.push_back(
        Bool("CONDUCTOR_ENABLED", "run workflows on a Conductor server", &Settings::conductor_enabled));
    list.push_back(Bool("CONDUCTOR_SHADOW_MODE", "run both engines and compare the results",
                        &Settings::conductor_shadow_mode));
    list.push_back(Text("CONDUCTOR_SERVER_URL", "http://localhost:8080/api", "Conductor REST API base",
                        &Settings::conductor_server_url, false, true));
    list.push_back(
        Int("CONDUCTOR_SHADOW_WAIT_SECONDS", "900",
            "shadow mode: how long `reflector process` waits after its run for the shadow run to end "
            "and compares them (0: not at all; `reflector serve` or `reflector shadow report` "
            "compares it later)",
            &Settings::conductor_shadow_wait_seconds, /*allow_zero=*/true));
    Entry level;
    level.description = {"LOG_LEVEL", "info", "trace, debug, info, warning, error or off", false};
    level.parse = [](Settings& s, const std::string& value) {
      auto parsed = log::ParseLevel(TrimBlanks(value));
      if (!parsed) return parsed.error().message;
      s.log_level = *parsed;
      return std::string();
    };
    level.show = [](const Settings& s) { return std::string(log::ToString(s.log_level)); };
    list.push_back(std::move(level));
    list.push_back(OneOf(
        "TRANSCRIPT_BACKEND", "pocketsphinx", "speech to text: pocketsphinx (embedded), modal or openai",
        {"pocketsphinx", "modal", "openai"},
        [](Settings& s, const std::string& v) { s.transcript_backend = v; },
        [](const Settings& s) { return s.transcript_backend; }));
    list.push_back(Text("TRANSCRIPT_URL", "", "base URL of the remote transcription API",
                        &Settings::transcript_url, false, true));
    list.push_back(Text("TRANSCRIPT_MODEL", "", "model name sent to the remote transcription API",
                        &Settings::transcript_model));
    list.push_back(Text("TRANSCRIPT_MODAL_API_KEY", "", "bearer key of the remote transcription API",
                        &Settings::transcript_modal_api_key, true));
    list.push_back(Int("TRANSCRIPT_FILE_TIMEOUT", "600", "seconds allowed for one remote transcription",
                       &Settings::transcript_file_timeout_seconds));
    list.push_back(Text("POCKETSPHINX_MODEL_DIR", "", "PocketSphinx model directory (empty: Debian's en-us)",
                        &Settings::pocketsphinx_model_dir));
    list.push_back(Text("LLM_URL", "", "OpenAI-compatible base URL ending in /v1; empty: offline extractive",
                        &Settings::llm_url, false, true));
    list.push_back(Text("LLM_API_KEY", "", "bearer key for LLM_URL", &Settings::llm_api_key, true));
    list.push_back(Text("LLM_MODEL", "microsoft/phi-4", "model name sent to LLM_URL", &Settings::llm_model));
    list.push_back(
        Int("LLM_CONTEXT_WINDOW", "16000", "tokens the model accepts", &Settings::llm_context_window));
    list.push_back(Int("LLM_PARSE_MAX_RETRIES", "3", "extra attempts when a structured answer does not parse",
                       &Settings::llm_parse_max_retries, /*allow_zero=*/true));
    list.push_back(Int("LLM_TIMEOUT_SECONDS", "120",
                       "longest wait for one LLM answer before the request is tried again",
                       &Settings::llm_timeout_seconds));
    list.push_back(Text("DAILY_API_KEY", "", "Daily.co REST API key", &Settings::daily_api_key, true));
    list.push_back(Text("DAILY_API_URL", "https://api.daily.co/v1", "Daily.co REST API base",
                        &Settings::daily_api_url, false, true));
    AddDailyEntries(list);
    list.push_back(
        Text("ZULIP_REALM", "", "Zulip server host name (or full http(s) URL)", &Settings::zulip_realm));
    list.push_back(Text("ZULIP_API_KEY", "", "Zulip bot API key", &Settings::zulip_api_key, true));
    list.push_back(Text("ZULIP_BOT_EMAIL", "", "Zulip bot e-mail", &Settings::zulip_bot_email));
    list.push_back(Text("UI_BASE_URL", "http://localhost:3000", "base of links to transcripts",
                        &Settings::ui_base_url, false, true));
    list.push_back(OneOf(
        "AUTH_BACKEND", "none",
        "API users: none (loopback only, one local owner) or jwt (RS256 tokens, API keys)", {"none", "jwt"},
        [](Settings& s, const std::string& v) { s.auth_backend = v; },
        [](const Settings& s) { return s.auth_backend; }));
    list.push_back(Text("AUTH_JWT_PUBLIC_KEY", "", "PEM file of the public key that signs RS256 tokens",
                        &Settings::auth_jwt_public_key));
    list.push_back(
        Text("AUTH_JWT_AUDIENCE", "", "audience the tokens must carry", &Settings::auth_jwt_audience));
    list.push_back(Text("SECRET_KEY", "", "keys the stored API-key hashes and signed audio links",
                        &Settings::secret_key, true));
    list.push_back(Int("MAX_UPLOAD_MB", "1024", "largest request body the API accepts, in MiB (413 beyond)",
                       &Settings::max_upload_mb));
    list.push_back(Int("MAX_CONNECTIONS_PER_CLIENT", "64",
                       "open connections one client address may hold (503 beyond; 0: no limit, e.g. "
                       "behind a reverse proxy)",
                       &Settings::max_connections_per_client, true));
    list.push_back(Text("CORS_ORIGIN", "*",
                        "origins allowed to call the API from a browser (comma-separated, or *)",
                        &Settings::cors_origin));
    return list;
  }();
  return kEntries;
}

bool IsSetting(std::string_view name) {
  return std::any_of(Entries().begin(), Entries().end(),
                     [&](const Entry& entry) { return entry.description.name == name; });
}

}  // namespace

const std::vector<std::string>& CheckedSettingPrefixes() {
  static const std::vector<std::string> kPrefixes = [] {
    std::vector<std::string> list;
    for (const Entry& entry : Entries()) {
      const std::string& name = entry.description.name;
      const std::size_t underscore = name.find('_');
      if (underscore == std::string::npos) continue;
      std::string prefix = name.substr(0, underscore + 1);
      const bool unchecked =
          std::find(std::begin(kUncheckedSettingPrefixes), std::end(kUncheckedSettingPrefixes), prefix) !=
          std::end(kUncheckedSettingPrefixes);
      if (!unchecked && std::find(list.begin(), list.end(), prefix) == list.end()) list.push_back(prefix);
    }
    return list;
  }();
  return kPrefixes;
}

std::string ClosestSettingName(std::string_view name) {
  std::string closest;
  std::size_t best = std::string::npos;
  for (const Entry& entry : Entries()) {
    const std::size_t distance = EditDistance(name, entry.description.name);
    if (distance < best) {
      best = distance;
      closest = entry.description.name;
    }
  }
  return closest;
}

namespace {

// "TRANSCRIPT_BAKEND is not a setting; did you mean TRANSCRIPT_BACKEND? (set in .env)" for each
// variable with a checked prefix that is not in the catalogue.
std::vector<std::string> UnknownSettingProblems(const std::map<std::string, std::string>& variables,
                                                const SettingOrigins& origins) {
  std::vector<std::string> problems;
  for (const auto& variable : variables) {
    const std::string& name = variable.first;  // a named reference: lambdas below capture it
    const bool checked = std::any_of(CheckedSettingPrefixes().begin(), CheckedSettingPrefixes().end(),
                                     [&](const std::string& prefix) { return StartsWith(name, prefix); });
    if (!checked || IsSetting(name)) continue;
    std::string problem = name + " is not a setting; did you mean " + ClosestSettingName(name) + "?";
    if (auto origin = origins.find(name); origin != origins.end())
      problem += " (set in " + origin->second + ")";
    problems.push_back(std::move(problem));
  }
  return problems;
}

// A Daily.co entry that cannot work: the pipeline asks Daily's API for the recording and its
// participants and reads the tracks from Daily's bucket.
void AddDailyProblems(const Settings& settings, std::vector<std::string>& problems) {
  if (!settings.daily_webhook_secret.empty()) {
    if (!Base64Decode(settings.daily_webhook_secret).ok())
      problems.push_back("DAILY_WEBHOOK_SECRET must be standard base64 with padding (as Daily.co requires)");
    if (settings.daily_api_key.empty())
      problems.push_back("DAILY_WEBHOOK_SECRET needs DAILY_API_KEY (recordings and participant names)");
    if (settings.daily_storage.bucket.empty())
      problems.push_back("DAILY_WEBHOOK_SECRET needs DAILYCO_STORAGE_AWS_BUCKET_NAME (the raw tracks)");
  }
  const S3Settings& daily = settings.daily_storage;
  if (!daily.access_key_id.empty() && daily.secret_access_key.empty())
    problems.push_back("DAILYCO_STORAGE_AWS_ACCESS_KEY_ID needs DAILYCO_STORAGE_AWS_SECRET_ACCESS_KEY");
  if (!daily.access_key_id.empty() && daily.region.empty())
    problems.push_back("DAILYCO_STORAGE_AWS_REGION is required for Daily.co's bucket");
}

}  // namespace

std::string Settings::EffectiveDatabaseUrl() const {
  if (!database_url.empty()) return database_url;
  return "sqlite://" + data_dir + "/reflector.sqlite3";
}

int Settings::EffectiveDailyPollSeconds() const {
  if (daily_poll_seconds > 0) return daily_poll_seconds;
  return daily_webhook_secret.empty() ? 15 : 180;
}

const std::vector<SettingDescription>& SettingCatalogue() {
  static const std::vector<SettingDescription> kCatalogue = [] {
    std::vector<SettingDescription> list;
    for (const Entry& entry : Entries())
      list.push_back(entry.description);
    return list;
  }();
  return kCatalogue;
}

Result<Settings> ParseSettings(const std::map<std::string, std::string>& variables,
                               const SettingOrigins& origins) {
  Settings settings;
  std::vector<std::string> problems = UnknownSettingProblems(variables, origins);
  for (const Entry& entry : Entries()) {
    auto it = variables.find(entry.description.name);
    if (it == variables.end()) continue;
    std::string problem = entry.parse(settings, it->second);
    if (!problem.empty()) problems.push_back(entry.description.name + " " + problem);
  }
  std::string db = settings.EffectiveDatabaseUrl();
  if (!StartsWith(db, "sqlite://") && !StartsWith(db, "postgresql://") && !StartsWith(db, "postgres://")) {
    problems.push_back("DATABASE_URL must start with sqlite:// or postgresql://, got '" + db + "'");
  }
  if (settings.data_dir.empty()) problems.push_back("DATA_DIR must not be empty");
  if (settings.storage_backend == StorageBackend::kS3) {
    if (settings.s3.bucket.empty())
      problems.push_back("TRANSCRIPT_STORAGE_AWS_BUCKET_NAME is required for S3 storage");
    if (settings.s3.region.empty())
      problems.push_back("TRANSCRIPT_STORAGE_AWS_REGION is required for S3 storage");
    if (settings.s3.access_key_id.empty()) {
      problems.push_back("TRANSCRIPT_STORAGE_AWS_ACCESS_KEY_ID is required for S3 storage");
    }
    if (settings.s3.secret_access_key.empty()) {
      problems.push_back("TRANSCRIPT_STORAGE_AWS_SECRET_ACCESS_KEY is required for S3 storage");
    }
  }
  AddDailyProblems(settings, problems);
  if (settings.conductor_shadow_mode && !settings.conductor_enabled) {
    problems.push_back("CONDUCTOR_SHADOW_MODE=true needs CONDUCTOR_ENABLED=true");
  }
  if ((settings.transcript_backend == "modal" || settings.transcript_backend == "openai") &&
      settings.transcript_url.empty()) {
    problems.push_back("TRANSCRIPT_URL is required when TRANSCRIPT_BACKEND=" + settings.transcript_backend);
  }
  if (!problems.empty()) {
    std::string message = "invalid configuration:";
    for (const auto& problem : problems)
      message += "\n  - " + problem;
    return Error::InvalidInput(message);
  }
  return settings;
}

std::vector<std::pair<std::string, std::string>> DescribeSettings(
    const Settings& settings, const std::function<std::string(std::string_view url)>& redact_url) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Entry& entry : Entries()) {
    std::string value = entry.show(settings);
    if (entry.description.secret && !value.empty()) value = "<set, redacted>";
    if (entry.description.name == "DATABASE_URL") value = redact_url(settings.EffectiveDatabaseUrl());
    rows.emplace_back(entry.description.name, value);
  }
  return rows;
}

}  // namespace reflector
