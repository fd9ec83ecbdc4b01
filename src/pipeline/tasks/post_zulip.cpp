// post_zulip: posts the transcript's message to the room's Zulip stream, or updates the message
// posted by an earlier run. Only when Zulip is configured and the room has zulip_auto_post.
//
// With a stored zulip_message_id the message is edited (PATCH). When Zulip answers that the
// message is gone ("Invalid message(s)") or refuses the edit for another lasting reason (edit
// window closed, no permission), a new message is posted and its id stored. Retryable failures
// (429, 5xx, timeouts) fail the task so the engine retries it. A lasting failure of the post
// (unknown stream, bad key) completes the task with `error` set: a notification never fails a
// finished transcript. A run whose input says `notifications: false` (a shadow run) posts nothing.

#include <charconv>

#include "core/log.hpp"
#include "notify/zulip.hpp"
#include "pipeline/notify_inputs.hpp"
#include "pipeline/tasks.hpp"

namespace reflector::pipeline {
namespace {

Json Skipped(const char* reason) {
  return Json{{"message_id", nullptr}, {"skipped", reason}};
}

std::optional<std::int64_t> ParseMessageId(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

Result<Json> PostZulip(TaskContext& context) {
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<bool> notifications,
                             GetOptionalBool(context.input(), "notifications"));
  if (!notifications.value_or(true)) return Skipped("notifications are off for this run");
  notify::ZulipClient* zulip = context.services().zulip;
  if (zulip == nullptr) return Skipped("zulip is not configured");
  store::Transcripts transcripts(context.database(), context.clock());
  REFLECTOR_ASSIGN_OR_RETURN(store::Transcript transcript, transcripts.Get(context.transcript_id()));
  REFLECTOR_ASSIGN_OR_RETURN(std::optional<store::Room> room, FindTranscriptRoom(context, transcript, {}));
  if (!room) return Skipped("the transcript has no room");
  if (!room->zulip_auto_post) return Skipped("the room does not post to zulip");
  if (room->zulip_stream.empty()) return Skipped("the room has no zulip stream");

  const std::string content =
      notify::ZulipTranscriptMessage(NotifyTranscript(transcript), context.services().ui_base_url);
  if (transcript.zulip_message_id) {
    std::optional<std::int64_t> stored = ParseMessageId(*transcript.zulip_message_id);
    if (stored) {
      Status updated = zulip->UpdateMessage(*stored, content, room->zulip_topic, context.stop());
      if (updated.ok()) return Json{{"message_id", std::to_string(*stored)}, {"action", "updated"}};
      if (updated.error().retryable) return updated.error();
      log::Warn(notify::IsInvalidMessage(updated.error())
                    ? "the stored zulip message is gone; posting a new one"
                    : "cannot update the zulip message; posting a new one",
                {{"transcript_id", transcript.id}, {"error", updated.error().message}});
    } else {
      log::Warn("stored zulip message id is not a number; posting a new message",
                {{"transcript_id", transcript.id}, {"zulip_message_id", *transcript.zulip_message_id}});
    }
  }

  auto posted = zulip->PostMessage(room->zulip_stream, room->zulip_topic, content, context.stop());
  if (!posted) {
    if (posted.error().retryable) return posted.error();
    log::Warn("zulip refused the message; not retried",
              {{"transcript_id", transcript.id}, {"error", posted.error().message}});
    return Json{{"message_id", nullptr}, {"action", "failed"}, {"error", posted.error().message}};
  }
  const std::string message_id = std::to_string(*posted);
  REFLECTOR_TRY(transcripts.SetZulipMessageId(transcript.id, message_id));
  return Json{{"message_id", message_id}, {"action", "posted"}};
}

}  // namespace reflector::pipeline
