// app::LoadSettingsFromText (see fuzz_inputs.hpp).

#include <map>
#include <string>

#include "app/environment.hpp"
#include "core/config.hpp"
#include "fuzz_inputs.hpp"
#include "split.hpp"
#include "store/database_url.hpp"

namespace reflector::fuzz {

void SettingsInput(std::string_view data) {
  std::map<std::string, std::string> environment;
  std::string_view rest = data;
  while (!rest.empty()) {
    auto [line, after] = SplitFirstLine(rest);
    rest = after;
    if (line == "---") break;
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    environment[std::string(line.substr(0, equals))] = std::string(line.substr(equals + 1));
  }
  auto settings = app::LoadSettingsFromText(environment, rest, ".env");
  if (!settings) {
    FuzzRequire(!settings.error().message.empty(), "a refusal says why");
    return;
  }
  const auto described = DescribeSettings(*settings, store::RedactedDatabaseUrl);
  FuzzRequire(described.size() == SettingCatalogue().size(), "every setting is described");
  (void)settings->EffectiveDatabaseUrl();
  FuzzRequire(settings->EffectiveDailyPollSeconds() > 0, "the Daily poll interval is positive");
}

}  // namespace reflector::fuzz
