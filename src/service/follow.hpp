#pragma once
// "Follow a transcript's run": watches a workflow on whichever engine runs it until it ends,
// handing every new transcript event to an observer in order (read back from the database by
// sequence, so events appended by worker processes elsewhere arrive too), and makes sure the
// transcript is never left `processing` once the workflow has ended.

#include <chrono>
#include <stop_token>
#include <string>
#include <string_view>

#include "events/events.hpp"
#include "service/service_context.hpp"

namespace reflector::service {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // Each new event of the transcript, in sequence order, once.
  virtual void OnEvent(const events::Event& event) = 0;
  // Something the person waiting should know ("no task has started yet: ...").
  virtual void OnNotice(std::string_view notice) = 0;
};

struct FollowOptions {
  std::chrono::milliseconds poll_interval{250};
  // A notice is given when no task has started this long after following began.
  std::chrono::seconds idle_notice_after{15};
  // A FAILED or TIMED_OUT workflow's failure workflow records the failed step and reason; after
  // this long without it, the follower records the workflow's reason itself.
  std::chrono::seconds failure_record_wait{60};
};

// Follows the workflow until it ends and returns its final status. When `stop` is requested
// first: a Cancelled error whose message says what becomes of the run (the in-process engine
// stops it when this process ends, to be resumed; Conductor keeps running it).
Result<engine::WorkflowStatus> FollowRun(ServiceContext& context, const std::string& transcript_id,
                                         const std::string& workflow_id, RunObserver& observer,
                                         std::stop_token stop, FollowOptions options = {});

// Continues a transcript's interrupted run on the context's engine (which must be the engine that
// ran it): InvalidInput naming the engine to use otherwise, or when the transcript has no run.
// Returns the workflow id to follow.
Result<std::string> ResumeRun(ServiceContext& context, const std::string& transcript_id);

}  // namespace reflector::service
