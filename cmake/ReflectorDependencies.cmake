# Every third-party dependency comes from a Debian 12 package (see scripts/setup).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(SQLite3 REQUIRED)
# Boost.Beast and Boost.Asio (header-only, libboost1.81-dev) for the API server.
find_package(Boost 1.81 CONFIG REQUIRED)

pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET
  libavformat libavcodec libavfilter libswresample libavutil)

# pocketsphinx.pc lists include directories that do not exist, which an IMPORTED_TARGET refuses.
pkg_check_modules(POCKETSPHINX REQUIRED pocketsphinx sphinxbase)
set(_ps_includes "")
foreach(dir IN LISTS POCKETSPHINX_INCLUDE_DIRS)
  if(EXISTS "${dir}")
    list(APPEND _ps_includes "${dir}")
  endif()
endforeach()
add_library(reflector_pocketsphinx INTERFACE)
target_include_directories(reflector_pocketsphinx SYSTEM INTERFACE ${_ps_includes})
target_link_libraries(reflector_pocketsphinx INTERFACE ${POCKETSPHINX_LINK_LIBRARIES})
pkg_get_variable(POCKETSPHINX_MODELDIR pocketsphinx modeldir)

# SOCI 4.0.3 ships neither a CMake config nor a .pc file.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql REQUIRED)
add_library(reflector_soci INTERFACE)
target_include_directories(reflector_soci SYSTEM INTERFACE ${SOCI_INCLUDE_DIR})
target_link_libraries(reflector_soci INTERFACE
  ${SOCI_CORE_LIBRARY} ${SOCI_SQLITE3_LIBRARY} ${SOCI_POSTGRESQL_LIBRARY}
  PostgreSQL::PostgreSQL SQLite::SQLite3)

# libstemmer (Snowball stemmers, libstemmer-dev) ships neither a CMake config nor a .pc file.
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY stemmer REQUIRED)
add_library(reflector_stemmer INTERFACE)
target_include_directories(reflector_stemmer SYSTEM INTERFACE ${STEMMER_INCLUDE_DIR})
target_link_libraries(reflector_stemmer INTERFACE ${STEMMER_LIBRARY})

# WordNet's word lists (wordnet-base) are data files read at run time, not linked: only their
# directory is recorded, as the default the offline summariser reads them from.
set(REFLECTOR_WORDNET_DIR "/usr/share/wordnet" CACHE PATH "Directory of WordNet's index.noun etc. (wordnet-base)")

if(REFLECTOR_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(REFLECTOR_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
