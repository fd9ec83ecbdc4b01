#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace reflector {
namespace {

TEST(IdsTest, Uuid4Format) {
  RandomIdGenerator generator(42);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = generator.NewId();
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

TEST(IdsTest, SeededGeneratorIsReproducible) {
  RandomIdGenerator a(7);
  RandomIdGenerator b(7);
  EXPECT_EQ(a.NewId(), b.NewId());
}

TEST(IdsTest, FormatUuid4SetsVersionAndVariant) {
  EXPECT_EQ(FormatUuid4(0, 0), "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(FormatUuid4(~0ULL, ~0ULL), "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

TEST(IdsTest, IsUuidRejectsOtherText) {
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("not-a-uuid"));
  EXPECT_FALSE(IsUuid("00000000-0000-4000-8000-00000000000g"));
  EXPECT_TRUE(IsUuid(NewUuid4()));
}

}  // namespace
}  // namespace reflector
