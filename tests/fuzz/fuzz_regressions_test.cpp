// Replays fuzz/corpus/<target>/* through the fuzz targets' input functions (fuzz/inputs/): a
// crash, a sanitizer report (in a sanitizer build) or a broken promise (FuzzRequire aborts) fails
// the test. Files under regressions/ are inputs that once found a defect.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "inputs/fuzz_inputs.hpp"

namespace reflector::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = REFLECTOR_FUZZ_CORPUS_DIR;

std::vector<fs::path> FilesUnder(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::is_directory(folder)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzCorpus : public testing::TestWithParam<FuzzTarget> {};

TEST_P(FuzzCorpus, EveryFileRunsThrough) {
  const FuzzTarget target = GetParam();
  const auto files = FilesUnder(kCorpus / target.name);
  ASSERT_FALSE(files.empty()) << "no seed files in fuzz/corpus/" << target.name;
  for (const fs::path& file : files) {
    SCOPED_TRACE(fs::relative(file, kCorpus).string());
    target.run(ReadFile(file));
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpus, testing::ValuesIn(FuzzTargets().begin(), FuzzTargets().end()),
                         [](const testing::TestParamInfo<FuzzTarget>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(FuzzCorpus, EveryCorpusFolderIsATarget) {
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    const std::string name = entry.path().filename().string();
    const bool known = std::any_of(FuzzTargets().begin(), FuzzTargets().end(),
                                   [&](const FuzzTarget& target) { return target.name == name; });
    EXPECT_TRUE(known) << "fuzz/corpus/" << name << " has no target";
  }
}

}  // namespace
}  // namespace reflector::fuzz
