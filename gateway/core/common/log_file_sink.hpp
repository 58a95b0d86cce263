// A log file that can be reopened by name (SIGHUP after logrotate moved the old one),
// which spdlog's basic_file_sink cannot do.
#pragma once

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>

namespace lienthong::log {

class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(const std::string& filename);
  // Closes the file and opens the same name again (creating it), under the sink's lock,
  // so no line is lost or split. Throws spdlog::spdlog_ex if the file cannot be opened;
  // the sink then keeps writing nowhere until the next successful reopen.
  void reopen();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  spdlog::details::file_helper file_;
};

// Closes and reopens the current log file by name (after logrotate moved it; SIGHUP).
// Nothing to do when logging to stderr. Returns the error, empty on success.
std::string reopen_file();

}  // namespace lienthong::log
