#include "gateway/core/common/log.hpp"

#include <spdlog/details/os.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include "gateway/core/common/log_file_sink.hpp"

namespace lienthong::log {

namespace {
// Appends `s` escaped for a JSON string to `out` (std::string or spdlog's buffer).
template <class Out>
void append_escaped(Out& out, std::string_view s) {
  auto put = [&out](std::string_view t) { out.append(t.data(), t.data() + t.size()); };
  size_t plain_from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    put(s.substr(plain_from, i - plain_from));
    plain_from = i + 1;
    switch (c) {
      case '"':
        put("\\\"");
        break;
      case '\\':
        put("\\\\");
        break;
      case '\n':
        put("\\n");
        break;
      case '\r':
        put("\\r");
        break;
      case '\t':
        put("\\t");
        break;
      default: {
        char buf[8];
        int n = std::snprintf(buf, sizeof buf, "\\u%04x", c);
        put(std::string_view(buf, static_cast<size_t>(n)));
      }
    }
  }
  put(s.substr(plain_from));
}
}  // namespace

std::string json_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  append_escaped(out, s);
  return out;
}

namespace {

// A structured payload travels through spdlog as
//   \x1e component \x1f event \x1f message (\x1f key \x1f q|n value)*
// and the formatter flags below render it as JSON members or as text. Separators inside
// values are replaced, so a value cannot forge a field.
constexpr char kStart = '\x1e';
constexpr char kSep = '\x1f';

void append_clean(std::string& out, std::string_view v) {
  for (char c : v) out += (c == kStart || c == kSep) ? '?' : c;
}

struct Parsed {
  std::string_view component = "gateway", event = "log", message;
  std::vector<std::pair<std::string_view, std::string_view>> fields;  // value starts with q or n
};

Parsed parse(std::string_view payload) {
  Parsed p;
  if (payload.empty() || payload.front() != kStart) {
    p.message = payload;
    return p;
  }
  payload.remove_prefix(1);
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t next = payload.find(kSep, pos);
    parts.push_back(
        payload.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  if (parts.size() < 3) {
    p.message = payload;
    return p;
  }
  p.component = parts[0];
  p.event = parts[1];
  p.message = parts[2];
  for (size_t i = 3; i + 1 < parts.size(); i += 2) p.fields.emplace_back(parts[i], parts[i + 1]);
  return p;
}

std::string_view level_text(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

void append(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.append(s.data(), s.data() + s.size());
}

// %& : the level as configured (warn, not spdlog's "warning").
class LevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    append(dest, level_text(msg.level));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<LevelFlag>(); }
};

// %* : component, event, msg and fields as JSON members (without the outer braces).
class JsonBodyFlag final : public spdlog::custom_flag_formatter {
 public:
  // Written straight into spdlog's buffer: this runs for every access-log line.
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    Parsed p = parse(std::string_view(msg.payload.data(), msg.payload.size()));
    append(dest, "\"component\":\"");
    append_escaped(dest, p.component);
    append(dest, "\",\"event\":\"");
    append_escaped(dest, p.event);
    append(dest, "\",\"msg\":\"");
    append_escaped(dest, p.message);
    append(dest, "\"");
    for (auto& [k, v] : p.fields) {
      append(dest, ",\"");
      append_escaped(dest, k);
      append(dest, "\":");
      std::string_view value = v.empty() ? v : v.substr(1);
      if (!v.empty() && v.front() == 'n') {
        append(dest, value);
      } else {
        append(dest, "\"");
        append_escaped(dest, value);
        append(dest, "\"");
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonBodyFlag>(); }
};

// %~ : "component event: message key=value ..." for the text format.
class TextBodyFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    Parsed p = parse(std::string_view(msg.payload.data(), msg.payload.size()));
    std::string out = std::string(p.component) + " " + std::string(p.event) + ": " + std::string(p.message);
    for (auto& [k, v] : p.fields) {
      std::string_view value = v.empty() ? v : v.substr(1);
      out += " " + std::string(k) + "=";
      bool plain = !value.empty() && value.find_first_of(" \"=\n") == std::string_view::npos;
      out += plain ? std::string(value) : "\"" + json_escape(std::string(value)) + "\"";
    }
    append(dest, out);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<TextBodyFlag>(); }
};

