#include "app/shadow_command.hpp"

#include <cstdio>
#include <memory>

#include "app/run_report.hpp"
#include "service/shadow.hpp"
#include "store/shadow_runs.hpp"

namespace reflector::app {
namespace {

std::string Text(const Json& value, const std::string& fallback = "-") {
  return value.is_string() ? value.get<std::string>() : fallback;
}

// A number with `decimals` digits after the point (and its sign when `signed_value`), or "-".
std::string Number(const Json& value, int decimals, bool signed_value = false) {
  if (!value.is_number()) return "-";
  char buffer[64];
  if (signed_value) {
    std::snprintf(buffer, sizeof(buffer), "%+.*f", decimals, value.get<double>());
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value.get<double>());
  }
  return buffer;
}

// `text` padded with spaces to `width` (left-aligned), or right-aligned.
std::string Left(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}
std::string Right(const std::string& text, std::size_t width) {
  return text.size() < width ? std::string(width - text.size(), ' ') + text : text;
}

std::string Count(const Json& value) {
  return value.is_number() ? std::to_string(value.get<long long>()) : "-";
}

std::string EqualOrSimilar(const Json& figure) {
  if (figure.value("equal", false)) return "equal";
  return "differ (similarity " + Number(figure["similarity"], 3) + ")";
}

// "in_process  transcript <id>  workflow <id>: COMPLETED (ended) in 41.2 s"
std::string RunText(const Json& side, const Json& compared) {
  std::string text = Left(Text(side["engine"]), 10) + " transcript " + Text(side["transcript_id"]) +
                     "  workflow " + Text(side["workflow_id"]);
  if (compared.is_object()) {
    text += ": " + Text(compared["workflow_status"]) + " (" + Text(compared["transcript_status"]) + ") in " +
            Number(compared["run_seconds"], 1) + " s";
  }
  return text;
}

std::string ComparisonText(const Json& c) {
  std::string text;
  text += std::string("result:         ") + (c.value("agreed", false) ? "AGREED" : "DIFFERED");
  if (!c["differences"].empty()) {
    std::string what;
    for (const auto& difference : c["differences"])
      what += (what.empty() ? "" : ", ") + Text(difference);
    text += " (" + what + ")";
  }
  text += "\n";
  const Json& title = c["title"];
  text += "title:          " + EqualOrSimilar(title) + ": \"" + Text(title["primary"], "") + "\"";
  if (!title.value("equal", false)) text += " / \"" + Text(title["shadow"], "") + "\"";
  text += "\nshort summary:  " + EqualOrSimilar(c["short_summary"]) + "\n";
  text += "long summary:   " + EqualOrSimilar(c["long_summary"]) + "\n";
  const Json& topics = c["topics"];
  text += "topics:         " + Count(topics["primary_count"]) + " / " + Count(topics["shadow_count"]) +
          ", titles " + (topics.value("titles_equal", false) ? "equal" : "differ") + "\n";
  const Json& words = c["words"];
  text += "words:          " + Count(words["primary_count"]) + " / " + Count(words["shadow_count"]) +
          ", word error rate " + Number(words["word_error_rate"], 3) + " (substitutions " +
          Count(words["substitutions"]) + ", deletions " + Count(words["deletions"]) + ", insertions " +
          Count(words["insertions"]) + "), speaker agreement " + Number(words["speaker_agreement"], 3) + "\n";
  const Json& duration = c["duration"];
  text += "duration:       " + Number(duration["primary"], 2) + " s / " + Number(duration["shadow"], 2) +
          " s (difference " + Number(duration["difference"], 2, true) + " s)\n";
  text += Left("steps (seconds)", 32) + Right("primary", 10) + Right("shadow", 10) + "\n";
  for (const auto& step : c["steps"]) {
    text += "  " + Left(Text(step["step"]), 30) + Right(Number(step["primary_seconds"], 2), 10) +
            Right(Number(step["shadow_seconds"], 2), 10) + "\n";
  }
  return text;
}

// Compares a running pair when both ended (errors are reported, the row shown as it is).
store::ShadowRun CompareIfDue(Runtime& runtime, const store::ShadowRun& run) {
  if (run.status != store::kShadowRunning) return run;
  auto compared = service::CompareIfEnded(runtime.service(), run);
  if (!compared) {
    Fail("cannot compare shadow run " + run.id + " yet: " + compared.error().message);
    return run;
  }
  return *compared;
}

int RunReport(const Settings& settings, const std::string& recording_id, bool json, int limit) {
  int exit_code = 0;
  RuntimeOptions options;
  options.read_only = true;
  auto runtime = OpenRuntime(settings, options, exit_code);
  if (!runtime) return exit_code;
  store::ShadowRuns runs(runtime->database(), runtime->clock());
  if (!recording_id.empty()) {
    auto latest = runs.LatestOfRecording(recording_id);
    if (!latest) {
      Fail(latest.error().message);
      return kExitFailed;
    }
    if (!latest->has_value()) {
      Fail("no shadow run for recording " + recording_id);
      return kExitUsage;
    }
    Json shown = service::ShadowRunJson(CompareIfDue(*runtime, **latest));
    std::printf("%s", json ? (shown.dump(2) + "\n").c_str() : ShadowReportText(shown).c_str());
    return 0;
  }
  auto recent = runs.ListRecent(static_cast<std::size_t>(limit));
  if (!recent) {
    Fail(recent.error().message);
    return kExitFailed;
  }
  Json list = Json::array();
  for (const auto& run : *recent)
    list.push_back(service::ShadowRunJson(CompareIfDue(*runtime, run)));
  if (json) {
    std::printf("%s\n", list.dump(2).c_str());
    return 0;
  }
  std::printf("%s\n", ShadowListHeader().c_str());
  for (const auto& item : list)
    std::printf("%s\n", ShadowListLine(item).c_str());
  return 0;
}

}  // namespace

