#include "app/apikeys_command.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/run_report.hpp"
#include "auth/api_keys.hpp"
#include "store/api_keys.hpp"

namespace reflector::app {

namespace {

struct ApiKeyOptions {
  std::string user;
  std::string name;
  std::string id;
};

std::unique_ptr<Runtime> OpenReadOnly(const Settings& settings, int& exit_code) {
  RuntimeOptions options;
  options.read_only = true;  // starts no workflow
  return OpenRuntime(settings, options, exit_code);
}

int CreateKey(const Settings& settings, const ApiKeyOptions& options) {
  if (settings.secret_key.empty()) {
    Fail(
        "SECRET_KEY is empty: API keys are stored as HMAC-SHA256(SECRET_KEY, key), so set SECRET_KEY to a "
        "long random "
        "string (for example `openssl rand -hex 32`) and keep it: changing it invalidates every key");
    return kExitUsage;
  }
  int exit_code = 0;
  auto runtime = OpenReadOnly(settings, exit_code);
  if (!runtime) return exit_code;
  store::ApiKeys keys(runtime->database(), runtime->clock());
  std::optional<std::string> name;
  if (!options.name.empty()) name = options.name;
  auto created = auth::CreateApiKey(keys, runtime->ids(), settings.secret_key, options.user, name);
  if (!created) {
    Fail(created.error().message);
    return ExitCodeFor(created.error());
  }
  std::printf("api key: %s\nkey: %s\n", created->record.id.c_str(), created->key.c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "reflector: the key is shown only now (only its hash is stored); send it as X-API-Key\n");
  return 0;
}

int ListKeys(const Settings& settings, const ApiKeyOptions& options) {
  int exit_code = 0;
  auto runtime = OpenReadOnly(settings, exit_code);
  if (!runtime) return exit_code;
  store::ApiKeys keys(runtime->database(), runtime->clock());
  auto list = keys.ListForUser(options.user);
  if (!list) {
    Fail(list.error().message);
    return ExitCodeFor(list.error());
  }
  std::printf("%-36s  %-27s  %s\n", "ID", "CREATED", "NAME");
  for (const store::ApiKey& key : *list) {
    const WallTime created = FromUnixSeconds(key.created_at);
    std::printf("%-36s  %-27s  %s\n", key.id.c_str(),
                FormatIso8601(created, IsoFraction::kWhenNotZero).c_str(), key.name.value_or("-").c_str());
  }
  return 0;
}

int DeleteKey(const Settings& settings, const ApiKeyOptions& options) {
  int exit_code = 0;
  auto runtime = OpenReadOnly(settings, exit_code);
  if (!runtime) return exit_code;
  store::ApiKeys keys(runtime->database(), runtime->clock());
  if (Status deleted = keys.Delete(options.id, options.user); !deleted.ok()) {
    Fail(deleted.error().message);
    return ExitCodeFor(deleted.error());
  }
  std::printf("deleted api key %s\n", options.id.c_str());
  return 0;
}

}  // namespace

void RegisterApiKeysCommands(CLI::App& cli, CommandRegistry& registry) {
  auto* apikeys = cli.add_subcommand("apikeys", "API keys of the HTTP API's users (X-API-Key)");
  apikeys->require_subcommand(1);

  auto create_options = std::make_shared<ApiKeyOptions>();
  auto* create = apikeys->add_subcommand("create", "make a key for a user and print it (once)");
  create->add_option("--user", create_options->user, "the user the key acts as")->required();
  create->add_option("--name", create_options->name, "what the key is for");
  registry.Add(create,
               [create_options](const Settings& settings) { return CreateKey(settings, *create_options); });

  auto list_options = std::make_shared<ApiKeyOptions>();
  auto* list = apikeys->add_subcommand("list", "a user's keys (ids and names, never the keys), oldest first");
  list->add_option("--user", list_options->user, "whose keys")->required();
  registry.Add(list, [list_options](const Settings& settings) { return ListKeys(settings, *list_options); });

  auto delete_options = std::make_shared<ApiKeyOptions>();
  auto* remove = apikeys->add_subcommand("delete", "revoke a key");
  remove->add_option("id", delete_options->id, "the key's id (from create or list)")->required();
  remove->add_option("--user", delete_options->user, "the key's user")->required();
  registry.Add(remove,
               [delete_options](const Settings& settings) { return DeleteKey(settings, *delete_options); });
}

}  // namespace reflector::app
