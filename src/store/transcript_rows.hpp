#pragma once
// Internal to src/store: how a transcripts row is read and written, shared by transcripts.cpp
// (one row at a time) and transcript_queries.cpp (lists and search).

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "store/database.hpp"
#include "store/sql.hpp"
#include "store/transcripts.hpp"

namespace reflector::store::detail {

// The transcripts columns in TranscriptReader order, comma-separated, each qualified by `prefix`
// ("t." in a join). `light` reads '[]' for topics and NULL for webvtt and search_text instead of
// the stored values.
std::string TranscriptColumns(std::string_view prefix = "", bool light = false);
// ":id, :name, ..." for an INSERT of every column.
std::string TranscriptPlaceholders();
// Binds every column of `t` in TranscriptColumns order.
void BindTranscript(const Transcript& t, sql::Params& params);

// Column buffers for one transcripts row, in TranscriptColumns order. More columns may be added
// to `row` after these.
struct TranscriptReader {
  TranscriptReader();
  Result<Transcript> Take();

  Transcript value;
  std::string status;
  sql::Row row{"transcripts"};
};

Error TranscriptNotFound(std::string_view id);

// InvalidInput naming `field` of transcript `id` unless `value` is a JSON array.
Status RequireArray(const Json& value, std::string_view field, std::string_view id);

// Inside a transaction, after row `id` was written: takes the next number of the database-wide
// change counter and stores it as the row's change_seq. The counter row stays locked until the
// transaction ends, so on PostgreSQL numbers are handed out in commit order.
void TakeChangeSeq(Session& session, const std::string& id);

}  // namespace reflector::store::detail