std::string ShadowReportText(const Json& run) {
  const Json& comparison = run["comparison"];
  std::string text = "recording " + Text(run["recording_id"]) + " (shadow run " + Text(run["id"]) + ")\n";
  text += "status:         " + Text(run["status"]);
  if (run["status"] == store::kShadowCompared) text += " at " + Text(run["compared_at"]);
  if (run["error"].is_string()) text += ": " + Text(run["error"]);
  text += "\n";
  const bool compared = comparison.is_object();
  text += "primary:        " + RunText(run["primary"], compared ? comparison["primary"] : Json()) + "\n";
  text += "shadow:         " + RunText(run["shadow"], compared ? comparison["shadow"] : Json()) + "\n";
  if (compared) {
    text += ComparisonText(comparison);
  } else if (run["status"] == store::kShadowRunning) {
    text +=
        "not compared yet: a run has not ended (compared by `reflector serve` or this command once both "
        "have)\n";
  }
  return text;
}

std::string ShadowListHeader() {
  return Left("RECORDING", 38) + Left("CREATED", 22) + Left("STATUS", 14) + Left("RESULT", 10) +
         Left("WER", 8) + "TITLE";
}

std::string ShadowListLine(const Json& run) {
  const Json& c = run["comparison"];
  std::string result = "-";
  std::string wer = "-";
  std::string title;
  if (c.is_object()) {
    result = c.value("agreed", false) ? "agreed" : "differed";
    wer = Number(c["words"]["word_error_rate"], 3);
    title = Text(c["title"]["primary"], "");
  }
  return Left(Text(run["recording_id"]), 38) + Left(Text(run["created_at"]).substr(0, 19) + "Z", 22) +
         Left(Text(run["status"]), 14) + Left(result, 10) + Left(wer, 8) + title;
}

void ReportShadowOfRun(Runtime& runtime, const std::string& transcript_id, const std::string& workflow_id,
                       std::stop_token stop) {
  store::ShadowRuns runs(runtime.database(), runtime.clock());
  auto latest = runs.LatestOfPrimary(transcript_id);
  if (!latest || !latest->has_value() || (*latest)->primary_workflow_id != workflow_id) return;
  const store::ShadowRun& run = **latest;
  const auto wait = std::chrono::seconds(runtime.settings().conductor_shadow_wait_seconds);
  if (run.status == store::kShadowRunning && wait.count() > 0) {
    std::fprintf(stderr, "waiting up to %lld s for the shadow run on %s (workflow %s)\n",
                 static_cast<long long>(wait.count()), run.shadow_engine.c_str(),
                 run.shadow_workflow_id.value_or("").c_str());
  }
  auto done = wait.count() > 0 ? service::WaitForComparison(runtime.service(), run.id, wait, stop)
                               : Result<store::ShadowRun>(run);
  if (!done) {
    Fail("shadow run " + run.id + ": " + done.error().message);
    return;
  }
  if (done->status == store::kShadowRunning) {
    std::fprintf(stderr, "the shadow run has not ended; see it later with: reflector shadow report %s\n",
                 run.recording_id.c_str());
    return;
  }
  std::fprintf(stderr, "%s", ShadowReportText(service::ShadowRunJson(*done)).c_str());
}

void RegisterShadowCommands(CLI::App& cli, CommandRegistry& registry) {
  auto* shadow =
      cli.add_subcommand("shadow", "shadow runs (CONDUCTOR_SHADOW_MODE): the primary run beside its shadow");
  shadow->require_subcommand(1);
  struct Options {
    std::string recording_id;
    bool json = false;
    int limit = 20;
  };
  auto options = std::make_shared<Options>();
  auto* report = shadow->add_subcommand(
      "report", "the comparison of a recording's primary and shadow runs, or a line per recent shadow run");
  report->add_option("recording_id", options->recording_id,
                     "the recording (default: every recent shadow run)");
  report->add_flag("--json", options->json, "print JSON (the shape of GET /v1/shadow/{recording_id})");
  report->add_option("--limit", options->limit, "shadow runs listed without a recording id")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  registry.Add(report, [options](const Settings& settings) {
    return RunReport(settings, options->recording_id, options->json, options->limit);
  });
}

}  // namespace reflector::app
