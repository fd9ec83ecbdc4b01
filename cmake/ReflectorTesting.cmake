include(GoogleTest)

# reflector_add_test(<name> LABEL <label> [TIMEOUT <s>] [RESOURCE_LOCK <lock>] SOURCES <files...>
#                    LIBS <targets...>)
# Builds one GoogleTest executable; every test in it carries LABEL (unit, media, db, s3, llm,
# conductor, e2e) so `ctest -L unit` runs only what needs nothing installed or started.
# RESOURCE_LOCK: ctest -j never runs two tests holding the same lock at once (tests that share
# state on a service, such as the queues of the Conductor server).
function(reflector_add_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT;RESOURCE_LOCK" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_LABEL)
    message(FATAL_ERROR "reflector_add_test(${name}) needs a LABEL")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} reflector_test_support GTest::gtest_main GTest::gmock reflector_options)
  set(properties LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT})
  if(ARG_RESOURCE_LOCK)
    list(APPEND properties RESOURCE_LOCK "${ARG_RESOURCE_LOCK}")
  endif()
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES ${properties})
endfunction()
