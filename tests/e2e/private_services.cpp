#include "private_services.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace reflector::testing {
namespace {

using namespace std::chrono_literals;

std::string Script() {
  return (TestDataDir().parent_path().parent_path() / "scripts" / "test-services").string();
}

// "export NAME=value" lines.
std::map<std::string, std::string> ParseExports(const std::string& text) {
  std::map<std::string, std::string> variables;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    constexpr std::string_view kPrefix = "export ";
    if (line.rfind(kPrefix, 0) != 0) continue;
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    variables[line.substr(kPrefix.size(), equals - kPrefix.size())] = line.substr(equals + 1);
  }
  return variables;
}

}  // namespace

std::unique_ptr<PrivateServices> PrivateServices::Start(const std::string& only) {
  std::unique_ptr<PrivateServices> services(new PrivateServices());
  // PostgreSQL runs as the postgres user, which must be able to reach its state directory.
  std::filesystem::permissions(services->dir_.path(), std::filesystem::perms(0755));
  auto started = RunCommand({Script(), "start", "--only", only}, services->Environment(), 600s);
  if (started.exit_code != 0) {
    ADD_FAILURE() << "scripts/test-services start --only " << only << " failed (it says what to install):\n"
                  << started.err;
    return nullptr;
  }
  services->variables_ = ParseExports(started.out);
  return services;
}

PrivateServices::~PrivateServices() {
  RunCommand({Script(), "stop"}, Environment(), 120s);
}

std::string PrivateServices::Variable(const std::string& name) const {
  auto found = variables_.find(name);
  return found == variables_.end() ? std::string() : found->second;
}

std::string PrivateServices::Restart(const std::string& service, bool kill, int down_seconds) {
  std::vector<std::string> command = {Script(), "restart", "--only",
                                      service,  "--down",  std::to_string(down_seconds)};
  if (kill) command.emplace_back("--kill");
  auto restarted = RunCommand(command, Environment(), 600s);
  return restarted.exit_code == 0 ? std::string() : restarted.err;
}

std::map<std::string, std::string> PrivateServices::Environment() const {
  return {{"REFLECTOR_SERVICES_DIR", (dir_ / "services").string()}};
}

}  // namespace reflector::testing
