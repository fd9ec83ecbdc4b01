// WebSockets: WS /v1/transcripts/{id}/events (replay without TRANSCRIPT and STATUS, then every
// new event once and in order, to any number of clients), WS /v1/events (user-level events),
// DAG_STATUS, and events appended by another process arriving through EventHub::Notify (and
// EventHub::CatchUpAll after the notification connection was lost).

#include <thread>

#include "api_fixture.hpp"
#include "pipeline/workflow_definitions.hpp"

namespace reflector::api::testing {
namespace {

using events::EventType;
using reflector::testing::WebSocketClient;

Json Message(std::string event, Json data) {
  return Json{{"event", std::move(event)}, {"data", std::move(data)}};
}

class EventsTest : public ApiFixture {
 protected:
  std::unique_ptr<WebSocketClient> Connect(const std::string& path, std::string_view user = "ana") {
    auto client = ConnectSocket(path, user);
    EXPECT_TRUE(client.ok()) << path << ": " << (client.ok() ? "" : client.error().Describe());
    return client.ok() ? std::move(*client) : nullptr;
  }
  // A transcript event appended by another process: stored, not published on this bus.
  std::int64_t AppendElsewhere(const std::string& id, std::string_view event, const Json& data) {
    store::TranscriptEvents events(*database_, clock_);
    auto seq = events.Append(id, event, data);
    EXPECT_TRUE(seq.ok());
    return seq.ok() ? *seq : 0;
  }
};
using LocalOwnerEventsTest = LocalOwnerFixture;

TEST_F(EventsTest, ReplaysStoredEventsThenDeliversNewOnesInOrder) {
  const std::string id = CreateTranscript("ana");
  Append(id, EventType::kStatus, events::StatusData("processing"));
  Append(id, EventType::kDuration, events::DurationData(12.5));
  Append(id, EventType::kTranscript, events::TranscriptData("partial words"));
  Append(id, EventType::kTopic, Json{{"id", "t1"}, {"title", "Intro"}});
  Append(id, EventType::kFinalTitle, events::FinalTitleData("Kick-off"));

  auto client = Connect("/v1/transcripts/" + id + "/events");
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->protocol(), "bearer");
  EXPECT_EQ(ReadMessages(*client, 3), (std::vector<Json>{Message("DURATION", {{"duration", 12500}}),
                                                         Message("TOPIC", {{"id", "t1"}, {"title", "Intro"}}),
                                                         Message("FINAL_TITLE", {{"title", "Kick-off"}})}));
  ASSERT_TRUE(WaitForWatchers(1));
  EXPECT_TRUE(client->Send("{\"event\": \"ignored\"}").ok());  // what clients send is ignored

  Append(id, EventType::kFinalLongSummary, events::FinalLongSummaryData("Long."));
  Append(id, EventType::kStatus, events::StatusData("ended"));
  Append(id, EventType::kDuration, events::DurationData(3.0));
  Append(id, EventType::kTranscript, events::TranscriptData("live text"));
  EXPECT_EQ(
      ReadMessages(*client, 4),
      (std::vector<Json>{Message("FINAL_LONG_SUMMARY", {{"long_summary", "Long."}}),
                         Message("STATUS", {{"value", "ended"}}), Message("DURATION", {{"duration", 3000}}),
                         Message("TRANSCRIPT", {{"text", "live text"}, {"translation", nullptr}})}));
  EXPECT_TRUE(NothingMore(*client));
}

// Every event carries its seq; a client reconnecting with since_seq gets only the later ones.
TEST_F(EventsTest, AReconnectingClientGetsOnlyWhatItMissedBySeq) {
  const std::string id = CreateTranscript("ana");
  const events::Event first = Append(id, EventType::kDuration, events::DurationData(1.0));
  const events::Event second = Append(id, EventType::kTopic, Json{{"id", "t1"}, {"title", "Intro"}});
  auto client = Connect("/v1/transcripts/" + id + "/events");
  ASSERT_NE(client, nullptr);
  std::vector<std::int64_t> seqs;
  ReadMessages(*client, 2, &seqs);
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{first.seq, second.seq}));
  client.reset();
  Append(id, EventType::kFinalTitle, events::FinalTitleData("Kick-off"));

  auto again = Connect("/v1/transcripts/" + id + "/events?since_seq=" + std::to_string(first.seq));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(ReadMessages(*again, 2), (std::vector<Json>{Message("TOPIC", {{"id", "t1"}, {"title", "Intro"}}),
                                                        Message("FINAL_TITLE", {{"title", "Kick-off"}})}));
  auto refused = ConnectSocket("/v1/transcripts/" + id + "/events?since_seq=soon", "ana");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("400"), std::string::npos) << refused.error().message;
}

