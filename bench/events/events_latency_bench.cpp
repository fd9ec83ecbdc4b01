// events_latency_bench: the time from a task's event to a WebSocket client, in the two shapes
// `reflector serve` delivers events (bench/README.md, "Events"):
//
//   one process       the server's own tasks append through the PublishingEventLog (SQLite); the
//                     EventHub hears them on the in-process bus;
//   across processes  another process (a Conductor worker) appends with StoreEventLog on
//                     PostgreSQL; the server hears NOTIFY through an EventNotificationListener
//                     and reads the events back (EventHub::Notify).
//
// Each shape appends a paced phase then a burst (append_schedule.hpp) while N clients watch WS
// /v1/transcripts/{id}/events; latency = the append call's start → the client's Read returning.
// A reference without sockets (Append + List on the same database) runs first in each shape.
//
//   events_latency_bench [--clients 10] [--events 300] [--rate 10] [--burst 200]
//                        [--reference 200] [--postgres URL] [--samples FILE.csv]
//
// Without --postgres the across-processes shape is skipped. --samples writes every delivery
// (shape, phase, client, n, latency) as CSV. `--append-child URL TRANSCRIPT` is
// the appending process the benchmark starts itself.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "append_schedule.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "event_server.hpp"
#include "latency_stats.hpp"
#include "socket_clients.hpp"
#include "store/sql.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

using namespace reflector;         // NOLINT(google-build-using-namespace): a benchmark's main file
using namespace reflector::bench;  // NOLINT(google-build-using-namespace)

namespace {

constexpr double kGoalMs = 200;
constexpr std::chrono::seconds kClientIdleTimeout{10};

struct Options {
  AppendPlan plan;
  int clients = 10;
  int reference = 200;
  std::string postgres_url;
  std::string samples_path;                                         // every delivery as CSV
  std::optional<std::pair<std::string, std::string>> append_child;  // database URL, transcript
};

int Usage(std::string_view problem) {
  std::cerr << "events_latency_bench: " << problem << "\n"
            << "usage: events_latency_bench [--clients N] [--events N] [--rate PER_SECOND] [--burst N]\n"
            << "                            [--reference N] [--postgres URL] [--samples FILE.csv]\n";
  return 2;
}

bool ParseNumber(std::string_view text, double minimum, double& value) {
  const std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return !copy.empty() && *end == '\0' && value >= minimum && value <= 1e6;
}

// Empty when the arguments are good, else the problem.
std::string ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--append-child" && i + 2 < argc) {
      options.append_child.emplace(argv[i + 1], argv[i + 2]);
      i += 2;
      continue;
    }
    if (i + 1 >= argc) return "missing value after " + std::string(arg);
    const std::string_view value = argv[++i];
    double number = 0;
    if (arg == "--postgres") {
      options.postgres_url = value;
    } else if (arg == "--samples") {
      options.samples_path = value;
    } else if (arg == "--clients" && ParseNumber(value, 1, number)) {
      options.clients = static_cast<int>(number);
    } else if (arg == "--events" && ParseNumber(value, 0, number)) {
      options.plan.paced_events = static_cast<int>(number);
    } else if (arg == "--rate" && ParseNumber(value, 0.1, number)) {
      options.plan.events_per_second = number;
    } else if (arg == "--burst" && ParseNumber(value, 0, number)) {
      options.plan.burst_events = static_cast<int>(number);
    } else if (arg == "--reference" && ParseNumber(value, 1, number)) {
      options.reference = static_cast<int>(number);
    } else {
      return "bad option or value: " + std::string(arg) + " " + std::string(value);
    }
  }
  if (options.plan.total() == 0) return "nothing to append (--events 0 --burst 0)";
  return "";
}

// The appending process of the across-processes shape: its own Database, no bus.
int RunAppendChild(const Options& options) {
  const auto& [url, transcript_id] = *options.append_child;
  SystemClock clock;
  auto database = store::Database::Open(url);
  if (!database) {
    std::cerr << "append child: " << database.error().Describe() << "\n";
    return 1;
  }
  events::StoreEventLog log(**database, clock);
  if (Status appended = AppendEvents(log, transcript_id, options.plan); !appended.ok()) {
    std::cerr << "append child: " << appended.error().Describe() << "\n";
    return 1;
  }
  return 0;
}

