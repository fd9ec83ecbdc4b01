#include "store/migrations.hpp"

#include <string>

#include "store/database.hpp"
#include "store/sql.hpp"

namespace reflector::store {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "initial schema",
       {
           R"sql(CREATE TABLE transcripts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  title TEXT,
  title_set_by_user INTEGER NOT NULL DEFAULT 0,
  short_summary TEXT,
  long_summary TEXT,
  duration DOUBLE PRECISION NOT NULL DEFAULT 0,
  source_language TEXT NOT NULL,
  target_language TEXT NOT NULL,
  participants TEXT NOT NULL,
  topics TEXT NOT NULL,
  webvtt TEXT,
  audio_location TEXT NOT NULL,
  audio_deleted INTEGER,
  zulip_message_id TEXT,
  user_id TEXT,
  room_id TEXT,
  meeting_id TEXT,
  recording_id TEXT,
  source_kind TEXT NOT NULL,
  current_step TEXT,
  failed_step TEXT,
  failure_reason TEXT,
  workflow_id TEXT,
  engine TEXT,
  last_event_seq BIGINT NOT NULL DEFAULT 0,
  created_at DOUBLE PRECISION NOT NULL,
  updated_at DOUBLE PRECISION NOT NULL
))sql",
           "CREATE INDEX idx_transcripts_created_at ON transcripts (created_at)",
           R"sql(CREATE TABLE transcript_events (
  transcript_id TEXT NOT NULL REFERENCES transcripts (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  event TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (transcript_id, seq)
))sql",
           R"sql(CREATE TABLE recordings (
  id TEXT PRIMARY KEY,
  bucket_name TEXT NOT NULL,
  object_key TEXT NOT NULL,
  recorded_at DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,
  meeting_id TEXT,
  track_keys TEXT,
  workflow_id TEXT,
  created_at DOUBLE PRECISION NOT NULL
))sql",
           "CREATE INDEX idx_recording_workflow_id ON recordings (workflow_id)",
           R"sql(CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  user_id TEXT,
  zulip_auto_post INTEGER NOT NULL DEFAULT 0,
  zulip_stream TEXT,
  zulip_topic TEXT,
  webhook_url TEXT,
  webhook_secret TEXT,
  platform TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL
))sql",
           R"sql(CREATE TABLE meetings (
  id TEXT PRIMARY KEY,
  room_name TEXT,
  room_id TEXT,
  calendar_event_id TEXT,
  platform TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL
))sql",
           R"sql(CREATE TABLE meeting_consent (
  id TEXT PRIMARY KEY,
  meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  user_id TEXT,
  consent_given INTEGER NOT NULL,
  consent_timestamp DOUBLE PRECISION NOT NULL
))sql",
           "CREATE INDEX idx_meeting_consent_meeting_id ON meeting_consent (meeting_id)",
           R"sql(CREATE TABLE task_cache (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL
))sql",
           R"sql(CREATE TABLE workflow_runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT NOT NULL,
  correlation_id TEXT,
  reason TEXT,
  definition TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL,
  updated_at DOUBLE PRECISION NOT NULL,
  ended_at DOUBLE PRECISION
))sql",
           "CREATE INDEX idx_workflow_runs_status ON workflow_runs (status, created_at)",
           R"sql(CREATE TABLE task_runs (
  id TEXT PRIMARY KEY,
  workflow_id TEXT NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
  reference_name TEXT NOT NULL,
  task_name TEXT NOT NULL,
  task_type TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT NOT NULL,
  retry_count BIGINT NOT NULL DEFAULT 0,
  seq BIGINT NOT NULL,
  worker_id TEXT,
  reason TEXT,
  scheduled_at DOUBLE PRECISION NOT NULL,
  started_at DOUBLE PRECISION,
  updated_at DOUBLE PRECISION NOT NULL,
  ended_at DOUBLE PRECISION,
  retried INTEGER NOT NULL DEFAULT 0,
  callback_after DOUBLE PRECISION NOT NULL DEFAULT 0,
  start_delay DOUBLE PRECISION NOT NULL DEFAULT 0,
  iteration BIGINT NOT NULL DEFAULT 0
))sql",
           "CREATE INDEX idx_task_runs_workflow_seq ON task_runs (workflow_id, seq)",
           "CREATE INDEX idx_task_runs_status ON task_runs (status, scheduled_at)",
       }},
      {2,
       "engine flags",
       {
           // Engine bookkeeping that has no column of its own (optional, executed, dynamic, the
           // failure workflow started for a run...), as a JSON object.
           "ALTER TABLE workflow_runs ADD COLUMN flags TEXT NOT NULL DEFAULT '{}'",
           "ALTER TABLE task_runs ADD COLUMN flags TEXT NOT NULL DEFAULT '{}'",
       }},
      {3,
       "webhook deliveries",
       {
           // One row per attempt to deliver an outgoing webhook (see WebhookDeliveries).
           R"sql(CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  transcript_id TEXT NOT NULL REFERENCES transcripts (id) ON DELETE CASCADE,
  room_id TEXT,
  event TEXT NOT NULL,
  event_id TEXT NOT NULL,
  url TEXT NOT NULL,
  attempt BIGINT NOT NULL,
  status_code BIGINT,
  success INTEGER NOT NULL,
  error TEXT,
  created_at DOUBLE PRECISION NOT NULL
))sql",
           "CREATE INDEX idx_webhook_deliveries_transcript ON webhook_deliveries (transcript_id, created_at)",
       }},
      {4,
       "api fields",
       {
           // What the HTTP API reads and writes (Reflector's transcript and room fields).
           "ALTER TABLE transcripts ADD COLUMN share_mode TEXT NOT NULL DEFAULT 'private'",
           "ALTER TABLE transcripts ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE transcripts ADD COLUMN locked INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE transcripts ADD COLUMN deleted_at DOUBLE PRECISION",
           "ALTER TABLE transcripts ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE transcripts ADD COLUMN search_text TEXT",
           // Database-wide counters, one row each, incremented inside the writing transaction.
           "CREATE TABLE change_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
           // Existing rows get 1, 2, 3... in creation order, and the counter goes on from there.
           R"sql(UPDATE transcripts SET change_seq = (
  SELECT COUNT(*) FROM transcripts AS earlier
  WHERE earlier.created_at < transcripts.created_at
     OR (earlier.created_at = transcripts.created_at AND earlier.id <= transcripts.id)
))sql",
           R"sql(INSERT INTO change_counters (name, value)
  SELECT 'transcripts', COALESCE(MAX(change_seq), 0) FROM transcripts)sql",
           "CREATE INDEX idx_transcripts_user_created_at ON transcripts (user_id, created_at)",
           "CREATE INDEX idx_transcripts_change_seq ON transcripts (change_seq)",
           "CREATE INDEX idx_transcripts_room_created_at ON transcripts (room_id, created_at)",
           "ALTER TABLE rooms ADD COLUMN is_locked INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE rooms ADD COLUMN is_shared INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE rooms ADD COLUMN room_mode TEXT NOT NULL DEFAULT 'normal'",
           "ALTER TABLE rooms ADD COLUMN recording_type TEXT NOT NULL DEFAULT 'cloud'",
           "ALTER TABLE rooms ADD COLUMN recording_trigger TEXT NOT NULL DEFAULT 'automatic-2nd-participant'",
           "ALTER TABLE rooms ADD COLUMN skip_consent INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE rooms ADD COLUMN store_video INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE rooms ADD COLUMN email_transcript_to TEXT",
           "CREATE INDEX idx_rooms_is_shared ON rooms (is_shared)",
           "CREATE INDEX idx_rooms_user_created_at ON rooms (user_id, created_at)",
       }},
      {5,
       "api keys",
       {
           // Keys of the HTTP API's users, by keyed hash (see ApiKeys); never the key itself.
           R"sql(CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT,
  key_hash TEXT NOT NULL UNIQUE,
  created_at DOUBLE PRECISION NOT NULL
))sql",
           "CREATE INDEX idx_api_keys_user ON api_keys (user_id, created_at)",
       }},
      {6,
       "workflow leases",
       {
           // Which process runs a workflow of the in-process engine (see WorkflowLeases).
           R"sql(CREATE TABLE workflow_leases (
  workflow_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at DOUBLE PRECISION NOT NULL
))sql",
       }},
      {7,
       "daily recordings",
       {
           // One row per Daily.co recording taken in; its key is what makes one recording give
           // one transcript however often it is announced (see DailyRecordingClaims). No
           // foreign key: a destroyed transcript must not let the poller take the recording again.
           R"sql(CREATE TABLE daily_recordings (
  recording_id TEXT PRIMARY KEY,
  transcript_id TEXT NOT NULL UNIQUE,
  room_name TEXT NOT NULL,
  announced_by TEXT NOT NULL,
  reprocess_attempts BIGINT NOT NULL DEFAULT 0,
  reprocess_due_at DOUBLE PRECISION,
  created_at DOUBLE PRECISION NOT NULL
))sql",
           // Ids of the Daily.co webhook events accepted, so a replayed delivery is refused.
           R"sql(CREATE TABLE daily_webhook_events (
  event_id TEXT PRIMARY KEY,
  event_type TEXT NOT NULL,
  received_at DOUBLE PRECISION NOT NULL
))sql",
           "CREATE INDEX idx_daily_webhook_events_received_at ON daily_webhook_events (received_at)",
       }},
      {8,
       "shadow runs",
       {
           // A primary run beside its shadow run on another engine, and their comparison (see
           // ShadowRuns). A transcript named here as a shadow is hidden from lists and search.
           R"sql(CREATE TABLE shadow_runs (
  id TEXT PRIMARY KEY,
  recording_id TEXT NOT NULL,
  primary_transcript_id TEXT NOT NULL REFERENCES transcripts (id) ON DELETE CASCADE,
  primary_workflow_id TEXT NOT NULL,
  primary_engine TEXT NOT NULL,
  shadow_transcript_id TEXT NOT NULL UNIQUE REFERENCES transcripts (id) ON DELETE CASCADE,
  shadow_workflow_id TEXT,
  shadow_engine TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  agreed INTEGER,
  comparison TEXT,
  created_at DOUBLE PRECISION NOT NULL,
  compared_at DOUBLE PRECISION
))sql",
           "CREATE INDEX idx_shadow_runs_recording ON shadow_runs (recording_id, created_at)",
           "CREATE INDEX idx_shadow_runs_primary ON shadow_runs (primary_transcript_id, created_at)",
           "CREATE INDEX idx_shadow_runs_status ON shadow_runs (status, created_at)",
       }},
  };
  return kMigrations;
}

