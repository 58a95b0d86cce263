// Logging setup and structured log lines. Personal data (ID numbers, names, dates of birth,
// addresses) never goes into a log line: log a keyed hash (audit::pseudonymise) when
// correlation is needed.
//
// A structured line has a stable `event` name (what happened, snake_case, e.g.
// "outbox_delivery_failed"), the `component` that wrote it (sync, webhooks, outbox, http,
// serve...), a message for people, and the identifiers that apply as fields (request_id,
// source, dossier, message_id, upstream, duration_ms, error_kind). In JSON format a line is
//   {"time":"2026-12-05T10:00:00.123+07:00","level":"warn","component":"outbox",
//    "event":"outbox_delivery_failed","msg":"...","message_id":42,"error_kind":"timeout"}
// Lines written through spdlog directly (not yet converted) get component "gateway" and
// event "log".
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace lienthong::log {

struct Options {
  std::string level = "info";  // trace, debug, info, warn, error, off
  bool json = false;           // one JSON object per line
  std::string file;            // empty: stderr
  // One `http_access` line per answered request (info level). Off: requests are still
  // counted in the metrics; only the line is not written (busy webhook listeners).
  bool access = true;
};

// Whether the HTTP server writes its `http_access` lines (Options::access and the level).
bool access_log_enabled();

// Lines below warn are flushed at least this often; warn and error at once.
inline constexpr std::chrono::seconds kFlushInterval{1};

// Installs the default logger. What was logged survives a crash of the process.
void init(const Options& options);

// Changes the level of the installed logger at run time (a configuration reload). Throws
// std::invalid_argument naming the value when it is not one of Options::level's names.
void set_level(const std::string& level);
std::string level_name();  // the installed logger's level, as configured ("warn", not "warning")

// The log file is reopened by reopen_file() (log_file_sink.hpp) on SIGHUP.

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

// One field of a structured line: a string, or a number written bare in JSON.
struct Field {
  std::string_view key;
  std::string value;
  bool quoted = true;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, long long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, unsigned long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, double v);
};

bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view event, std::string_view message,
           std::initializer_list<Field> fields = {});

inline void trace(std::string_view c, std::string_view e, std::string_view m,
                  std::initializer_list<Field> f = {}) {
  if (enabled(Level::kTrace)) write(Level::kTrace, c, e, m, f);
}
inline void debug(std::string_view c, std::string_view e, std::string_view m,
                  std::initializer_list<Field> f = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, c, e, m, f);
}
inline void info(std::string_view c, std::string_view e, std::string_view m,
                 std::initializer_list<Field> f = {}) {
  if (enabled(Level::kInfo)) write(Level::kInfo, c, e, m, f);
}
inline void warn(std::string_view c, std::string_view e, std::string_view m,
                 std::initializer_list<Field> f = {}) {
  if (enabled(Level::kWarn)) write(Level::kWarn, c, e, m, f);
}
inline void error(std::string_view c, std::string_view e, std::string_view m,
                  std::initializer_list<Field> f = {}) {
  if (enabled(Level::kError)) write(Level::kError, c, e, m, f);
}

// Escapes a string for embedding in a JSON string literal.
std::string json_escape(const std::string& s);

}  // namespace lienthong::log