TEST_F(EventsTest, FiftyClientsEachReceiveEveryEventOnceInOrder) {
  const std::string id = CreateTranscript("ana");
  Append(id, EventType::kFinalTitle, events::FinalTitleData("before"));
  constexpr int kClients = 50;
  std::vector<std::unique_ptr<WebSocketClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(Connect("/v1/transcripts/" + id + "/events"));
    ASSERT_NE(clients.back(), nullptr) << "client " << i;
  }
  ASSERT_TRUE(WaitForWatchers(kClients));

  // Four writers at once: the order clients see must be the log's order.
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([this, &id, w] {
      for (int i = 0; i < 10; ++i)
        Append(id, EventType::kFinalTitle,
               events::FinalTitleData("w" + std::to_string(w) + "-" + std::to_string(i)));
    });
  }
  for (auto& writer : writers)
    writer.join();
  auto stored = log_->List(id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 41U);
  std::vector<Json> expected;
  for (const auto& event : *stored)
    expected.push_back(Message("FINAL_TITLE", event.data));

  std::vector<std::thread> readers;
  for (int i = 0; i < kClients; ++i) {
    readers.emplace_back([&, i] {
      EXPECT_EQ(ReadMessages(*clients[i], expected.size()), expected) << "client " << i;
      EXPECT_TRUE(NothingMore(*clients[i])) << "client " << i;
    });
  }
  for (auto& reader : readers)
    reader.join();
}

TEST_F(EventsTest, AClientLeavingMidStreamDoesNotDisturbTheOthers) {
  const std::string id = CreateTranscript("ana");
  const std::string path = "/v1/transcripts/" + id + "/events";
  auto stays = Connect(path);
  auto aborts = Connect(path);
  auto closes = Connect(path);
  auto also_stays = Connect(path);
  ASSERT_TRUE(stays && aborts && closes && also_stays);
  ASSERT_TRUE(WaitForWatchers(4));

  std::vector<Json> expected;
  auto append = [&](int i) {
    Append(id, EventType::kFinalShortSummary, events::FinalShortSummaryData("s" + std::to_string(i)));
    expected.push_back(Message("FINAL_SHORT_SUMMARY", {{"short_summary", "s" + std::to_string(i)}}));
  };
  for (int i = 0; i < 5; ++i)
    append(i);
  EXPECT_EQ(ReadMessages(*aborts, 2).size(), 2U);
  aborts->Abort();  // gone without a close handshake, with messages still queued for it
  EXPECT_EQ(ReadMessages(*closes, 1).size(), 1U);
  closes->Close();
  for (int i = 5; i < 10; ++i)
    append(i);
  EXPECT_TRUE(WaitForWatchers(2));
  for (int i = 10; i < 12; ++i)
    append(i);
  EXPECT_EQ(ReadMessages(*stays, expected.size()), expected);
  EXPECT_EQ(ReadMessages(*also_stays, expected.size()), expected);
  EXPECT_TRUE(NothingMore(*stays));
  EXPECT_EQ(Get("/health").status, 200);
}

