#include "app/rooms_command.hpp"

#include <cstdio>
#include <memory>

#include "app/runtime.hpp"
#include "service/processing.hpp"
#include "store/recordings.hpp"

namespace reflector::app {

namespace {

struct RoomOptions {
  std::string name;
  std::string webhook_url;
  std::string webhook_secret;
  std::string zulip_stream;
  std::string zulip_topic;
  bool zulip_auto_post = false;
  std::string platform = "local";
};

struct ConsentOptions {
  std::string meeting_id;
  std::string user;
  bool denied = false;
  bool given = false;
  std::string room;
};

int Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "reflector: %s\n", message.c_str());
  return code;
}

std::unique_ptr<Runtime> Open(const Settings& settings) {
  auto runtime = Runtime::Create(settings);
  if (!runtime) {
    Fail(runtime.error().message);
    return nullptr;
  }
  return std::move(runtime).value();
}

int CreateRoom(const Settings& settings, const RoomOptions& options) {
  if (options.zulip_auto_post && (options.zulip_stream.empty() || options.zulip_topic.empty())) {
    return Fail("--zulip-auto-post needs --zulip-stream and --zulip-topic", 2);
  }
  if (!options.webhook_secret.empty() && options.webhook_url.empty()) {
    return Fail("--webhook-secret needs --webhook-url", 2);
  }
  if (!options.webhook_url.empty() && options.webhook_url.rfind("http://", 0) != 0 &&
      options.webhook_url.rfind("https://", 0) != 0) {
    return Fail("--webhook-url must be an http:// or https:// URL, got '" + options.webhook_url + "'", 2);
  }
  auto runtime = Open(settings);
  if (!runtime) return 1;
  store::Room room;
  room.id = runtime->ids().NewId();
  room.name = options.name;
  room.webhook_url = options.webhook_url;
  room.webhook_secret = options.webhook_secret;
  room.zulip_stream = options.zulip_stream;
  room.zulip_topic = options.zulip_topic;
  room.zulip_auto_post = options.zulip_auto_post;
  room.platform = options.platform;
  store::Rooms rooms(runtime->database(), runtime->clock());
  auto created = rooms.Create(room);
  if (!created) return Fail(created.error().message, created.error().kind == ErrorKind::kConflict ? 2 : 1);
  std::printf("room: %s %s\n", created->id.c_str(), created->name.c_str());
  return 0;
}

int ListRooms(const Settings& settings) {
  auto runtime = Open(settings);
  if (!runtime) return 1;
  store::Rooms rooms(runtime->database(), runtime->clock());
  auto list = rooms.List();
  if (!list) return Fail(list.error().message);
  std::printf("%-36s  %-20s  %-8s  %-30s  %s\n", "ID", "NAME", "PLATFORM", "ZULIP", "WEBHOOK");
  for (const auto& room : *list) {
    std::string zulip = room.zulip_stream.empty() ? "-" : room.zulip_stream + "/" + room.zulip_topic;
    if (room.zulip_auto_post) zulip += " (auto)";
    std::string webhook = room.webhook_url.empty() ? "-" : room.webhook_url;
    if (!room.webhook_secret.empty()) webhook += " (signed)";
    std::printf("%-36s  %-20s  %-8s  %-30s  %s\n", room.id.c_str(), room.name.c_str(), room.platform.c_str(),
                zulip.c_str(), webhook.c_str());
  }
  return 0;
}

