#pragma once
// Transcripts and their append-only event logs.
//
// Times are Unix seconds (double) stamped from the repository's Clock; durations are seconds.
// Repositories are cheap views: build one over a Database (thread-safe, each call is atomic on
// its own) or over a Session inside Database::WithTransaction (calls join that transaction).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/paging.hpp"

namespace reflector::store {

// Reflector's statuses; the pipeline uses idle → processing → ended | error.
enum class TranscriptStatus { kIdle, kUploaded, kRecording, kProcessing, kEnded, kError };

std::string_view ToString(TranscriptStatus status);
// InvalidInput naming the text for an unknown status.
Result<TranscriptStatus> ParseTranscriptStatus(std::string_view text);

struct Transcript {
  std::string id;  // uuid
  std::string name;
  TranscriptStatus status = TranscriptStatus::kIdle;
  std::optional<std::string> title;
  bool title_set_by_user = false;  // a generated title never replaces a hand-set one
  std::optional<std::string> short_summary;
  std::optional<std::string> long_summary;
  double duration = 0;  // seconds
  std::string source_language = "en";
  std::string target_language = "en";
  Json participants = Json::array();  // [{id, speaker, name, user_id}]
  Json topics = Json::array();        // [{id, title, summary, timestamp, duration, words | words_key}]
  std::optional<std::string> webvtt;
  std::string audio_location = "local";  // "local" | "storage"
  std::optional<bool> audio_deleted;
  std::optional<std::string> zulip_message_id;
  std::optional<std::string> user_id;
  std::optional<std::string> room_id;
  std::optional<std::string> meeting_id;
  std::optional<std::string> recording_id;
  std::string source_kind = "file";  // "room" | "live" | "file"
  std::optional<std::string> current_step;
  std::optional<std::string> failed_step;
  std::optional<std::string> failure_reason;
  std::optional<std::string> workflow_id;
  std::optional<std::string> engine;   // which engine runs workflow_id ("in_process", "conductor")
  std::string share_mode = "private";  // "private" | "semi-private" | "public"
  bool reviewed = false;
  bool locked = false;
  std::optional<double> deleted_at;  // set while soft-deleted (in the trash)
  // Set by the store (values given to Create are replaced): a number from one database-wide
  // counter, taken anew by every change of the row, so a higher number means a later change.
  std::int64_t change_seq = 0;
  // Set by the store from webvtt / topics on Create and SetTopics (see SearchTextOf): the plain
  // text that Search looks in. Empty for rows written before it existed (Search then reads webvtt).
  std::string search_text;
  double created_at = 0;
  double updated_at = 0;
};

inline constexpr std::string_view kShareModes[] = {"private", "semi-private", "public"};
inline constexpr std::string_view kSourceKinds[] = {"room", "live", "file"};

// The fields a user may change (PATCH /v1/transcripts/{id}); unset fields stay as they are. No
// field can be set back to NULL this way.
struct TranscriptPatch {
  std::optional<std::string> name{};
  std::optional<bool> locked{};
  std::optional<std::string> title{};  // counts as set by the user (see TitleSource::kUser)
  std::optional<std::string> short_summary{};
  std::optional<std::string> long_summary{};
  std::optional<std::string> share_mode{};  // one of kShareModes
  std::optional<bool> reviewed{};
  std::optional<bool> audio_deleted{};
  std::optional<Json> participants{};  // a JSON array

