#include "gateway/flows/reconciliation/csv_reader.hpp"

#include <cerrno>
#include <cstring>

namespace lienthong::reconciliation {

namespace {
constexpr size_t kBlock = 1 << 20;
}

CsvReader::CsvReader(std::FILE* f, char delimiter) : file_(f), delim_(delimiter) {}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::string& path, char delimiter) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    return make_error(ErrorKind::kNotFound, "cannot open " + path + ": " + std::strerror(errno) +
                                                " (check the path and permissions)");
  }
  return std::unique_ptr<CsvReader>(new CsvReader(f, delimiter));
}

std::unique_ptr<CsvReader> CsvReader::from_string(std::string data, char delimiter) {
  auto r = std::unique_ptr<CsvReader>(new CsvReader(nullptr, delimiter));
  r->buf_ = std::move(data);
  r->bytes_read_ = r->buf_.size();
  r->eof_ = true;
  return r;
}

bool CsvReader::refill() {
  if (eof_) return false;
  // Keep the unconsumed tail; drop what was consumed.
  buf_.erase(0, pos_);
  pos_ = 0;
  size_t old = buf_.size();
  buf_.resize(old + kBlock);
  size_t n = std::fread(buf_.data() + old, 1, kBlock, file_);
  buf_.resize(old + n);
  bytes_read_ += n;
  if (n == 0) eof_ = true;
  return n > 0;
}

void CsvReader::skip_line() {
  for (;;) {
    while (pos_ < buf_.size()) {
      if (buf_[pos_++] == '\n') {
        ++line_;
        return;
      }
    }
    if (!refill()) return;
  }
}

// One function on purpose (longer than the flows' 60 lines): the record scanner's states
// (blank lines, unquoted field, quoted field, "" escape, need more bytes) share the
// buffer position, the refill and the restart from the record's start, which helpers
// would have to pass back and forth for every byte of multi-million-line statements.
CsvReader::Next CsvReader::next(std::vector<std::string_view>& fields, uint32_t& line, std::string& error) {
  fields.clear();
  if (!started_) {
    started_ = true;
    while (buf_.size() - pos_ < 3 && refill()) {
    }
    if (buf_.compare(pos_, 3, "\xEF\xBB\xBF") == 0) pos_ += 3;
  }
  for (;;) {
    // Skip blank lines between records.
    for (;;) {
      if (pos_ >= buf_.size() && !refill()) return Next::kEnd;
      char c = buf_[pos_];
      if (c == '\n') {
        ++pos_;
        ++line_;
      } else if (c == '\r' && (pos_ + 1 < buf_.size() || refill()) && pos_ + 1 < buf_.size() &&
                 buf_[pos_ + 1] == '\n') {
        pos_ += 2;
        ++line_;
      } else {
        break;
      }
    }
    line = line_;
    // Parse one record from pos_; restart after a refill if the buffer ends mid-record.
    size_t start = pos_;
    for (;;) {
      scratch_.clear();
      offsets_.clear();
      size_t p = start;
      uint32_t newlines = 0;
      bool complete = false;
      const char* why = nullptr;
      const size_t n = buf_.size();
      bool need_more = false;
      for (;;) {
        offsets_.push_back(scratch_.size());
        if (p < n && buf_[p] == '"') {
          ++p;
          for (;;) {
            if (p >= n) {
              need_more = true;
              break;
            }
            char c = buf_[p];
            if (c == '"') {
              if (p + 1 >= n) {
                if (!eof_) {
                  need_more = true;
                  break;
                }
                ++p;
                break;
              }
              if (buf_[p + 1] == '"') {
                scratch_.push_back('"');
                p += 2;
                continue;
              }
              ++p;
              break;
            }
            if (c == '\n') ++newlines;
            scratch_.push_back(c);
            ++p;
          }
          if (need_more) break;
          // After the closing quote: delimiter, end of line or end of input.
          if (p < n && buf_[p] != delim_ && buf_[p] != '\n' && buf_[p] != '\r') {
            why = "characters after a closing quote";
            break;
          }
        } else {
          while (p < n && buf_[p] != delim_ && buf_[p] != '\n') {
            if (buf_[p] == '"') {
              why = "quote inside an unquoted field";
              break;
            }
            scratch_.push_back(buf_[p]);
            ++p;
          }
          if (why) break;
          if (p >= n && !eof_) {
            need_more = true;
            break;
          }
          if (scratch_.size() > offsets_.back() && scratch_.back() == '\r' && (p >= n || buf_[p] == '\n')) {
            scratch_.pop_back();
          }
        }
        if (p < n && buf_[p] == '\r' && p + 1 < n && buf_[p + 1] == '\n') ++p;
        if (p >= n) {
          if (!eof_) {
            need_more = true;
            break;
          }
          complete = true;
          break;
        }
        if (buf_[p] == '\n') {
          ++p;
          ++newlines;
          complete = true;
          break;
        }
        if (buf_[p] == '\r') {  // lone CR at end of input handled above; treat as end of line
          ++p;
          complete = true;
          break;
        }
        ++p;  // delimiter
        if (p >= n && !eof_) {
          need_more = true;
          break;
        }
        if (p >= n) {  // trailing delimiter at end of input: one more empty field
          offsets_.push_back(scratch_.size());
          complete = true;
          break;
        }
      }
      if (why) {
        error = why;
        pos_ = p;
        skip_line();
        return Next::kMalformed;
      }
      if (need_more) {
        if (p - start > kMaxRecordBytes) {
          error = "record longer than 1 MiB (unterminated quote?)";
          pos_ = p;
          skip_line();
          return Next::kMalformed;
        }
        size_t consumed_before = start;
        pos_ = start;
        if (!refill()) {
          // End of input inside a quoted field.
          error = "unterminated quoted field at end of file";
          pos_ = buf_.size();
          return Next::kMalformed;
        }
        (void)consumed_before;
        start = pos_;
        continue;
      }
      if (complete) {
        pos_ = p;
        line_ += newlines;
        offsets_.push_back(scratch_.size());
        for (size_t i = 0; i + 1 < offsets_.size(); ++i) {
          fields.emplace_back(scratch_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
        }
        return Next::kRecord;
      }
    }
  }
}

}  // namespace lienthong::reconciliation