int AddConsent(const Settings& settings, const ConsentOptions& options) {
  if (options.given == options.denied) return Fail("say --given or --denied (one of them)", 2);
  auto runtime = Open(settings);
  if (!runtime) return 1;
  auto meeting = service::EnsureMeeting(runtime->service(), options.meeting_id, options.room);
  if (!meeting.ok())
    return Fail(meeting.error().message, meeting.error().kind == ErrorKind::kNotFound ? 2 : 1);
  store::MeetingConsent consent;
  consent.id = runtime->ids().NewId();
  consent.meeting_id = options.meeting_id;
  if (!options.user.empty()) consent.user_id = options.user;
  consent.consent_given = options.given;
  consent.consent_timestamp =
      std::chrono::duration<double>(runtime->clock().Now().time_since_epoch()).count();
  store::MeetingConsents consents(runtime->database());
  if (auto added = consents.Add(consent); !added.ok()) return Fail(added.error().message);
  std::printf("consent: meeting %s user %s %s\n", options.meeting_id.c_str(),
              options.user.empty() ? "-" : options.user.c_str(), options.given ? "given" : "denied");
  return 0;
}

int ListConsents(const Settings& settings, const std::string& meeting_id) {
  auto runtime = Open(settings);
  if (!runtime) return 1;
  store::MeetingConsents consents(runtime->database());
  auto list = consents.List(meeting_id);
  if (!list) return Fail(list.error().message);
  for (const auto& consent : *list) {
    std::printf("%s  %-20s  %s\n",
                FormatIso8601(WallTime(std::chrono::duration_cast<WallTime::duration>(
                                  std::chrono::duration<double>(consent.consent_timestamp))))
                    .c_str(),
                consent.user_id.value_or("-").c_str(), consent.consent_given ? "given" : "denied");
  }
  return 0;
}

}  // namespace

void RegisterRoomsCommands(CLI::App& cli, CommandRegistry& registry) {
  auto* rooms =
      cli.add_subcommand("rooms", "rooms: where transcripts are posted (Zulip) and announced (webhook)");
  rooms->require_subcommand(1);
  auto room = std::make_shared<RoomOptions>();
  auto* create = rooms->add_subcommand("create", "create a room");
  create->add_option("name", room->name, "unique room name")->required();
  create->add_option("--webhook-url", room->webhook_url, "POST transcript.completed here");
  create->add_option("--webhook-secret", room->webhook_secret, "HMAC-SHA256 key of X-Webhook-Signature");
  create->add_option("--zulip-stream", room->zulip_stream, "Zulip stream for the meeting summary");
  create->add_option("--zulip-topic", room->zulip_topic, "Zulip topic for the meeting summary");
  create->add_flag("--zulip-auto-post", room->zulip_auto_post,
                   "post (or update) the summary when a meeting ends");
  create->add_option("--platform", room->platform, "where the room's recordings come from")
      ->capture_default_str()
      ->check(CLI::IsMember({"local", "daily"}));
  registry.Add(create, [room](const Settings& settings) { return CreateRoom(settings, *room); });
  auto* list = rooms->add_subcommand("list", "every room");
  registry.Add(list, [](const Settings& settings) { return ListRooms(settings); });

  auto* consent = cli.add_subcommand("consent", "consent answers of a meeting's participants");
  consent->require_subcommand(1);
  auto answer = std::make_shared<ConsentOptions>();
  auto* add = consent->add_subcommand(
      "add",
      "record an answer (the meeting is created when new); a denial deletes the meeting's audio when "
      "its transcript is processed");
  add->add_option("meeting_id", answer->meeting_id, "the meeting (pass the same id to `process --meeting`)")
      ->required();
  add->add_option("--user", answer->user, "who answered");
  add->add_flag("--given", answer->given, "consent given");
  add->add_flag("--denied", answer->denied, "consent denied");
  add->add_option("--room", answer->room, "room of a new meeting");
  registry.Add(add, [answer](const Settings& settings) { return AddConsent(settings, *answer); });
  auto meeting_id = std::make_shared<std::string>();
  auto* show = consent->add_subcommand("list", "the answers of a meeting, oldest first");
  show->add_option("meeting_id", *meeting_id, "the meeting")->required();
  registry.Add(show, [meeting_id](const Settings& settings) { return ListConsents(settings, *meeting_id); });
}

}  // namespace reflector::app
