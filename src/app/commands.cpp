#include "app/commands.hpp"

#include <cstdio>

#include "app/apikeys_command.hpp"
#include "app/audio_command.hpp"
#include "app/conductor_command.hpp"
#include "app/process_command.hpp"
#include "app/reprocess_command.hpp"
#include "app/rooms_command.hpp"
#include "app/serve_command.hpp"
#include "app/shadow_command.hpp"
#include "app/transcripts_command.hpp"
#include "app/worker_command.hpp"
#include "store/database.hpp"

namespace reflector::app {

int CommandRegistry::Run(const CLI::App& /*cli*/, const Settings& settings) const {
  for (const auto& [subcommand, runner] : commands_) {
    if (subcommand->parsed()) return runner(settings);
  }
  std::fprintf(stderr, "reflector: no subcommand given\n");
  return 2;
}

namespace {

void RegisterConfig(CLI::App& cli, CommandRegistry& registry) {
  auto* command = cli.add_subcommand("config", "print the effective settings (secrets redacted)");
  registry.Add(command, [](const Settings& settings) {
    for (const auto& [name, value] : DescribeSettings(settings, store::RedactedDatabaseUrl)) {
      std::printf("%s=%s\n", name.c_str(), value.c_str());
    }
    return 0;
  });
}

void RegisterVersion(CLI::App& cli, CommandRegistry& registry) {
  auto* command = cli.add_subcommand("version", "print the version");
  registry.Add(command, [](const Settings&) {
    std::printf("reflector %s\n", REFLECTOR_VERSION);
    return 0;
  });
}

}  // namespace

void RegisterCommands(CLI::App& cli, CommandRegistry& registry) {
  RegisterConfig(cli, registry);
  RegisterVersion(cli, registry);
  RegisterAudioCommand(cli, registry);
  RegisterProcessCommands(cli, registry);
  RegisterReprocessCommand(cli, registry);
  RegisterTranscriptsCommands(cli, registry);
  RegisterConductorCommands(cli, registry);
  RegisterShadowCommands(cli, registry);
  RegisterWorkerCommand(cli, registry);
  RegisterRoomsCommands(cli, registry);
  RegisterServeCommand(cli, registry);
  RegisterApiKeysCommands(cli, registry);
}

}  // namespace reflector::app
