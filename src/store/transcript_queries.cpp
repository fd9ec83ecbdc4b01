// Transcripts::Query and Transcripts::Search: filtered, paged reads of the transcripts table,
// joined with rooms (for shared rooms and room names).

#include <cstdint>
#include <utility>
#include <variant>

#include "store/search_text.hpp"
#include "store/shadow_runs.hpp"
#include "store/sql.hpp"
#include "store/transcript_rows.hpp"
#include "store/transcripts.hpp"

namespace reflector::store {
namespace {

using detail::TranscriptColumns;
using detail::TranscriptReader;
using sql::RequireOneOf;
using sql::RequireRange;

constexpr std::string_view kFrom = " FROM transcripts t LEFT JOIN rooms r ON r.id = t.room_id";
// At most this many snippets come from the summary, the rest from the text.
constexpr std::size_t kMaxSummarySnippets = 2;

// The lower-cased text a search word must occur in, and the part of it that counts for rank.
constexpr std::string_view kSummaryText =
    "lower(COALESCE(t.title, '') || ' ' || COALESCE(t.short_summary, '') || ' ' || "
    "COALESCE(t.long_summary, ''))";
constexpr std::string_view kAllText =
    "lower(COALESCE(t.title, '') || ' ' || COALESCE(t.short_summary, '') || ' ' || "
    "COALESCE(t.long_summary, '') || ' ' || COALESCE(t.search_text, t.webvtt, ''))";

// A WHERE clause under construction: conditions joined with AND, and their bound values in
// placeholder order (a Params can be bound once, so the values are kept to bind again).
class Conditions {
 public:
  using Value = std::variant<std::string, double, std::int64_t>;

  Conditions& Add(const std::string& condition, std::vector<Value> values = {}) {
    text_ += (text_.empty() ? " WHERE " : " AND ") + condition;
    for (Value& value : values)
      values_.push_back(std::move(value));
    return *this;
  }
  [[nodiscard]] const std::string& text() const { return text_; }
  void BindTo(sql::Params& params) const {
    for (const Value& value : values_) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
              params.Text(v);
            } else if constexpr (std::is_same_v<T, double>) {
              params.Real(v);
            } else {
              params.Integer(v);
            }
          },
          value);
    }
  }

 private:
  std::string text_;
  std::vector<Value> values_;
};

void AddScope(const TranscriptScope& scope, Conditions& where) {
  if (scope.user_id && scope.shared_rooms) {
    where.Add("(t.user_id = :user_id OR r.is_shared = 1)", {*scope.user_id});
  } else if (scope.user_id) {
    where.Add("t.user_id = :user_id", {*scope.user_id});
  } else if (scope.shared_rooms) {
    where.Add("r.is_shared = 1");
  }
}

Result<Conditions> QueryConditions(const TranscriptQuery& query) {
  Conditions where;
  AddScope(query.scope, where);
  where.Add(NotShadowCondition("t"));
  if (query.deleted == DeletedTranscripts::kExclude) where.Add("t.deleted_at IS NULL");
  if (query.deleted == DeletedTranscripts::kOnly) where.Add("t.deleted_at IS NOT NULL");
  if (query.source_kind) {
    REFLECTOR_TRY(RequireOneOf(*query.source_kind, kSourceKinds, "source_kind"));
    where.Add("t.source_kind = :source_kind", {*query.source_kind});
  }
  if (query.room_id) where.Add("t.room_id = :room_id", {*query.room_id});
  if (query.search_term && !query.search_term->empty()) {
    where.Add("lower(t.title) LIKE lower(:search_term) ESCAPE '!'", {ContainsPattern(*query.search_term)});
  }
  if (query.change_seq_from) where.Add("t.change_seq > :change_seq_from", {*query.change_seq_from});
  return where;
}

Result<std::int64_t> CountIn(Session& session, const Conditions& where) {
  std::int64_t total = 0;
  sql::Row row("transcripts");
  row.Integer(&total);
  sql::Params params;
  where.BindTo(params);
  REFLECTOR_TRY(
      sql::QueryOne(session, "SELECT COUNT(*)" + std::string(kFrom) + where.text(), std::move(params), row));
  return total;
}

std::string Window(std::int64_t limit, std::int64_t offset) {
  return " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
}

}  // namespace

Result<TranscriptPage> Transcripts::Query(const TranscriptQuery& query) {
  REFLECTOR_TRY(RequireRange(query.page, 1, INT32_MAX, "page"));
  REFLECTOR_TRY(RequireRange(query.size, 1, kMaxPageSize, "size"));
  REFLECTOR_ASSIGN_OR_RETURN(Conditions where, QueryConditions(query));
  const std::string order = query.sort == TranscriptSort::kChangeSeqAsc
                                ? " ORDER BY t.change_seq, t.id"
                                : " ORDER BY t.created_at DESC, t.id DESC";
  TranscriptPage page;
  Status status = executor_.Run("query transcripts", [&](Session& session) -> Status {
    REFLECTOR_ASSIGN_OR_RETURN(page.total, CountIn(session, where));
    TranscriptReader reader;
    sql::Params params;
    where.BindTo(params);
    return sql::Query(session,
                      "SELECT " + TranscriptColumns("t.", true) + std::string(kFrom) + where.text() + order +
                          Window(query.size, (query.page - 1) * query.size),
                      std::move(params), reader.row, [&]() -> Status {
                        REFLECTOR_ASSIGN_OR_RETURN(Transcript t, reader.Take());
                        page.items.push_back(std::move(t));
                        return Ok();
                      });
  });
  if (!status.ok()) return std::move(status).error();
  return page;
}