  [[nodiscard]] bool empty() const;
};

// Which rows a caller may see, shared by Query and Search: rows owned by `user_id` (when set)
// plus rows whose room is shared (when `shared_rooms`); with neither, every row.
//   logged-in user:                  {user_id, shared_rooms = true}
//   anonymous, PUBLIC_MODE=false:    {nullopt, shared_rooms = true}
//   anonymous, PUBLIC_MODE=true:     {nullopt, shared_rooms = false} (everything)
struct TranscriptScope {
  std::optional<std::string> user_id{};
  bool shared_rooms = false;
};

enum class DeletedTranscripts { kExclude, kInclude, kOnly };
enum class TranscriptSort { kCreatedAtDesc, kChangeSeqAsc };

// GET /v1/transcripts. Every set filter must hold.
struct TranscriptQuery {
  TranscriptScope scope{};
  std::optional<std::string> source_kind{};  // one of kSourceKinds
  std::optional<std::string> room_id{};
  std::optional<std::string> search_term{};       // case-insensitive substring of the title
  std::optional<std::int64_t> change_seq_from{};  // change_seq strictly greater
  DeletedTranscripts deleted = DeletedTranscripts::kExclude;
  // kCreatedAtDesc: newest first (then id descending); kChangeSeqAsc: oldest change first.
  TranscriptSort sort = TranscriptSort::kCreatedAtDesc;
  std::int64_t page = 1;   // 1-based
  std::int64_t size = 50;  // 1..kMaxPageSize
};

// One page of rows and how many rows match in all. Rows come without topics, webvtt and
// search_text (they can be megabytes); Get returns them.
struct TranscriptPage {
  std::vector<Transcript> items{};
  std::int64_t total = 0;
};

// GET /v1/transcripts/search.
struct TranscriptSearch {
  // Words separated by whitespace; each must occur (case-insensitively, as a substring) in the
  // title, a summary or the text. Empty: every row in scope, newest first. At most
  // kMaxSearchWords words.
  std::string q{};
  std::int64_t limit = 20;  // 1..kMaxPageSize
  std::int64_t offset = 0;  // >= 0
  std::optional<std::string> room_id{};
  std::optional<std::string> source_kind{};  // one of kSourceKinds
  std::optional<double> from{};              // created_at >= from (Unix seconds)
  std::optional<double> to{};                // created_at <= to; from > to is InvalidInput
  TranscriptScope scope{};
  // The trash instead: only soft-deleted rows owned by scope.user_id (required; the scope's
  // shared_rooms is ignored), most recently deleted first when q is empty.
  bool include_deleted = false;
};

inline constexpr std::size_t kMaxSearchWords = 20;
inline constexpr std::size_t kMaxSearchSnippets = 3;

struct SearchHit {
  Transcript transcript{};                 // without topics, webvtt and search_text
  std::optional<std::string> room_name{};  // the room's name, when room_id names an existing room
  // The share of the query's words that occur in the title or a summary (the others occur only
  // in the text): 0..1; 1 for an empty query. Results are ordered by rank, then newest first.
  double rank = 1;
  // Up to kMaxSearchSnippets excerpts (~kSnippetLength bytes) around matches: first from the
  // long summary (short summary when there is none; at most 2), then from the text. [] for an
  // empty query.
  std::vector<std::string> search_snippets{};
  std::int64_t total_match_count = 0;  // occurrences of the query's words in the text
};

struct SearchResults {
  std::vector<SearchHit> results{};  // the requested window
  std::int64_t total = 0;            // every matching row
};

// Who sets a title.
enum class TitleSource { kGenerated, kUser };

// The outcome of SetStatus: whether the status changed, and if so the seq of the STATUS event.
struct StatusChange {
  bool changed = false;
  std::int64_t event_seq = 0;
};

// Event names the store itself writes.
inline constexpr std::string_view kStatusEvent = "STATUS";

class Transcripts {
 public:
  Transcripts(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Inserts `transcript` (id required) with created_at = updated_at = now; returns the stored
  // row. A duplicate id is kConflict; participants/topics must be JSON arrays, share_mode one of
  // kShareModes (InvalidInput naming share_mode).
  Result<Transcript> Create(Transcript transcript);
  // NotFound naming the id. Returns soft-deleted rows too (see deleted_at): the caller decides
  // what they mean.
  Result<Transcript> Get(std::string_view id);
  // Newest first (created_at, then id, descending), soft-deleted rows included; limit 0 = all.
  Result<std::vector<Transcript>> List(std::size_t limit = 0);
  // Deletes the transcript and its events, soft-deleted or not. NotFound naming the id.
  Status Remove(std::string_view id);

  // Filters, sorts and pages (see TranscriptQuery). InvalidInput naming page, size or
  // source_kind when out of range.
  Result<TranscriptPage> Query(const TranscriptQuery& query);
  // Text search (see TranscriptSearch and SearchHit). InvalidInput naming limit, offset,
  // source_kind, q (too many words), from/to (from > to) or include_deleted (without user_id).
  // Matching lower-cases with the database's lower(): ASCII only on SQLite.
  Result<SearchResults> Search(const TranscriptSearch& search);

  // Applies the set fields of `patch` in one statement and returns the stored row. An empty
  // patch changes nothing. NotFound naming the id; InvalidInput naming share_mode or
  // participants.
  Result<Transcript> Update(std::string_view id, const TranscriptPatch& patch);
  // Moves the transcript to the trash (deleted_at = now). InvalidInput "already deleted".
  Status SoftDelete(std::string_view id);
  // Takes it out of the trash. InvalidInput "not deleted" when it is not in the trash.
  Status Restore(std::string_view id);
  // Deletes a soft-deleted transcript, its events, its shadow transcripts, and its recording row
  // when no other transcript links that recording, for good, in one transaction. NotFound naming
  // the id; InvalidInput "not deleted" unless it was soft-deleted first. Objects in storage are
  // the caller's (the rows name them).
  Status Destroy(std::string_view id);

  // Every setter below, Update, SoftDelete and Restore take a new change_seq for the row;
  // appending events does not.
  //
  // Sets the status and appends a STATUS event {"value": status} in the same transaction, only
  // when it differs from the stored one. Returns whether it changed. NotFound naming the id.
  Result<StatusChange> SetStatus(std::string_view id, TranscriptStatus status);
  // kUser always writes and marks the title as hand-set; kGenerated writes only when the title
  // was not set by hand. Returns whether the title was written.
  Result<bool> SetTitle(std::string_view id, std::string title, TitleSource source);
  Status SetSummaries(std::string_view id, std::string long_summary, std::string short_summary);
  Status SetDuration(std::string_view id, double seconds);
  Status SetParticipants(std::string_view id, const Json& participants);
  // Also sets search_text from the WebVTT (or the topics' "transcript" texts).
  Status SetTopics(std::string_view id, const Json& topics, std::string webvtt);
  Status SetAudioLocation(std::string_view id, std::string location);
  Status SetAudioDeleted(std::string_view id, std::optional<bool> deleted);
  Status SetZulipMessageId(std::string_view id, std::optional<std::string> message_id);
  // Records where and why the pipeline failed (the status is set separately).
  Status SetFailure(std::string_view id, std::string failed_step, std::string reason);
  // Forgets the failure (a failed workflow retried from its failed tasks).
  Status ClearFailure(std::string_view id);
  Status SetCurrentStep(std::string_view id, std::optional<std::string> step);
  Status SetWorkflow(std::string_view id, std::string workflow_id, std::string engine);
  // Links the transcript to the recording its tracks belong to.
  Status SetRecording(std::string_view id, std::string recording_id);
  // Where the audio came from (one of kSourceKinds; InvalidInput naming source_kind otherwise).
  Status SetSourceKind(std::string_view id, std::string source_kind);

  // Prepares a re-run, atomically: deletes the events and clears topics, participants, webvtt,
  // summaries, search_text, current/failed step and failure reason, and the title unless it was
  // set by hand. Keeps status, duration, audio fields, zulip_message_id and the links. Event seq numbers
  // are not reused afterwards. NotFound naming the id.
  Status ResetForRerun(std::string_view id);

 private:
  Executor executor_;
  const Clock& clock_;
};

struct TranscriptEvent {
  std::string transcript_id;
  std::int64_t seq = 0;  // 1, 2, 3... per transcript, in append order, never reused
  std::string event;     // STATUS, DURATION, WAVEFORM, TRANSCRIPT, TOPIC, FINAL_*, PIPELINE_PROGRESS
  Json data = Json::object();
  double created_at = 0;
};

class TranscriptEvents {
 public:
  TranscriptEvents(Executor executor, const Clock& clock) : executor_(executor), clock_(clock) {}

  // Appends one event and returns its sequence number. Safe with concurrent appenders in any
  // number of threads and processes: the number comes from a counter on the transcript row,
  // incremented in the same transaction. NotFound naming the transcript id.
  Result<std::int64_t> Append(std::string_view transcript_id, std::string_view event, const Json& data);
  // Events with seq > after_seq, ascending; limit 0 = all.
  Result<std::vector<TranscriptEvent>> List(std::string_view transcript_id, std::int64_t after_seq = 0,
                                            std::size_t limit = 0);
  // Deletes every event of the transcript (the counter keeps going).
  Status Clear(std::string_view transcript_id);

 private:
  Executor executor_;
  const Clock& clock_;
};

}  // namespace reflector::store