TEST_F(EventsTest, SocketsFollowTheTranscriptAccessRules) {
  const std::string id = CreateTranscript("ana");
  const std::string path = "/v1/transcripts/" + id + "/events";
  for (const auto& [user, status] : std::vector<std::pair<std::string, std::string>>{
           {"ben", "HTTP 403"}, {"", "HTTP 403"}, {std::string(kInvalidUser), "HTTP 401"}}) {
    auto refused = ConnectSocket(path, user);
    ASSERT_FALSE(refused.ok()) << "user '" << user << "' was let in";
    EXPECT_NE(refused.error().message.find(status), std::string::npos)
        << user << ": " << refused.error().message;
  }
  auto unknown = ConnectSocket("/v1/transcripts/00000000-0000-4000-8000-000000000000/events", "ana");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("HTTP 404"), std::string::npos) << unknown.error().message;
  EXPECT_EQ(hub_->watchers(), 0U);

  const std::string trashed = CreateTranscript("ana");
  ASSERT_EQ(Send("DELETE", "/v1/transcripts/" + trashed, {}, "ana").status, 200);
  auto deleted = ConnectSocket("/v1/transcripts/" + trashed + "/events", "ana");
  ASSERT_FALSE(deleted.ok());
  EXPECT_NE(deleted.error().message.find("HTTP 404"), std::string::npos) << deleted.error().message;

  SetShareMode(id, "public");
  auto anonymous = Connect(path, "");
  ASSERT_NE(anonymous, nullptr);
  EXPECT_EQ(anonymous->protocol(), "");  // nothing offered, nothing echoed
  auto ben = Connect(path, "ben");
  ASSERT_NE(ben, nullptr);
  EXPECT_EQ(ben->protocol(), "bearer");
}

TEST_F(EventsTest, UserSocketsGetTheirOwnTranscriptsEvents) {
  auto ana = Connect("/v1/events", "ana");
  auto ben = Connect("/v1/events", "ben");
  ASSERT_TRUE(ana && ben);
  EXPECT_EQ(ana->protocol(), "bearer");
  ASSERT_TRUE(WaitForWatchers(2));

  const std::string id = CreateTranscript("ana");
  Append(id, EventType::kStatus, events::StatusData("processing"));
  Append(id, EventType::kTopic, Json{{"id", "t1"}});  // not a user-level event
  Append(id, EventType::kDuration, events::DurationData(2.5));
  Append(id, EventType::kFinalTitle, events::FinalTitleData("Named"));
  ASSERT_EQ(Send("DELETE", "/v1/transcripts/" + id, {}, "ana").status, 200);
  ASSERT_EQ(Send("POST", "/v1/transcripts/" + id + "/restore", {}, "ana").status, 200);
  EXPECT_EQ(ReadMessages(*ana, 6),
            (std::vector<Json>{Message("TRANSCRIPT_CREATED", {{"id", id}}),
                               Message("TRANSCRIPT_STATUS", {{"id", id}, {"value", "processing"}}),
                               Message("TRANSCRIPT_DURATION", {{"id", id}, {"duration", 2500}}),
                               Message("TRANSCRIPT_FINAL_TITLE", {{"id", id}, {"title", "Named"}}),
                               Message("TRANSCRIPT_DELETED", {{"id", id}}),
                               Message("TRANSCRIPT_RESTORED", {{"id", id}})}));
  EXPECT_TRUE(NothingMore(*ana));
  EXPECT_TRUE(NothingMore(*ben));  // not ben's transcript

  // Without a bearer subprotocol the socket is closed with 4401, as Reflector does.
  auto anonymous = Connect("/v1/events", "");
  ASSERT_NE(anonymous, nullptr);
  auto closed = anonymous->Read();
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->closed);
  EXPECT_EQ(closed->close_code, 4401);
}

TEST_F(EventsTest, StatusChangesMadeByTheApiArriveLive) {
  const std::string id = CreateTranscript("ana");
  auto transcript = Connect("/v1/transcripts/" + id + "/events");
  auto user = Connect("/v1/events", "ana");
  ASSERT_TRUE(transcript && user);
  ASSERT_TRUE(WaitForWatchers(2));
  auto uploaded = PostMultipart("/v1/transcripts/" + id + "/record/upload?chunk_number=0&total_chunks=1",
                                {{.name = "chunk", .value = TinyWav(), .filename = "blob"}}, "ana");
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  EXPECT_EQ(ReadMessages(*transcript, 1), (std::vector<Json>{Message("STATUS", {{"value", "uploaded"}})}));
  EXPECT_EQ(ReadMessages(*user, 1),
            (std::vector<Json>{Message("TRANSCRIPT_STATUS", {{"id", id}, {"value", "uploaded"}})}));
  EXPECT_TRUE(NothingMore(*user));
}

