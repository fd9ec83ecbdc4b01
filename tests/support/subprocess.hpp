#pragma once
// Runs programs from tests (the reflector binary, ffmpeg, flite) with output captured in
// files, so a chatty child can never block on a full pipe.

#include <sys/types.h>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace reflector::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `argv` with extra environment variables and waits at most `timeout`.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(600));

// A child running in the background; killed (SIGKILL) and reaped when destroyed.
class BackgroundCommand {
 public:
  BackgroundCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
  ~BackgroundCommand();
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Sends `signal` and waits for the child; returns its result.
  CommandResult Kill(int signal);
  // Waits for the child to end by itself.
  CommandResult Wait(std::chrono::seconds timeout);
  // What the child has written so far.
  std::string OutputSoFar() const;
  std::string ErrorsSoFar() const;

 private:
  CommandResult Collect(int status, bool timed_out);
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
  bool reaped_ = false;
};

}  // namespace reflector::testing
