#pragma once
// The catalogue of settings. Names follow Reflector's where they exist. The values come from
// the environment and an optional `.env` file; only src/app/ reads those, then calls
// ParseSettings once at startup. Every problem is reported together.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/log.hpp"

namespace reflector {

enum class StorageBackend { kLocal, kS3 };

struct S3Settings {
  std::string bucket = "reflector-bucket";
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string endpoint_url;  // empty: https://s3.<region>.amazonaws.com
};

struct Settings {
  std::string data_dir = "./data";
  std::string database_url;  // empty: sqlite in data_dir
  StorageBackend storage_backend = StorageBackend::kLocal;
  S3Settings s3;

  bool conductor_enabled = false;
  bool conductor_shadow_mode = false;
  // `reflector process` in shadow mode: seconds it waits, after its run ended, for the shadow run
  // to end so it can compare them (0: not at all).
  int conductor_shadow_wait_seconds = 900;
  std::string conductor_server_url = "http://localhost:8080/api";

  log::Level log_level = log::Level::kInfo;

  std::string transcript_backend = "pocketsphinx";  // pocketsphinx | modal | openai
  std::string transcript_url;
  std::string transcript_model;
  std::string transcript_modal_api_key;
  int transcript_file_timeout_seconds = 600;
  std::string pocketsphinx_model_dir;  // empty: the Debian package's model

  std::string llm_url;  // empty: the offline extractive backend
  std::string llm_api_key;
  std::string llm_model = "microsoft/phi-4";
  int llm_context_window = 16000;
  int llm_parse_max_retries = 3;
  int llm_timeout_seconds = 120;

  std::string daily_api_key;
  std::string daily_api_url = "https://api.daily.co/v1";
  std::string daily_webhook_secret;  // base64, as given to Daily.co as the webhook's `hmac`
  int daily_poll_seconds = 0;        // 0: the default, see EffectiveDailyPollSeconds
  // Daily.co's bucket of raw tracks. An empty access key: opened with the transcript storage's
  // backend and credentials.
  S3Settings daily_storage{
      .bucket = "", .region = "us-east-1", .access_key_id = "", .secret_access_key = "", .endpoint_url = ""};
  int reprocess_max_attempts = 3;    // automatic re-runs of a failed Daily recording's transcript
  int reprocess_delay_seconds = 60;  // before the first one; doubled for each next one

  std::string zulip_realm;
  std::string zulip_api_key;
  std::string zulip_bot_email;

  std::string ui_base_url = "http://localhost:3000";

  // The API server (`reflector serve`).
  std::string auth_backend = "none";  // none | jwt
  std::string auth_jwt_public_key;    // path of the PEM public key that signs RS256 tokens
  std::string auth_jwt_audience;
  std::string secret_key;  // keys the stored API-key hashes and the audio links
  int max_upload_mb = 1024;
  int max_connections_per_client = 64;
  std::string cors_origin = "*";  // comma-separated origins allowed to call the API, or *

  // The database URL after defaults: "sqlite://<data_dir>/reflector.sqlite3" when unset.
  [[nodiscard]] std::string EffectiveDatabaseUrl() const;
  // DAILY_POLL_SECONDS after defaults: 180 when DAILY_WEBHOOK_SECRET is set (the poller only
  // catches lost webhooks), else 15 (it is the only way recordings arrive), as Reflector.
  [[nodiscard]] int EffectiveDailyPollSeconds() const;
};

struct SettingDescription {
  std::string name;
  std::string default_value;
  std::string description;
  bool secret = false;
};

// Every setting the program reads, in display order.
const std::vector<SettingDescription>& SettingCatalogue();

// Parses `KEY=value` lines (comments with #, optional `export `, single or double quotes).
// Errors name the line number.
Result<std::map<std::string, std::string>> ParseDotEnv(std::string_view text);

struct SettingsProblems {
  std::vector<std::string> problems;
};

// Typos. The checked prefixes are the parts of the catalogue's names up to and including their
// first '_' ("TRANSCRIPT_", "LLM_", "DATA_", "LOG_", ...), so a new setting brings its prefix
// with it, except prefixes that tools outside this program commonly use in a shell or a
// container (kUncheckedSettingPrefixes). A variable that starts with a checked prefix but is
// not in the catalogue is a problem: "TRANSCRIPT_BAKEND is not a setting; did you mean
// TRANSCRIPT_BACKEND?". Other variables (HOME, LANG, PATH, REFLECTOR_TEST_...) are not ours and
// are ignored.
inline constexpr std::string_view kUncheckedSettingPrefixes[] = {"AWS_", "HTTP_", "HTTPS_", "LC_",
                                                                 "NO_",  "SSH_",  "SSL_",   "XDG_"};
const std::vector<std::string>& CheckedSettingPrefixes();
// The catalogue name closest to `name` (Levenshtein distance; the first in catalogue order on a tie).
std::string ClosestSettingName(std::string_view name);

// Where each variable was set, for messages: name -> "the environment", ".env", ... Names
// without an entry are not qualified.
using SettingOrigins = std::map<std::string, std::string>;

// Builds Settings from the variables (environment first, then .env values for names the
// environment does not set, merged by the caller). Names with a checked prefix that are not
// settings are problems (see above); other unknown names are ignored. On failure the error
// message lists every problem, one per line.
Result<Settings> ParseSettings(const std::map<std::string, std::string>& variables,
                               const SettingOrigins& origins = {});

// (name, value) for every catalogue entry, with secrets shown as "<set, redacted>" or "", and
// DATABASE_URL as the effective URL (EffectiveDatabaseUrl) passed through `redact_url`, which
// must hide its password (the caller knows URLs: store::RedactedDatabaseUrl).
std::vector<std::pair<std::string, std::string>> DescribeSettings(
    const Settings& settings, const std::function<std::string(std::string_view url)>& redact_url);

}  // namespace reflector
