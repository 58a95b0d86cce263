#include "gateway/core/common/json.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/internal/dtoa.h>
#include <rapidjson/internal/ieee754.h>
#include <rapidjson/internal/itoa.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

// AddressSanitizer and ThreadSanitizer report RapidJSON's aligned SIMD reads past a
// string's terminator (into a neighbouring heap block, within the same 16 bytes).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LIENTHONG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LIENTHONG_SANITIZED 1
#endif
#endif

namespace lienthong::json {
namespace {

// Forwards a reader's events to the document being built, refusing a value nested deeper
// than kMaxDepth (the root is at depth 1) before the reader descends into it: the
// recursive reader is then safe from deep input, and it is faster than the iterative one
// with a walk of the finished tree to measure it, which this replaces.
struct DepthLimit {
  rapidjson::Document& doc;
  int open = 0;  // containers open around the next value
  bool too_deep = false;

  bool value() {
    if (open + 1 <= kMaxDepth) return true;
    too_deep = true;
    return false;
  }
  bool Null() { return value() && doc.Null(); }
  bool Bool(bool b) { return value() && doc.Bool(b); }
  bool Int(int i) { return value() && doc.Int(i); }
  bool Uint(unsigned u) { return value() && doc.Uint(u); }
  bool Int64(int64_t i) { return value() && doc.Int64(i); }
  bool Uint64(uint64_t u) { return value() && doc.Uint64(u); }
  bool Double(double d) { return value() && doc.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return value() && doc.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return value() && doc.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc.Key(s, n, copy); }
  bool StartObject() {
    if (!value()) return false;
    ++open;
    return doc.StartObject();
  }
  bool EndObject(rapidjson::SizeType n) {
    --open;
    return doc.EndObject(n);
  }
  bool StartArray() {
    if (!value()) return false;
    ++open;
    return doc.StartArray();
  }
  bool EndArray(rapidjson::SizeType n) {
    --open;
    return doc.EndArray(n);
  }
};

// Document::Populate's generator: parses `in` into the document.
template <class Stream>
struct Reading {
  Stream& in;
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool operator()(rapidjson::Document& doc) {
    DepthLimit limit{doc};
    rapidjson::Reader reader;
    // kParseStopWhenDoneFlag is not used: trailing garbage is an error.
    result = reader.Parse<rapidjson::kParseDefaultFlags>(in, limit);
    too_deep = limit.too_deep;
    return !result.IsError();
  }
};

void line_col(std::string_view text, size_t offset, size_t& line, size_t& col) {
  line = 1;
  col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
}

}  // namespace

namespace {

template <class Stream>
Result<rapidjson::Document> parse_stream(Stream& in, std::string_view text, std::string_view what) {
  rapidjson::Document doc;
  Reading<Stream> reading{in, {}, false};
  doc.Populate(reading);
  if (reading.too_deep) {
    return Error(ErrorKind::kParse,
                 std::string(what) + ": JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  if (reading.result.IsError()) {
    size_t line, col;
    line_col(text, reading.result.Offset(), line, col);
    std::ostringstream os;
    os << what << ": malformed JSON at line " << line << ", column " << col << " (byte "
       << reading.result.Offset() << "): " << rapidjson::GetParseError_En(reading.result.Code());
    return Error(ErrorKind::kParse, os.str());
  }
  return doc;
}

}  // namespace

Result<rapidjson::Document> parse(std::string_view text, std::string_view what) {
  rapidjson::MemoryStream bytes(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
  return parse_stream(in, text, what);
}

Result<rapidjson::Document> parse(const std::string& text, std::string_view what) {
#if defined(RAPIDJSON_SSE2) && !defined(LIENTHONG_SANITIZED)
  // A NUL-terminated text (and without a NUL inside, which would end it early) is read
  // through RapidJSON's StringStream, whose string scan copies 16 bytes at a time. Its
  // aligned loads may read past the terminator within the same 16 bytes, which
  // the sanitizers report, so sanitized builds keep the bounded path.
  if (std::memchr(text.data(), '\0', text.size()) == nullptr) {
    rapidjson::StringStream in(text.c_str());
    return parse_stream(in, text, what);
  }
#endif
  return parse(std::string_view(text), what);
}

Result<rapidjson::Document> parse(const char* text, std::string_view what) {
  return parse(std::string_view(text), what);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(ErrorKind::kConfig, "cannot open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<rapidjson::Document> parse_file(const std::string& path) {
  LT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse(text, path);
}

namespace {
// One buffer per thread, kept between calls: a fresh StringBuffer grew by reallocation
// for every value written. One that grew past kKeep for an unusually large value is
// given back.
constexpr size_t kKeep = 1 << 20;
rapidjson::StringBuffer& thread_buffer() {
  thread_local rapidjson::StringBuffer buf;
  buf.Clear();
  return buf;
}
void release_if_large(rapidjson::StringBuffer& buf) {
  if (buf.GetSize() > kKeep) {
    buf.Clear();
    buf.ShrinkToFit();
  }
}

// Compact JSON written straight into a std::string, byte for byte what
// rapidjson::Writer writes (its escape table, its number formatting): stored payloads are
// compared with freshly made ones, so the bytes must not change. The Writer copied and
// checked one character at a time behind a call per value; serialising was a quarter of
// a sync's instructions.
constexpr char kEscape[256] = {
    // 0x00-0x1F: \b \t \n \f \r, the others \u00XX; '"' and '\\'; nothing else.
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f',  'r', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 0,    0,   '"', 0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,    0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,    0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   '\\', 0,   0,   0,
};

// Index of the first byte of s[i, n) that must be escaped, or n.
size_t next_to_escape(const char* s, size_t i, size_t n) {
#ifdef __SSE2__
  // 16 bytes at a time (unaligned loads, never past n): most strings need no escape.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    // x <= 0x1F (unsigned) <=> max(x, 0x1F) == 0x1F
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                               _mm_cmpeq_epi8(_mm_max_epu8(x, below_space), below_space));
    if (int mask = _mm_movemask_epi8(hit))
      return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i)
    if (kEscape[static_cast<unsigned char>(s[i])]) return i;
  return n;
}

void put_string(std::string& out, const char* s, size_t n) {
  out.push_back('"');
  size_t run = 0;
  for (size_t i = next_to_escape(s, 0, n); i < n; i = next_to_escape(s, i + 1, n)) {
    char e = kEscape[static_cast<unsigned char>(s[i])];
    out.append(s + run, i - run);
    out.push_back('\\');
    out.push_back(e);
    if (e == 'u') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      auto c = static_cast<unsigned char>(s[i]);
      out.append("00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
    run = i + 1;
  }
  out.append(s + run, n - run);
  out.push_back('"');
}

// false for a NaN or an infinity, which the Writer refuses too (see to_string).
bool put_value(std::string& out, const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      out.append("null");
      return true;
    case rapidjson::kFalseType:
      out.append("false");
      return true;
    case rapidjson::kTrueType:
      out.append("true");
      return true;
    case rapidjson::kStringType:
      put_string(out, v.GetString(), v.GetStringLength());
      return true;
    case rapidjson::kObjectType: {
      out.push_back('{');
      bool first = true;
      for (const auto& m : v.GetObject()) {
        if (!first) out.push_back(',');
        first = false;
        put_string(out, m.name.GetString(), m.name.GetStringLength());
        out.push_back(':');
        if (!put_value(out, m.value)) return false;
      }
      out.push_back('}');
      return true;
    }
    case rapidjson::kArrayType: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.GetArray()) {
        if (!first) out.push_back(',');
        first = false;
        if (!put_value(out, e)) return false;
      }
      out.push_back(']');
      return true;
    }
    case rapidjson::kNumberType: {
      char buf[32];
      const char* end;
      if (v.IsDouble()) {
        if (rapidjson::internal::Double(v.GetDouble()).IsNanOrInf()) return false;
        end = rapidjson::internal::dtoa(v.GetDouble(), buf);
      } else if (v.IsUint64()) {
        end = rapidjson::internal::u64toa(v.GetUint64(), buf);
      } else {
        end = rapidjson::internal::i64toa(v.GetInt64(), buf);
      }
      out.append(buf, static_cast<size_t>(end - buf));
      return true;
    }
  }
  return true;
}

// What rapidjson::Writer leaves for a value it cannot write (a NaN or an infinity): the
// text up to it.
void append_with_writer(std::string& out, const rapidjson::Value& v) {
  rapidjson::StringBuffer& buf = thread_buffer();
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  out.append(buf.GetString(), buf.GetSize());
  release_if_large(buf);
}

}  // namespace

