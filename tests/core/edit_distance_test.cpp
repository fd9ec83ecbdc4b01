#include "core/edit_distance.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace reflector {
namespace {

TEST(EditDistanceTest, CountsSingleElementEditsOfBytes) {
  EXPECT_EQ(EditDistance(std::string_view("kitten"), std::string_view("sitting")), 3U);
  EXPECT_EQ(EditDistance(std::string("TRANSCRIPT_BAKEND"), std::string("TRANSCRIPT_BACKEND")), 1U);
  EXPECT_EQ(EditDistance(std::string_view(""), std::string_view("abc")), 3U);
  EXPECT_EQ(EditDistance(std::string_view("abc"), std::string_view("")), 3U);
  EXPECT_EQ(EditDistance(std::string_view("same"), std::string_view("same")), 0U);
}

TEST(EditDistanceTest, WorksOnTokensAndGivesTheWholeRow) {
  const std::vector<std::string> said = {"the", "budget", "is", "done"};
  const std::vector<std::string> heard = {"the", "budget", "was", "done", "now"};
  EXPECT_EQ(EditDistance(said, heard), 2U);  // one substitution, one insertion
  EXPECT_EQ(EditDistanceRow(said, heard), (std::vector<std::size_t>{4, 3, 2, 2, 1, 2}));
}

}  // namespace
}  // namespace reflector