// A schema of its own in the PostgreSQL database (dropped afterwards), as the tests do.
class PostgresSchema {
 public:
  static Result<std::unique_ptr<PostgresSchema>> Create(const std::string& base_url) {
    store::DatabaseOptions options;
    options.pool_size = 1;
    std::unique_ptr<PostgresSchema> schema(new PostgresSchema());
    REFLECTOR_ASSIGN_OR_RETURN(schema->admin_, store::Database::Open(base_url, options));
    schema->name_ = "events_bench_" + NewUuid4().substr(0, 8);
    REFLECTOR_TRY(schema->admin_->WithSession("create schema", [&](store::Session& session) -> Status {
      store::sql::Exec(session, "CREATE SCHEMA " + schema->name_);
      return Ok();
    }));
    schema->url_ = base_url + (base_url.find('?') == std::string::npos ? "?" : "&") +
                   "options=-c%20search_path%3D" + schema->name_;
    return schema;
  }
  ~PostgresSchema() {
    Status dropped = admin_->WithSession("drop schema", [&](store::Session& session) -> Status {
      store::sql::Exec(session, "DROP SCHEMA " + name_ + " CASCADE");
      return Ok();
    });
    if (!dropped.ok())
      std::cerr << "cannot drop schema " << name_ << ": " << dropped.error().Describe() << "\n";
  }
  PostgresSchema(const PostgresSchema&) = delete;
  PostgresSchema& operator=(const PostgresSchema&) = delete;
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  PostgresSchema() = default;
  std::unique_ptr<store::Database> admin_;
  std::string name_;
  std::string url_;
};

struct ShapeResult {
  std::string name;
  std::map<std::string, std::vector<std::int64_t>> latencies;  // by phase, every client's
  std::map<std::string, int> expected;                         // deliveries, by phase
  std::vector<std::int64_t> reference;                         // append + read, no socket
  std::vector<std::int64_t> notified;  // across processes: append start → NOTIFY heard
  std::vector<std::string> problems;
  std::vector<ClientReport> reports;  // for --samples
};

// Clients watching a fresh transcript, registered with the hub before anything is appended.
Result<std::unique_ptr<SocketClients>> WatchingClients(EventServer& server, const std::string& transcript_id,
                                                       int count) {
  REFLECTOR_ASSIGN_OR_RETURN(
      auto clients,
      SocketClients::Connect(server.port(), "/v1/transcripts/" + transcript_id + "/events", count));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.hub().watchers() < static_cast<std::size_t>(count)) {
    if (std::chrono::steady_clock::now() > deadline)
      return Error::Transient(ErrorKind::kTimeout, "the sockets did not all reach the hub");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return clients;
}

void Collect(const Options& options, const std::vector<ClientReport>& reports, ShapeResult& result) {
  result.expected[kPacedPhase] = options.clients * options.plan.paced_events;
  result.expected[kBurstPhase] = options.clients * options.plan.burst_events;
  for (const ClientReport& report : reports) {
    for (const Delivery& delivery : report.deliveries)
      result.latencies[delivery.stamp.phase].push_back(delivery.latency_ns());
    if (!report.problem.empty()) result.problems.push_back(report.problem);
  }
  result.reports = reports;
}

Status RunReference(EventServer& server, events::EventLog& log, int count, ShapeResult& result) {
  REFLECTOR_ASSIGN_OR_RETURN(std::string transcript_id, server.CreateTranscript());
  REFLECTOR_ASSIGN_OR_RETURN(result.reference, TimeAppendAndRead(log, transcript_id, count));
  return Ok();
}

