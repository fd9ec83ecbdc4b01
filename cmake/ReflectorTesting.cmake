include(GoogleTest)

# reflector_add_test(<name> LABEL <label> SOURCES <files...> LIBS <targets...>)
# Builds one GoogleTest executable; every test in it carries LABEL (unit, media, db, s3, llm,
# conductor, e2e) so `ctest -L unit` runs only what needs nothing installed or started.
function(reflector_add_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_LABEL)
    message(FATAL_ERROR "reflector_add_test(${name}) needs a LABEL")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} reflector_test_support GTest::gtest_main GTest::gmock reflector_options)
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
