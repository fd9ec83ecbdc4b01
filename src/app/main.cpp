// reflector: one binary, several subcommands. This file is the composition root: it reads
// the configuration once and builds every object the chosen subcommand needs.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "app/commands.hpp"
#include "app/environment.hpp"
#include "core/log.hpp"
#include "media/ffmpeg_handles.hpp"

int main(int argc, char** argv) {
  using namespace reflector;
  CLI::App cli{"reflector: multitrack call recordings to speaker-attributed transcripts"};
  cli.require_subcommand(1);
  std::string dotenv = ".env";
  cli.add_option("--env-file", dotenv, "optional file of NAME=value settings")->capture_default_str();

  app::CommandRegistry commands;
  app::RegisterCommands(cli, commands);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  auto settings = app::LoadSettings(dotenv);
  if (!settings) {
    std::fprintf(stderr, "reflector: %s\n", settings.error().message.c_str());
    return 2;
  }
  log::SetLevel(settings->log_level);
  media::SendFfmpegLogsToLog();
  return commands.Run(cli, *settings);
}