Result<ShapeResult> RunOneProcess(const Options& options, const std::string& sqlite_url) {
  ShapeResult result;
  result.name = "one process";
  REFLECTOR_ASSIGN_OR_RETURN(auto server, EventServer::Start(sqlite_url, false));
  REFLECTOR_TRY(RunReference(*server, server->store_log(), options.reference, result));
  REFLECTOR_ASSIGN_OR_RETURN(std::string transcript_id, server->CreateTranscript());
  REFLECTOR_ASSIGN_OR_RETURN(auto clients, WatchingClients(*server, transcript_id, options.clients));
  clients->Start(options.plan.total(), kClientIdleTimeout);
  Status appended = AppendEvents(server->log(), transcript_id, options.plan);
  Collect(options, clients->Wait(), result);
  REFLECTOR_TRY(appended);
  return result;
}

// Append start → notification heard, per event (seq = bench_n + 1 on a fresh transcript).
void CollectNotified(EventServer& server, const std::string& transcript_id,
                     const std::vector<ClientReport>& reports, ShapeResult& result) {
  const auto heard = server.NotificationTimes(transcript_id);
  std::map<int, std::int64_t> sent;
  for (const ClientReport& report : reports) {
    for (const Delivery& delivery : report.deliveries)
      sent.emplace(delivery.stamp.n, delivery.stamp.sent_ns);
  }
  for (const auto& [n, sent_ns] : sent) {
    auto found = heard.find(n + 1);
    if (found != heard.end()) result.notified.push_back(found->second - sent_ns);
  }
}

std::vector<std::string> ChildArguments(const Options& options, const std::string& url,
                                        const std::string& transcript_id) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  return {self,       "--append-child",
          url,        transcript_id,
          "--events", std::to_string(options.plan.paced_events),
          "--rate",   std::to_string(options.plan.events_per_second),
          "--burst",  std::to_string(options.plan.burst_events)};
}

Result<ShapeResult> RunAcrossProcesses(const Options& options, const std::string& postgres_url) {
  ShapeResult result;
  result.name = "across processes";
  REFLECTOR_ASSIGN_OR_RETURN(auto server, EventServer::Start(postgres_url, true));
  REFLECTOR_TRY(RunReference(*server, server->store_log(), options.reference, result));
  REFLECTOR_ASSIGN_OR_RETURN(std::string transcript_id, server->CreateTranscript());
  REFLECTOR_ASSIGN_OR_RETURN(auto clients, WatchingClients(*server, transcript_id, options.clients));
  clients->Start(options.plan.total(), kClientIdleTimeout);
  testing::BackgroundCommand child(ChildArguments(options, postgres_url, transcript_id));
  const std::vector<ClientReport> reports = clients->Wait();
  const testing::CommandResult ended = child.Wait(std::chrono::seconds(60));
  Collect(options, reports, result);
  CollectNotified(*server, transcript_id, reports, result);
  if (ended.exit_code != 0)
    return Error::Terminal(ErrorKind::kExternal, "the appending process failed: " + ended.err);
  return result;
}

void PrintRow(const std::string& shape, const std::string& phase, int clients, int expected,
              const LatencySummary& summary) {
  std::printf("%-18s %-6s %7d %9d %8zu %8.2f %8.2f %8.2f %8.2f\n", shape.c_str(), phase.c_str(), clients,
              expected, summary.count, summary.p50_ms, summary.p95_ms, summary.p99_ms, summary.max_ms);
}

// The worst phase p99 of the shape, and whether every delivery came.
struct ShapeVerdict {
  double p99_ms = 0;
  bool complete = true;
};

ShapeVerdict PrintShape(const Options& options, const ShapeResult& result) {
  ShapeVerdict verdict;
  for (const char* phase : {kPacedPhase, kBurstPhase}) {
    const int expected = result.expected.at(phase);
    if (expected == 0) continue;
    auto found = result.latencies.find(phase);
    const LatencySummary summary =
        Summarise(found == result.latencies.end() ? std::vector<std::int64_t>() : found->second);
    PrintRow(result.name, phase, options.clients, expected, summary);
    verdict.p99_ms = std::max(verdict.p99_ms, summary.p99_ms);
    if (summary.count != static_cast<std::size_t>(expected)) verdict.complete = false;
  }
  return verdict;
}

