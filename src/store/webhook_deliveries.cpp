#include "store/webhook_deliveries.hpp"

#include <charconv>
#include <utility>

#include "store/sql.hpp"

namespace reflector::store {

Status WebhookDeliveries::Record(WebhookDelivery delivery) {
  if (delivery.id.empty()) return Error::InvalidInput("webhook delivery id is empty");
  delivery.created_at = sql::ToSeconds(clock_.Now());
  const WebhookDelivery& d = delivery;
  return executor_.Run(
      "record webhook delivery " + sql::Quote(d.event_id) + " of transcript " + sql::Quote(d.transcript_id),
      [&](Session& session) -> Status {
        sql::Params params;
        params.Text(d.id)
            .Text(d.transcript_id)
            .OptionalText(d.room_id)
            .Text(d.event)
            .Text(d.event_id)
            .Text(d.url)
            .Integer(d.attempt);
        if (d.status_code) params.Integer(*d.status_code);
        params.Bool(d.success).OptionalText(d.error).Real(d.created_at);
        sql::Exec(
            session,
            std::string("INSERT INTO webhook_deliveries (id, transcript_id, room_id, event, event_id, url, "
                        "attempt, status_code, success, error, created_at) VALUES (:id, :transcript_id, "
                        ":room_id, :event, :event_id, :url, :attempt, ") +
                (d.status_code ? ":status_code" : "NULL") + ", :success, :error, :created_at)",
            std::move(params));
        return Ok();
      });
}

Result<std::vector<WebhookDelivery>> WebhookDeliveries::List(std::string_view transcript_id) {
  std::vector<WebhookDelivery> deliveries;
  Status status = executor_.Run(
      "list webhook deliveries of transcript " + sql::Quote(transcript_id), [&](Session& session) -> Status {
        WebhookDelivery value;
        std::int64_t attempt = 0;
        std::optional<std::string> status_code;  // read as text: the column is nullable
        sql::Row row("webhook_deliveries");
        row.Text(&value.id)
            .Text(&value.transcript_id)
            .OptionalText(&value.room_id)
            .Text(&value.event)
            .Text(&value.event_id)
            .Text(&value.url)
            .Integer(&attempt)
            .OptionalText(&status_code)
            .Bool(&value.success)
            .OptionalText(&value.error)
            .Real(&value.created_at);
        return sql::Query(
            session,
            "SELECT id, transcript_id, room_id, event, event_id, url, attempt, CAST(status_code AS "
            "TEXT), success, error, created_at FROM webhook_deliveries WHERE transcript_id = "
            ":transcript_id ORDER BY created_at, attempt, id",
            sql::Params().Text(std::string(transcript_id)), row, [&]() -> Status {
              WebhookDelivery delivery = value;
              delivery.attempt = static_cast<int>(attempt);
              delivery.status_code.reset();
              if (status_code) {
                int code = 0;
                auto [end, ec] =
                    std::from_chars(status_code->data(), status_code->data() + status_code->size(), code);
                if (ec == std::errc()) delivery.status_code = code;
              }
              deliveries.push_back(std::move(delivery));
              return Ok();
            });
      });
  if (!status.ok()) return std::move(status).error();
  return deliveries;
}

}  // namespace reflector::store