namespace {

Result<Conditions> SearchConditions(const TranscriptSearch& search, const std::vector<std::string>& words) {
  Conditions where;
  if (search.include_deleted) {
    if (!search.scope.user_id)
      return Error::InvalidInput("include_deleted needs a user_id (the trash is per user)");
    where.Add("t.deleted_at IS NOT NULL").Add("t.user_id = :user_id", {*search.scope.user_id});
  } else {
    where.Add("t.deleted_at IS NULL");
    AddScope(search.scope, where);
  }
  where.Add(NotShadowCondition("t"));
  for (std::size_t i = 0; i < words.size(); ++i) {
    where.Add(std::string(kAllText) + " LIKE lower(:word" + std::to_string(i) + ") ESCAPE '!'",
              {ContainsPattern(words[i])});
  }
  if (search.room_id) where.Add("t.room_id = :room_id", {*search.room_id});
  if (search.source_kind) {
    REFLECTOR_TRY(RequireOneOf(*search.source_kind, kSourceKinds, "source_kind"));
    where.Add("t.source_kind = :source_kind", {*search.source_kind});
  }
  if (search.from && search.to && *search.from > *search.to) {
    return Error::InvalidInput("from must not be after to");
  }
  if (search.from) where.Add("t.created_at >= :from", {*search.from});
  if (search.to) where.Add("t.created_at <= :to", {*search.to});
  return where;
}

// "CAST(<words found in title/summaries> AS DOUBLE PRECISION) / n", binding each word's pattern.
std::string RankExpression(const std::vector<std::string>& words, sql::Params& params) {
  if (words.empty()) return "CAST(1 AS DOUBLE PRECISION)";
  std::string sum;
  for (std::size_t i = 0; i < words.size(); ++i) {
    // Placeholder names are unique: SQLite gives equal names one shared parameter.
    sum += (sum.empty() ? "" : " + ") + std::string("CASE WHEN ") + std::string(kSummaryText) +
           " LIKE lower(:rank_word" + std::to_string(i) + ") ESCAPE '!' THEN 1 ELSE 0 END";
    params.Text(ContainsPattern(words[i]));
  }
  return "CAST(" + sum + " AS DOUBLE PRECISION) / " + std::to_string(words.size());
}

// Fills the snippets and match count of a hit from the summary and the text.
void DescribeMatches(SearchHit& hit, std::string_view text, const std::vector<std::string>& words) {
  if (words.empty()) return;
  const Transcript& t = hit.transcript;
  const std::optional<std::string>& summary = t.long_summary ? t.long_summary : t.short_summary;
  if (summary) hit.search_snippets = Snippets(*summary, words, kMaxSummarySnippets);
  for (std::string& snippet : Snippets(text, words, kMaxSearchSnippets - hit.search_snippets.size()))
    hit.search_snippets.push_back(std::move(snippet));
  hit.total_match_count = CountMatches(text, words);
}

}  // namespace

Result<SearchResults> Transcripts::Search(const TranscriptSearch& search) {
  REFLECTOR_TRY(RequireRange(search.limit, 1, kMaxPageSize, "limit"));
  REFLECTOR_TRY(RequireRange(search.offset, 0, INT32_MAX, "offset"));
  const std::vector<std::string> words = SearchWords(search.q);
  if (words.size() > kMaxSearchWords) {
    return Error::InvalidInput("q has " + std::to_string(words.size()) + " words, more than " +
                               std::to_string(kMaxSearchWords));
  }
  REFLECTOR_ASSIGN_OR_RETURN(Conditions where, SearchConditions(search, words));
  std::string order = " ORDER BY search_rank DESC, t.created_at DESC, t.id DESC";
  if (words.empty() && search.include_deleted) order = " ORDER BY t.deleted_at DESC, t.id DESC";

  SearchResults found;
  Status status = executor_.Run("search transcripts", [&](Session& session) -> Status {
    REFLECTOR_ASSIGN_OR_RETURN(found.total, CountIn(session, where));
    sql::Params params;
    const std::string rank = RankExpression(words, params);
    where.BindTo(params);
    TranscriptReader reader;
    SearchHit hit;
    std::optional<std::string> search_text;
    std::optional<std::string> webvtt;
    reader.row.OptionalText(&hit.room_name).Real(&hit.rank).OptionalText(&search_text).OptionalText(&webvtt);
    return sql::Query(
        session,
        "SELECT " + TranscriptColumns("t.", true) + ", r.name, " + rank +
            " AS search_rank, t.search_text, CASE WHEN t.search_text IS NULL THEN t.webvtt END" +
            std::string(kFrom) + where.text() + order + Window(search.limit, search.offset),
        std::move(params), reader.row, [&]() -> Status {
          REFLECTOR_ASSIGN_OR_RETURN(Transcript t, reader.Take());
          SearchHit out{std::move(t), hit.room_name, hit.rank, {}, 0};
          const std::string text = search_text ? *search_text : PlainTextFromWebVtt(webvtt.value_or(""));
          DescribeMatches(out, text, words);
          found.results.push_back(std::move(out));
          return Ok();
        });
  });
  if (!status.ok()) return std::move(status).error();
  return found;
}

}  // namespace reflector::store