std::string to_string(const rapidjson::Value& v, bool pretty) {
  if (pretty) {
    rapidjson::StringBuffer& buf = thread_buffer();
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    v.Accept(w);
    std::string out(buf.GetString(), buf.GetSize());
    release_if_large(buf);
    return out;
  }
  // Written into a buffer kept per thread, then copied once at its final size (a string
  // grown from empty reallocated a dozen times on the way to a few kilobytes).
  thread_local std::string scratch;
  scratch.clear();
  append_to(scratch, v);
  std::string out(scratch);
  if (scratch.capacity() > kKeep) std::string().swap(scratch);
  return out;
}

void append_to(std::string& out, const rapidjson::Value& v) {
  size_t start = out.size();
  if (put_value(out, v)) return;
  out.resize(start);
  append_with_writer(out, v);
}

void append_string(std::string& out, std::string_view s) {
  put_string(out, s.data(), s.size());
}

namespace {

constexpr size_t kNone = std::string_view::npos;

size_t skip_ws(std::string_view t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
  return i;
}

// End of the string whose opening quote is at i (past the closing quote), or kNone.
size_t string_end(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  return kNone;
}

// End of the value starting at i (no leading whitespace), or kNone. Iterative: nesting
// depth does not grow the stack.
size_t value_end(std::string_view t, size_t i) {
  if (i >= t.size()) return kNone;
  if (t[i] == '"') return string_end(t, i);
  if (t[i] != '{' && t[i] != '[') {
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\n' &&
           t[i] != '\r' && t[i] != '\t')
      ++i;
    return i;
  }
  size_t depth = 0;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"') {
      i = string_end(t, i);
      if (i == kNone) return kNone;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return kNone;
}

}  // namespace

