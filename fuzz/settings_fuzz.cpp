// libFuzzer entry point of the settings target (see fuzz/README.md and inputs/fuzz_inputs.hpp).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inputs/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reflector::fuzz::SettingsInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
