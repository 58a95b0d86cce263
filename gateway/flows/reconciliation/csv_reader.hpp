// Streaming RFC 4180 CSV reader for the statement and obligation files: UTF-8 with or
// without BOM, quoted fields with "" escapes and embedded newlines, CRLF or LF. It reads in
// blocks, so a file of any size costs one block of memory. A malformed record (a stray or
// unterminated quote, an oversized record) is returned as such with its line, and reading
// resumes at the next line.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::reconciliation {

class CsvReader {
 public:
  enum class Next { kRecord, kMalformed, kEnd };

  // Records longer than this are refused as malformed (a missing closing quote would
  // otherwise swallow the rest of the file).
  static constexpr size_t kMaxRecordBytes = 1 << 20;

  static Result<std::unique_ptr<CsvReader>> open(const std::string& path, char delimiter = ',');
  // Reads from memory (tests, fuzzing).
  static std::unique_ptr<CsvReader> from_string(std::string data, char delimiter = ',');
  ~CsvReader();

  // kRecord: `fields` hold the record (valid until the next call), `line` its first line.
  // kMalformed: `error` says why, `line` where; the caller reports and calls next() again.
  Next next(std::vector<std::string_view>& fields, uint32_t& line, std::string& error);

  uint64_t bytes_read() const { return bytes_read_; }

 private:
  CsvReader(std::FILE* f, char delimiter);
  bool refill();  // false at end of input
  void skip_line();

  std::FILE* file_ = nullptr;
  char delim_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool started_ = false;
  uint32_t line_ = 1;
  uint64_t bytes_read_ = 0;
  std::string scratch_;
  std::vector<size_t> offsets_;
};

// The records after the header, `width` fields each (the header's). A malformed record,
// or one of another width, becomes an issue of `path` in `out` (`out.add_issue({path,
// line, why})`) and is skipped; `row(fields, line)` gets every other one.
template <class Out, class Row>
void for_each_record(CsvReader& reader, const std::string& path, size_t width, Out& out, Row&& row) {
  std::vector<std::string_view> fields;
  uint32_t line = 0;
  std::string error;
  for (;;) {
    auto r = reader.next(fields, line, error);
    if (r == CsvReader::Next::kEnd) return;
    if (r == CsvReader::Next::kMalformed) {
      out.add_issue({path, line, error});
      continue;
    }
    if (fields.size() != width) {
      out.add_issue(
          {path, line,
           "expected " + std::to_string(width) + " fields, found " + std::to_string(fields.size())});
      continue;
    }
    row(fields, line);
  }
}

}  // namespace lienthong::reconciliation