std::mutex g_mu;
std::string g_level = "info";  // under g_mu
std::atomic<bool> g_access{true};

spdlog::level::level_enum parse_level(const std::string& level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "info") return spdlog::level::info;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  if (level == "off") return spdlog::level::off;
  throw std::invalid_argument("log level '" + level + "': use trace, debug, info, warn, error or off");
}

spdlog::level::level_enum to_spdlog(Level l) {
  switch (l) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      break;
  }
  return spdlog::level::err;
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), quoted(false) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  value.assign(buf, r.ptr);
}

bool access_log_enabled() {
  return g_access.load(std::memory_order_relaxed) && enabled(Level::kInfo);
}

bool enabled(Level level) {
  return spdlog::default_logger_raw()->should_log(to_spdlog(level));
}

void write(Level level, std::string_view component, std::string_view event, std::string_view message,
           std::initializer_list<Field> fields) {
  std::string payload;
  payload.reserve(64 + message.size() + fields.size() * 24);
  payload += kStart;
  append_clean(payload, component);
  payload += kSep;
  append_clean(payload, event);
  payload += kSep;
  append_clean(payload, message);
  for (const auto& f : fields) {
    payload += kSep;
    append_clean(payload, f.key);
    payload += kSep;
    payload += f.quoted ? 'q' : 'n';
    append_clean(payload, f.value);
  }
  spdlog::default_logger_raw()->log(to_spdlog(level), std::string_view(payload));
}

namespace {
std::mutex g_file_sink_mutex;
std::weak_ptr<ReopenableFileSink> g_file_sink;  // the current logger's file, if any
}  // namespace

std::string reopen_file() {
  std::shared_ptr<ReopenableFileSink> sink;
  {
    std::lock_guard<std::mutex> lock(g_file_sink_mutex);
    sink = g_file_sink.lock();
  }
  if (!sink) return {};
  try {
    sink->reopen();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

void init(const Options& o) {
  auto level = parse_level(o.level);
  std::lock_guard lock(g_mu);
  // init() may run more than once in a process (tests, reloads): replace the logger.
  spdlog::drop("lienthong");
  std::shared_ptr<spdlog::logger> logger;
  if (o.file.empty()) {
    logger = spdlog::stderr_logger_mt("lienthong");
    std::lock_guard<std::mutex> lock(g_file_sink_mutex);
    g_file_sink.reset();
  } else {
    auto sink = std::make_shared<ReopenableFileSink>(o.file);
    logger = std::make_shared<spdlog::logger>("lienthong", sink);
    spdlog::register_logger(logger);
    std::lock_guard<std::mutex> lock(g_file_sink_mutex);
    g_file_sink = sink;
  }
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<LevelFlag>('&').add_flag<JsonBodyFlag>('*').add_flag<TextBodyFlag>('~');
  // RFC 3339 times with the offset (%z is +HH:MM).
  if (o.json) {
    f->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%&","thread":%t,%*})");
  } else {
    f->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %-5& %~");
  }
  logger->set_formatter(std::move(f));
  logger->set_level(level);
  // A killed process (SIGKILL, OOM killer) keeps what it wrote before: warnings and errors
  // reach the file at once, info and below within kFlushInterval (spdlog's flusher thread).
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(kFlushInterval);
  g_level = o.level;
  g_access.store(o.access, std::memory_order_relaxed);
}

void set_level(const std::string& level) {
  auto l = parse_level(level);
  std::lock_guard lock(g_mu);
  spdlog::default_logger_raw()->set_level(l);
  g_level = level;
}

std::string level_name() {
  std::lock_guard lock(g_mu);
  return g_level;
}

}  // namespace lienthong::log