TEST_F(LocalOwnerEventsTest, TheLocalOwnerSocketGetsEveryUserEvent) {
  auto client = ConnectSocket("/v1/events");
  ASSERT_TRUE(client.ok()) << client.error().Describe();
  ASSERT_TRUE(WaitForWatchers(1));
  const std::string id = CreateTranscript();
  Append(id, EventType::kStatus, events::StatusData("processing"));
  EXPECT_EQ(ReadMessages(**client, 2),
            (std::vector<Json>{Message("TRANSCRIPT_CREATED", {{"id", id}}),
                               Message("TRANSCRIPT_STATUS", {{"id", id}, {"value", "processing"}})}));
}

TEST_F(EventsTest, EventsFromOtherProcessesArriveThroughNotifyOnce) {
  const std::string id = CreateTranscript("ana");
  const std::string path = "/v1/transcripts/" + id + "/events";
  auto client = Connect(path);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(WaitForWatchers(1));

  // A worker elsewhere appends two events; one notification covers both.
  AppendElsewhere(id, "FINAL_TITLE", events::FinalTitleData("from a worker"));
  const std::int64_t second = AppendElsewhere(id, "DURATION", events::DurationData(1.5));
  hub_->Notify(id, second);
  EXPECT_EQ(ReadMessages(*client, 2), (std::vector<Json>{Message("FINAL_TITLE", {{"title", "from a worker"}}),
                                                         Message("DURATION", {{"duration", 1500}})}));
  // Repeated and late notifications deliver nothing again.
  hub_->Notify(id, second);
  hub_->Notify(id, second - 1);
  // This process appends; then a worker's event is stored but not yet notified when this
  // process appends again: both arrive, in order.
  Append(id, EventType::kFinalShortSummary, events::FinalShortSummaryData("one"));
  const std::int64_t unnotified =
      AppendElsewhere(id, "FINAL_LONG_SUMMARY", events::FinalLongSummaryData("two"));
  Append(id, EventType::kFinalShortSummary, events::FinalShortSummaryData("three"));
  hub_->Notify(id, unnotified);
  Append(id, EventType::kFinalTitle, events::FinalTitleData("end"));
  const std::vector<Json> rest = {Message("FINAL_SHORT_SUMMARY", {{"short_summary", "one"}}),
                                  Message("FINAL_LONG_SUMMARY", {{"long_summary", "two"}}),
                                  Message("FINAL_SHORT_SUMMARY", {{"short_summary", "three"}}),
                                  Message("FINAL_TITLE", {{"title", "end"}})};
  EXPECT_EQ(ReadMessages(*client, 4), rest);
  EXPECT_TRUE(NothingMore(*client));

  // A client connecting now gets all six replayed.
  auto late = Connect(path);
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(ReadMessages(*late, 6).back(), rest.back());
  EXPECT_TRUE(NothingMore(*late));
}

TEST_F(EventsTest, AfterALostNotificationConnectionCatchUpAllDeliversWhatWasMissedOnce) {
  const std::string first = CreateTranscript("ana");
  const std::string second = CreateTranscript("ana");
  auto one = Connect("/v1/transcripts/" + first + "/events");
  auto two = Connect("/v1/transcripts/" + second + "/events");
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);
  ASSERT_TRUE(WaitForWatchers(2));
  // A worker appends while the server's notification connection is down: no Notify arrives.
  AppendElsewhere(first, "FINAL_TITLE", events::FinalTitleData("missed one"));
  AppendElsewhere(second, "DURATION", events::DurationData(2.0));
  AppendElsewhere(first, "FINAL_SHORT_SUMMARY", events::FinalShortSummaryData("missed two"));

  hub_->CatchUpAll();  // what the listener's reconnect does in `serve`
  EXPECT_EQ(ReadMessages(*one, 2),
            (std::vector<Json>{Message("FINAL_TITLE", {{"title", "missed one"}}),
                               Message("FINAL_SHORT_SUMMARY", {{"short_summary", "missed two"}})}));
  EXPECT_EQ(ReadMessages(*two, 1), (std::vector<Json>{Message("DURATION", {{"duration", 2000}})}));
  // A second catch-up and the late notifications find nothing new.
  hub_->CatchUpAll();
  hub_->Notify(first, 2);
  const std::int64_t next = AppendElsewhere(first, "FINAL_TITLE", events::FinalTitleData("after"));
  hub_->Notify(first, next);
  EXPECT_EQ(ReadMessages(*one, 1), (std::vector<Json>{Message("FINAL_TITLE", {{"title", "after"}})}));
  EXPECT_TRUE(NothingMore(*one));
  EXPECT_TRUE(NothingMore(*two));
}

