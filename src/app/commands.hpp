#pragma once
// Subcommands. Each registers its options on the CLI and, when chosen, runs with the
// validated settings. Adding a command = one Register* function in commands.cpp.

#include <CLI/CLI.hpp>

#include <functional>
#include <utility>
#include <vector>

#include "core/config.hpp"

namespace reflector::app {

class CommandRegistry {
 public:
  using Runner = std::function<int(const Settings&)>;
  void Add(CLI::App* subcommand, Runner runner) { commands_.emplace_back(subcommand, std::move(runner)); }
  // Runs the chosen subcommand; returns the process exit code.
  int Run(const CLI::App& cli, const Settings& settings) const;

 private:
  std::vector<std::pair<CLI::App*, Runner>> commands_;
};

void RegisterCommands(CLI::App& cli, CommandRegistry& registry);

}  // namespace reflector::app
