#include "gateway/core/common/log_file_sink.hpp"

namespace lienthong::log {

ReopenableFileSink::ReopenableFileSink(const std::string& filename) {
  file_.open(filename, false);
}

void ReopenableFileSink::reopen() {
  std::lock_guard<std::mutex> lock(mutex_);
  file_.flush();
  file_.reopen(false);
}

void ReopenableFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  file_.write(formatted);
}

void ReopenableFileSink::flush_() {
  file_.flush();
}

}  // namespace lienthong::log
