// Logging setup. Personal data (ID numbers, names, dates of birth, addresses) never goes
// into a log line: log a keyed hash (audit::pseudonymise) when correlation is needed.
#pragma once

#include <chrono>
#include <string>

namespace lienthong::log {

struct Options {
  std::string level = "info";  // trace, debug, info, warn, error, off
  bool json = false;           // one JSON object per line
  std::string file;            // empty: stderr
};

// Lines below warn are flushed at least this often; warn and error at once.
inline constexpr std::chrono::seconds kFlushInterval{1};

// Installs the default logger. What was logged survives a crash of the process: warnings and
// errors are written through at once, other lines within kFlushInterval.
void init(const Options& options);

// Escapes a string for embedding in a JSON string literal.
std::string json_escape(const std::string& s);

}  // namespace lienthong::log
