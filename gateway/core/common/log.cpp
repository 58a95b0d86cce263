#include "gateway/core/common/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

#include "gateway/core/common/log_file_sink.hpp"

namespace lienthong::log {

std::string json_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

namespace {
// %* : the message, escaped for a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string escaped = json_escape(std::string(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};
}  // namespace

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
  if (o.json) {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","thread":%t,"msg":"%*"})");
    logger->set_formatter(std::move(f));
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(o.level));
  // A killed process (SIGKILL, OOM killer) keeps what it wrote before: warnings and errors
  // reach the file at once, info and below within kFlushInterval (spdlog's flusher thread).
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(kFlushInterval);
}

}  // namespace lienthong::log