void PrintDetails(const ShapeResult& result, const std::string& database) {
  std::printf("  reference, %s Append + List without sockets: %s\n", database.c_str(),
              DescribeShort(Summarise(result.reference)).c_str());
  if (!result.notified.empty()) {
    std::printf("  append start -> NOTIFY heard by the listener: %s\n",
                DescribeShort(Summarise(result.notified)).c_str());
  }
  for (const std::string& problem : result.problems)
    std::printf("  a client stopped early: %s\n", problem.c_str());
}

std::string VerdictField(const std::optional<ShapeVerdict>& verdict) {
  if (!verdict) return "skipped";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", verdict->p99_ms);
  return text;
}

bool WriteSamples(const std::string& path, const std::vector<const ShapeResult*>& shapes) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return false;
  std::fprintf(file, "shape,phase,client,n,latency_ms\n");
  for (const ShapeResult* shape : shapes) {
    for (std::size_t client = 0; client < shape->reports.size(); ++client) {
      for (const Delivery& delivery : shape->reports[client].deliveries) {
        std::fprintf(file, "%s,%s,%zu,%d,%.3f\n", shape->name.c_str(), delivery.stamp.phase.c_str(), client,
                     delivery.stamp.n, static_cast<double>(delivery.latency_ns()) / 1e6);
      }
    }
  }
  return std::fclose(file) == 0;
}

int Report(const Options& options, const ShapeResult& one, const std::optional<ShapeResult>& across) {
  std::printf("%-18s %-6s %7s %9s %8s %8s %8s %8s %8s\n", "shape", "phase", "clients", "expected", "received",
              "p50 ms", "p95 ms", "p99 ms", "max ms");
  std::optional<ShapeVerdict> one_verdict = PrintShape(options, one);
  std::optional<ShapeVerdict> across_verdict;
  if (across) across_verdict = PrintShape(options, *across);
  PrintDetails(one, "SQLite");
  if (across) PrintDetails(*across, "PostgreSQL");
  bool met = one_verdict->p99_ms < kGoalMs && one_verdict->complete;
  if (across_verdict) met = met && across_verdict->p99_ms < kGoalMs && across_verdict->complete;
  const bool complete = one_verdict->complete && (!across_verdict || across_verdict->complete);
  std::printf("events: one_process_p99_ms=%s across_processes_p99_ms=%s goal_p99_ms=%.0f verdict=%s\n",
              VerdictField(one_verdict).c_str(), VerdictField(across_verdict).c_str(), kGoalMs,
              !complete ? "LOST_EVENTS" : (met ? "met" : "MISSED"));
  return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  log::SetLevel(log::Level::kWarn);
  Options options;
  if (std::string problem = ParseOptions(argc, argv, options); !problem.empty()) return Usage(problem);
  if (options.append_child) return RunAppendChild(options);

  std::fprintf(stderr, "one process (SQLite): %d clients, %d events at %.1f/s, then a burst of %d\n",
               options.clients, options.plan.paced_events, options.plan.events_per_second,
               options.plan.burst_events);
  testing::TempDir dir("reflector-events-bench");
  auto one = RunOneProcess(options, "sqlite://" + (dir.path() / "bench.sqlite3").string());
  if (!one) {
    std::cerr << "one process: " << one.error().Describe() << "\n";
    return 1;
  }
  std::optional<ShapeResult> across;
  if (options.postgres_url.empty()) {
    std::fprintf(stderr, "across processes: skipped (no --postgres URL)\n");
  } else {
    std::fprintf(stderr, "across processes (PostgreSQL, another process appends): the same plan\n");
    auto schema = PostgresSchema::Create(options.postgres_url);
    if (!schema) {
      std::cerr << "across processes: " << schema.error().Describe() << "\n";
      return 1;
    }
    auto result = RunAcrossProcesses(options, (*schema)->url());
    if (!result) {
      std::cerr << "across processes: " << result.error().Describe() << "\n";
      return 1;
    }
    across = std::move(*result);
  }
  if (!options.samples_path.empty()) {
    std::vector<const ShapeResult*> shapes{&*one};
    if (across) shapes.push_back(&*across);
    if (!WriteSamples(options.samples_path, shapes))
      std::cerr << "cannot write " << options.samples_path << "\n";
  }
  return Report(options, *one, across);
}
