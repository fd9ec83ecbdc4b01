# One INTERFACE target carries the warning flags; every project target links it.
add_library(reflector_warnings INTERFACE)
target_compile_options(reflector_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2
  $<$<BOOL:${REFLECTOR_WERROR}>:-Werror>)

add_library(reflector_sanitizers INTERFACE)
if(REFLECTOR_FUZZ)
  # Every library gets libFuzzer's coverage hooks and the sanitizers; only the fuzz executables
  # link libFuzzer itself (-fsanitize=fuzzer, fuzz/CMakeLists.txt).
  target_compile_options(reflector_sanitizers INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(reflector_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(REFLECTOR_SANITIZE)
  target_compile_options(reflector_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(reflector_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# Common settings for every target written here.
add_library(reflector_options INTERFACE)
target_link_libraries(reflector_options INTERFACE reflector_warnings reflector_sanitizers)
target_include_directories(reflector_options INTERFACE "${PROJECT_SOURCE_DIR}/src")
# Not enabled: -Wnull-dereference, which reports false positives inside nlohmann::json once
# the optimiser inlines it (-O1 and above).