namespace {

// Offset of the value of the member `key` of the object `t`, or kNone.
size_t member_value_at(std::string_view t, std::string_view key) {
  size_t i = skip_ws(t, 0);
  if (i >= t.size() || t[i] != '{') return kNone;
  i = skip_ws(t, i + 1);
  while (i < t.size() && t[i] == '"') {
    size_t key_end = string_end(t, i);
    if (key_end == kNone) return kNone;
    std::string_view name = t.substr(i + 1, key_end - i - 2);
    // An escaped key may equal `key` once unescaped: let the caller fall back to the DOM.
    if (name.find('\\') != std::string_view::npos) return kNone;
    i = skip_ws(t, key_end);
    if (i >= t.size() || t[i] != ':') return kNone;
    i = skip_ws(t, i + 1);
    if (name == key) return i;
    size_t end = value_end(t, i);
    if (end == kNone) return kNone;
    i = skip_ws(t, end);
    if (i >= t.size() || t[i] != ',') return kNone;
    i = skip_ws(t, i + 1);
  }
  return kNone;
}

}  // namespace

std::optional<std::string_view> raw_member(std::string_view t, std::string_view key) {
  size_t i = member_value_at(t, key);
  if (i == kNone) return std::nullopt;
  size_t end = value_end(t, i);
  if (end == kNone) return std::nullopt;
  return t.substr(i, end - i);
}

std::optional<std::vector<std::string_view>> raw_member_elements(std::string_view t, std::string_view key) {
  size_t i = member_value_at(t, key);
  if (i == kNone) return std::nullopt;
  // raw_elements stops at the array's closing bracket: the array is walked once, not
  // first to find its end.
  return raw_elements(t.substr(i));
}

std::optional<std::vector<std::string_view>> raw_elements(std::string_view t) {
  size_t i = skip_ws(t, 0);
  if (i >= t.size() || t[i] != '[') return std::nullopt;
  std::vector<std::string_view> out;
  i = skip_ws(t, i + 1);
  if (i < t.size() && t[i] == ']') return out;
  while (i < t.size()) {
    size_t end = value_end(t, i);
    if (end == kNone) return std::nullopt;
    out.push_back(t.substr(i, end - i));
    i = skip_ws(t, end);
    if (i < t.size() && t[i] == ']') return out;
    if (i >= t.size() || t[i] != ',') return std::nullopt;
    i = skip_ws(t, i + 1);
  }
  return std::nullopt;
}

const rapidjson::Value* member(const rapidjson::Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> get_string(const rapidjson::Value& obj, std::string_view key) {
  const auto* m = member(obj, key);
  if (!m || !m->IsString()) return std::nullopt;
  return std::string(m->GetString(), m->GetStringLength());
}

std::optional<int64_t> get_int(const rapidjson::Value& obj, std::string_view key) {
  const auto* m = member(obj, key);
  if (!m || !m->IsInt64()) return std::nullopt;
  return m->GetInt64();
}

std::optional<bool> get_bool(const rapidjson::Value& obj, std::string_view key) {
  const auto* m = member(obj, key);
  if (!m || !m->IsBool()) return std::nullopt;
  return m->GetBool();
}

const rapidjson::Value* at_path(const rapidjson::Value& root, std::string_view dotted) {
  const rapidjson::Value* cur = &root;
  while (!dotted.empty()) {
    size_t dot = dotted.find('.');
    std::string_view step = dotted.substr(0, dot);
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
    if (cur->IsObject()) {
      cur = member(*cur, step);
    } else if (cur->IsArray()) {
      size_t idx = 0;
      if (step.empty()) return nullptr;
      for (char c : step) {
        if (c < '0' || c > '9') return nullptr;
        idx = idx * 10 + static_cast<size_t>(c - '0');
      }
      cur = idx < cur->Size() ? &(*cur)[static_cast<rapidjson::SizeType>(idx)] : nullptr;
    } else {
      return nullptr;
    }
    if (!cur) return nullptr;
  }
  return cur;
}

std::string_view type_name(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return v.IsInt64() ? "integer" : "number";
  }
  return "unknown";
}

}  // namespace lienthong::json
