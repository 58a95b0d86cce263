# Project helpers. Each module directory owns a CMakeLists.txt that calls these, so that
# adding a module never edits a shared file.

set(LIENTHONG_WARNINGS -Wall -Wextra -Wno-missing-field-initializers)
# GCC 12 at -O2/-O3 reports -Wrestrict inside <bits/char_traits.h> for `"literal" +
# std::string&&` (std::string::insert inlined): a false positive in the library header, GCC
# bug 105651, fixed in GCC 13. Off for that compiler in the optimised configurations only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND LIENTHONG_WARNINGS $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:-Wno-restrict>)
endif()
if(LIENTHONG_WERROR)
  list(APPEND LIENTHONG_WARNINGS -Werror)
endif()
if(LIENTHONG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# The memory allocator. Every flow allocates many small blocks (records, JSON, SQL
# parameters) on several threads, often freed on another one; with TCMalloc's per-thread
# caches the sync benchmark does 10-15 % more per CPU-second than with glibc's malloc and
# peaks lower (docs/benchmarks.md). Every executable of the project links it, tests
# included, so they run on the allocator production runs on. Not with a sanitizer, which
# brings its own.
set(LIENTHONG_ALLOCATOR "glibc-malloc")
if(LIENTHONG_TCMALLOC AND NOT LIENTHONG_SANITIZE AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  find_library(LIENTHONG_TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(LIENTHONG_TCMALLOC_LIBRARY)
    link_libraries(${LIENTHONG_TCMALLOC_LIBRARY})
    set(LIENTHONG_ALLOCATOR "tcmalloc_minimal")
  else()
    message(WARNING "libtcmalloc-minimal4 not found (scripts/setup.sh installs it): building with glibc's "
                    "malloc, which is slower; -DLIENTHONG_TCMALLOC=OFF silences this")
  endif()
endif()
message(STATUS "lienthong: memory allocator ${LIENTHONG_ALLOCATOR}")

# lienthong_library(NAME SOURCES a.cpp ... DEPS other_target ...)
# Makes static library lienthong_NAME with the repository root on its include path.
function(lienthong_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(lienthong_${name} STATIC ${ARG_SOURCES})
  target_include_directories(lienthong_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(lienthong_${name} PRIVATE ${LIENTHONG_WARNINGS})
  target_link_libraries(lienthong_${name} PUBLIC ${ARG_DEPS})
endfunction()

# A GoogleTest executable of the project's (lienthong_test, lienthong_test_binary).
function(lienthong_test_executable name sources deps)
  add_executable(${name} ${sources})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${LIENTHONG_WARNINGS})
  target_link_libraries(${name} PRIVATE ${deps} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    LIENTHONG_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    LIENTHONG_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # ::testing::TempDir() follows TEST_TMPDIR: one scratch directory per build tree, so
  # runs from different checkouts on one machine never share files.
  file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/test-tmp)
endfunction()

# lienthong_test(NAME SOURCES a_test.cpp ... DEPS lienthong_x ...)
function(lienthong_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  lienthong_test_executable(${name} "${ARG_SOURCES}" "${ARG_DEPS}")
  set(props ENVIRONMENT "TEST_TMPDIR=${PROJECT_BINARY_DIR}/test-tmp")
  if(ARG_LABELS)
    list(APPEND props LABELS "${ARG_LABELS}")
  endif()
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${props})
endfunction()

# Adds every immediate subdirectory of the current one that has a CMakeLists.txt.
function(lienthong_add_subdirectories)
  file(GLOB children LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY ${child} AND EXISTS ${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

# lienthong_test_binary(NAME SOURCES a_test.cpp ... DEPS lienthong_x ... [LABELS ...])
# As lienthong_test, but ctest runs the binary once instead of once per test: for tests
# that share an expensive fixture started by the binary (a PostgreSQL server).
function(lienthong_test_binary name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  lienthong_test_executable(${name} "${ARG_SOURCES}" "${ARG_DEPS}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "TEST_TMPDIR=${PROJECT_BINARY_DIR}/test-tmp")
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()