TEST_F(EventsTest, NotifyForATranscriptNobodyWatchesIsHarmless) {
  const std::string id = CreateTranscript("ana");
  const std::int64_t seq = AppendElsewhere(id, "FINAL_TITLE", events::FinalTitleData("unseen"));
  hub_->Notify(id, seq);
  hub_->Notify("no-such-transcript", 3);
  auto client = Connect("/v1/transcripts/" + id + "/events");
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(ReadMessages(*client, 1), (std::vector<Json>{Message("FINAL_TITLE", {{"title", "unseen"}})}));
  EXPECT_TRUE(NothingMore(*client));
}

TEST_F(EventsTest, DagStatusIsReplayedOnConnectAndFollowsTheWorkflow) {
  const std::string id = CreateTranscript("ana");
  engine::TaskRun task;
  task.reference_name = "get_recording";
  task.task_name = "get_recording";
  task.task_type = "SIMPLE";
  task.status = engine::TaskStatus::kInProgress;
  task.seq = 1;
  {
    std::lock_guard lock(engine_.mutex);
    engine_.tasks = {task};
    engine_.workflow_name = std::string(pipeline::kPipelineWorkflowName);
  }
  ASSERT_TRUE(Transcripts().SetWorkflow(id, "wf-9", "in_process").ok());

  auto client = Connect("/v1/transcripts/" + id + "/events");
  ASSERT_NE(client, nullptr);
  Json first = ReadMessages(*client, 1).at(0);
  EXPECT_EQ(first["event"], "DAG_STATUS");
  EXPECT_EQ(first["data"]["workflow_run_id"], "wf-9");
  // Every step of the pipeline's definition, not only the one scheduled so far.
  const Json& tasks = first["data"]["tasks"];
  ASSERT_GT(tasks.size(), 10U) << tasks.dump();
  EXPECT_EQ(tasks[0]["name"], "get_recording");
  EXPECT_EQ(tasks[0]["status"], "running");
  for (std::size_t i = 1; i < tasks.size(); ++i)
    EXPECT_EQ(tasks[i]["status"], "queued") << tasks[i].dump();
  EXPECT_EQ(BodyJson(Get("/v1/transcripts/" + id, "ana"))["dag_status"], first["data"]);

  {
    std::lock_guard lock(engine_.mutex);
    engine_.tasks[0].status = engine::TaskStatus::kCompleted;
  }
  Append(id, EventType::kFinalTitle, events::FinalTitleData("t"));
  // The event arrives (DAG_STATUS snapshots may come in between), and a fresh DAG_STATUS
  // shows the change of the workflow.
  bool got_event = false;
  Json refreshed;
  for (int i = 0; i < 10 && (!got_event || refreshed.is_null()); ++i) {
    auto messages = ReadMessages(*client, 1);
    ASSERT_EQ(messages.size(), 1U);
    const Json& message = messages[0];
    if (message["event"] == "FINAL_TITLE") {
      EXPECT_FALSE(got_event) << "delivered twice";
      EXPECT_EQ(message, Message("FINAL_TITLE", {{"title", "t"}}));
      got_event = true;
      continue;
    }
    ASSERT_EQ(message["event"], "DAG_STATUS") << message.dump();
    if (message["data"]["tasks"][0]["status"] == "completed") refreshed = message;
  }
  EXPECT_TRUE(got_event);
  EXPECT_FALSE(refreshed.is_null());
}

}  // namespace
}  // namespace reflector::api::testing