namespace {

// pg_advisory_xact_lock key that serialises migrations of concurrent processes ("refl").
constexpr std::int64_t kMigrationLockKey = 0x7265666c;

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at DOUBLE PRECISION "
    "NOT NULL)";

// Inside a transaction: takes the migration lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already
// holds the write lock) and makes sure schema_migrations exists.
Status LockAndBootstrap(Session& session) {
  if (session.dialect() == Dialect::kPostgres) {
    std::int64_t one = 0;
    sql::Row row("pg_advisory_xact_lock");
    row.Integer(&one);
    // pg_advisory_xact_lock returns void; select a constant beside it so the row has a value.
    REFLECTOR_TRY(sql::QueryOne(session, "SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS l",
                                sql::Params().Integer(kMigrationLockKey), row));
  }
  sql::Exec(session, kCreateMigrationsTable);
  return Ok();
}

Result<std::int64_t> MaxVersion(Session& session) {
  std::int64_t version = 0;
  sql::Row row("schema_migrations");
  row.Integer(&version);
  REFLECTOR_TRY(sql::QueryOne(session, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, row));
  return version;
}

}  // namespace

Status Database::Migrate(const Clock& clock) {
  const std::vector<Migration>& migrations = Migrations();
  const std::int64_t latest = migrations.empty() ? 0 : migrations.back().version;
  std::int64_t current = 0;
  Status status = WithTransaction("read schema version", [&](Session& session) -> Status {
    REFLECTOR_TRY(LockAndBootstrap(session));
    REFLECTOR_ASSIGN_OR_RETURN(current, MaxVersion(session));
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  if (current > latest) {
    return Error::Terminal(ErrorKind::kConflict, "the database " + redacted_url() + " has schema version " +
                                                     std::to_string(current) +
                                                     ", newer than this program's " + std::to_string(latest));
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    const std::string operation =
        "apply migration " + std::to_string(migration.version) + " (" + std::string(migration.name) + ")";
    Status applied_status = WithTransaction(operation, [&](Session& session) -> Status {
      REFLECTOR_TRY(LockAndBootstrap(session));
      REFLECTOR_ASSIGN_OR_RETURN(std::int64_t applied, MaxVersion(session));
      if (applied >= migration.version) return Ok();  // another process was faster
      for (std::string_view statement : migration.statements)
        sql::Exec(session, statement);
      sql::Exec(session, "INSERT INTO schema_migrations (version, applied_at) VALUES (:version, :applied_at)",
                sql::Params().Integer(migration.version).Real(sql::ToSeconds(clock.Now())));
      return Ok();
    });
    if (!applied_status.ok()) return std::move(applied_status).error();
  }
  return Ok();
}

Result<std::int64_t> Database::SchemaVersion() {
  std::int64_t version = 0;
  Status status = WithSession("read schema version", [&](Session& session) -> Status {
    std::int64_t tables = 0;
    sql::Row count("schema_migrations");
    count.Integer(&tables);
    const char* exists = session.dialect() == Dialect::kSqlite
                             ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                               "'schema_migrations'"
                             : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                               "current_schema() AND table_name = 'schema_migrations'";
    REFLECTOR_TRY(sql::QueryOne(session, exists, {}, count));
    if (tables > 0) {
      REFLECTOR_ASSIGN_OR_RETURN(version, MaxVersion(session));
    }
    return Ok();
  });
  if (!status.ok()) return std::move(status).error();
  return version;
}

}  // namespace reflector::store
