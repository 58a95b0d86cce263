# Every dependency comes from Debian's packages (installed by scripts/setup.sh).
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(spdlog REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(GTest REQUIRED)
# CLI11 (libcli11-dev): the command line of `lienthong` and `lienthong-sim`; header-only,
# included only by app/cli.cpp and sim/common/sim_cli.cpp so its heavy header stays there.
find_package(CLI11 2.1 CONFIG REQUIRED)
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
find_library(PUGIXML_LIBRARY pugixml REQUIRED)
find_path(PUGIXML_INCLUDE_DIR pugixml.hpp REQUIRED)
# libsystemd (libsystemd-dev): sd_notify, so that `serve` tells systemd when it is ready
# (Type=notify in the unit). A no-op when not run by systemd.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBSYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# libsodium (libsodium-dev): Argon2id password hashes of the console's operator accounts.
pkg_check_modules(LIBSODIUM REQUIRED IMPORTED_TARGET libsodium)
# libxlsxwriter (libxlsxwriter-dev): the console's XLSX downloads.
pkg_check_modules(LIBXLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)

add_library(lienthong_rapidjson INTERFACE)
target_include_directories(lienthong_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIR})
# RapidJSON: reject deep nesting from outside input through our own parse limits, and
# use std::string support.
target_compile_definitions(lienthong_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
# SSE2 (every x86-64 has it) lets the writer copy unescaped runs of a string 16 bytes at a
# time; whitespace skipping in the parser uses it too. Only bounded reads are used: every
# parse goes through json::parse with a length.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  target_compile_definitions(lienthong_rapidjson INTERFACE RAPIDJSON_SSE2)
endif()

add_library(lienthong_pugixml INTERFACE)
target_include_directories(lienthong_pugixml SYSTEM INTERFACE ${PUGIXML_INCLUDE_DIR})
target_link_libraries(lienthong_pugixml INTERFACE ${PUGIXML_LIBRARY})

# Boost.Beast / Asio: only the server and simulator sources include them.
add_library(lienthong_beast INTERFACE)
target_include_directories(lienthong_beast SYSTEM INTERFACE ${Boost_INCLUDE_DIRS})
target_compile_definitions(lienthong_beast INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(lienthong_beast INTERFACE OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
