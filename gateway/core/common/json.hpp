// RapidJSON helpers: parsing outside input with positions in errors, and small accessors.
#pragma once

#include <rapidjson/document.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::json {

// Nesting deeper than this is refused: outside input must not exhaust the stack.
inline constexpr int kMaxDepth = 64;

// Parses `text`; on failure the error names line, column and byte offset, and `what`
// (e.g. a file name or "request body").
Result<rapidjson::Document> parse(std::string_view text, std::string_view what = "JSON");
// The same; a std::string's terminator lets the parser scan strings faster.
Result<rapidjson::Document> parse(const std::string& text, std::string_view what = "JSON");
Result<rapidjson::Document> parse(const char* text, std::string_view what = "JSON");

// Reads and parses a file.
Result<rapidjson::Document> parse_file(const std::string& path);

std::string to_string(const rapidjson::Value& v, bool pretty = false);
// Appends `v` (compact, the same bytes as to_string) to `out`.
void append_to(std::string& out, const rapidjson::Value& v);
// Appends `s` as a JSON string (quoted, escaped as to_string does).
void append_string(std::string& out, std::string_view s);

// Writes one JSON object into `out`, member by member, compact: the bytes to_string gives
// for a document with the same members in the same order, without building the document
// (for what every delivery or event serialises). A nested value: key(), then write it
// (another ObjectWriter, append_string, ...). close() writes the closing brace.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  ObjectWriter& key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    append_string(out_, k);
    out_.push_back(':');
    return *this;
  }
  ObjectWriter& str(std::string_view k, std::string_view v) {
    key(k);
    append_string(out_, v);
    return *this;
  }
  ObjectWriter& num(std::string_view k, int64_t v) {
    key(k);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<size_t>(r.ptr - buf));
    return *this;
  }
  ObjectWriter& boolean(std::string_view k, bool v) {
    key(k);
    out_.append(v ? "true" : "false");
    return *this;
  }
  void close() { out_.push_back('}'); }

 private:
  std::string& out_;
  bool first_ = true;
};

// A memory pool for documents made and dropped within one call on a hot path: the first
// kBytes come from a buffer inside the object (on the caller's stack), more from 16 KB heap
// chunks. A default Document mallocs a 64 KB chunk of its own, and glibc consolidates its
// heap on every free of a block that large: per event, that was a visible share of a sync.
// Values made with allocator() must not outlive the pool; clear() drops them all at once.
template <size_t kBytes = 16 * 1024>
class ScratchPool {
 public:
  ScratchPool() : pool_(buffer_, kBytes, 16 * 1024) {}
  ScratchPool(const ScratchPool&) = delete;
  ScratchPool& operator=(const ScratchPool&) = delete;
  rapidjson::MemoryPoolAllocator<>& allocator() { return pool_; }
  void clear() { pool_.Clear(); }

 private:
  alignas(16) char buffer_[kBytes];
  rapidjson::MemoryPoolAllocator<> pool_;
};

// The raw text of values inside a text that json::parse accepted, to copy a value on
// without writing it again (only for such texts: nothing here reports malformed JSON, it
// just finds nothing). The member `key` of the object `object_text` (the first of that
// name, as member() finds; a key written with escapes is not matched):
std::optional<std::string_view> raw_member(std::string_view object_text, std::string_view key);
// The elements of the array `array_text`; nullopt when it is not an array.
std::optional<std::vector<std::string_view>> raw_elements(std::string_view array_text);
// raw_elements(*raw_member(object_text, key)) in one pass over the array.
std::optional<std::vector<std::string_view>> raw_member_elements(std::string_view object_text,
                                                                 std::string_view key);

// Typed member access; nullopt when missing or of another type.
const rapidjson::Value* member(const rapidjson::Value& obj, std::string_view key);
std::optional<std::string> get_string(const rapidjson::Value& obj, std::string_view key);
std::optional<int64_t> get_int(const rapidjson::Value& obj, std::string_view key);
std::optional<bool> get_bool(const rapidjson::Value& obj, std::string_view key);

// Dotted path lookup ("agency.code", "items.0.name"); nullptr when any step is missing.
const rapidjson::Value* at_path(const rapidjson::Value& root, std::string_view dotted);

// Reads a file into a string.
Result<std::string> read_file(const std::string& path);

std::string_view type_name(const rapidjson::Value& v);

}  // namespace lienthong::json
