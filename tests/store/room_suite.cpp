// The repository suite, continued: rooms with the fields and calls the HTTP API uses. Run on
// both backends like repository_suite.cpp.

#include <gmock/gmock.h>

#include <vector>

#include "repository_suite.hpp"
#include "store/rooms.hpp"

namespace reflector::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Room Owned(std::string id, std::string name, std::optional<std::string> user_id, bool shared = false) {
  Room room;
  room.id = std::move(id);
  room.name = std::move(name);
  room.user_id = std::move(user_id);
  room.is_shared = shared;
  return room;
}

std::vector<std::string> IdsOf(const std::vector<Room>& rooms) {
  std::vector<std::string> ids;
  for (const Room& room : rooms)
    ids.push_back(room.id);
  return ids;
}

}  // namespace

TEST_P(RepositoryTest, RoomApiFieldsRoundTripWithReflectorDefaults) {
  Rooms rooms(*db_, clock_);
  ASSERT_OK(rooms.Create(Owned("plain", "plain", "u")));
  ASSERT_OK_AND_ASSIGN(Room plain, rooms.Get("plain"));
  EXPECT_FALSE(plain.is_locked);
  EXPECT_FALSE(plain.is_shared);
  EXPECT_EQ(plain.room_mode, "normal");
  EXPECT_EQ(plain.recording_type, "cloud");
  EXPECT_EQ(plain.recording_trigger, "automatic-2nd-participant");
  EXPECT_FALSE(plain.skip_consent);
  EXPECT_FALSE(plain.store_video);
  EXPECT_FALSE(plain.email_transcript_to.has_value());

  Room custom = Owned("custom", "custom", "u", true);
  custom.is_locked = true;
  custom.room_mode = "group";
  custom.recording_type = "local";
  custom.recording_trigger = "prompt";
  custom.skip_consent = true;
  custom.store_video = true;
  custom.email_transcript_to = "team@example.test";
  ASSERT_OK(rooms.Create(custom));
  ASSERT_OK_AND_ASSIGN(Room got, rooms.GetByName("custom"));
  EXPECT_TRUE(got.is_locked);
  EXPECT_TRUE(got.is_shared);
  EXPECT_EQ(got.room_mode, "group");
  EXPECT_EQ(got.recording_type, "local");
  EXPECT_EQ(got.recording_trigger, "prompt");
  EXPECT_TRUE(got.skip_consent);
  EXPECT_TRUE(got.store_video);
  EXPECT_EQ(got.email_transcript_to, "team@example.test");

  for (auto [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"room_mode", "solo"}, {"recording_type", "tape"}, {"recording_trigger", "always"}}) {
    Room bad = Owned("bad", "bad", "u");
    if (field == "room_mode") bad.room_mode = value;
    if (field == "recording_type") bad.recording_type = value;
    if (field == "recording_trigger") bad.recording_trigger = value;
    auto created = rooms.Create(bad);
    ASSERT_FALSE(created.ok()) << field;
    EXPECT_EQ(created.error().kind, ErrorKind::kInvalidInput);
    EXPECT_THAT(created.error().message, HasSubstr(field));
  }
}

TEST_P(RepositoryTest, RoomUpdateAppliesOnlyTheSetFields) {
  Rooms rooms(*db_, clock_);
  Room room = Owned("r-1", "planning", "u");
  room.zulip_stream = "stream";
  room.email_transcript_to = "old@example.test";
  ASSERT_OK(rooms.Create(room));
  ASSERT_OK(rooms.Create(Owned("r-2", "taken", "u")));

  RoomPatch patch;
  patch.name = "renamed";
  patch.is_shared = true;
  patch.recording_trigger = "none";
  patch.webhook_url = "https://example.test/hook";
  patch.webhook_secret = "s3cret";
  ASSERT_OK_AND_ASSIGN(Room updated, rooms.Update("r-1", patch));
  EXPECT_EQ(updated.name, "renamed");
  EXPECT_TRUE(updated.is_shared);
  EXPECT_EQ(updated.recording_trigger, "none");
  EXPECT_EQ(updated.webhook_url, "https://example.test/hook");
  EXPECT_EQ(updated.webhook_secret, "s3cret");
  EXPECT_EQ(updated.zulip_stream, "stream");
  EXPECT_EQ(updated.email_transcript_to, "old@example.test");
  EXPECT_EQ(updated.user_id, "u");

  ASSERT_OK_AND_ASSIGN(Room cleared,
                       rooms.Update("r-1", RoomPatch{.email_transcript_to = std::optional<std::string>()}));
  EXPECT_FALSE(cleared.email_transcript_to.has_value());
  ASSERT_OK_AND_ASSIGN(Room unchanged, rooms.Update("r-1", RoomPatch{}));
  EXPECT_EQ(unchanged.name, "renamed");

  auto clash = rooms.Update("r-1", RoomPatch{.name = "taken"});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().kind, ErrorKind::kConflict);
  EXPECT_THAT(clash.error().message, HasSubstr("taken"));
  auto bad_mode = rooms.Update("r-1", RoomPatch{.room_mode = "solo"});
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_EQ(bad_mode.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(bad_mode.error().message, HasSubstr("room_mode"));
  auto missing = rooms.Update("room-404", RoomPatch{.is_locked = true});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("room-404"));
}

TEST_P(RepositoryTest, RoomDeleteAndQuery) {
  Rooms rooms(*db_, clock_);
  ASSERT_OK(rooms.Create(Owned("alice-1", "a1", "alice")));
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_OK(rooms.Create(Owned("bob-shared", "b1", "bob", true)));
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_OK(rooms.Create(Owned("bob-closed", "b2", "bob")));
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_OK(rooms.Create(Owned("alice-2", "a2", "alice")));

  auto query = [&](RoomQuery q) {
    auto page = rooms.Query(q);
    EXPECT_TRUE(page.ok()) << page.error().Describe();
    return page.ok() ? *page : RoomPage{};
  };
  RoomPage alice = query({.user_id = "alice", .shared = true});
  EXPECT_THAT(IdsOf(alice.items), ElementsAre("alice-2", "bob-shared", "alice-1"));
  EXPECT_EQ(alice.total, 3);
  EXPECT_THAT(IdsOf(query({.user_id = "alice"}).items), ElementsAre("alice-2", "alice-1"));
  EXPECT_THAT(IdsOf(query({.shared = true}).items), ElementsAre("bob-shared"));
  RoomPage second = query({.page = 2, .size = 3});
  EXPECT_THAT(IdsOf(second.items), ElementsAre("alice-1"));
  EXPECT_EQ(second.total, 4);
  auto bad = rooms.Query({.size = 101});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(bad.error().message, HasSubstr("size"));

  ASSERT_OK(rooms.Delete("bob-closed"));
  auto gone = rooms.Get("bob-closed");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().kind, ErrorKind::kNotFound);
  auto twice = rooms.Delete("bob-closed");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(twice.error().message, HasSubstr("bob-closed"));
  EXPECT_EQ(query({}).total, 3);
  ASSERT_OK(rooms.Create(Owned("again", "b2", "bob")));  // the name is free again
}

}  // namespace reflector::store::testing
