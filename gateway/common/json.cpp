#include "gateway/common/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace lienthong::json {
namespace {

// Counts nesting while parsing through a SAX handler would double the work; instead
// check depth on the finished tree iteratively (bounded by input size).
bool depth_ok(const rapidjson::Value& root) {
  struct Frame {
    const rapidjson::Value* v;
    int depth;
  };
  std::vector<Frame> stack{{&root, 1}};
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    if (f.depth > kMaxDepth) return false;
    if (f.v->IsObject()) {
      for (auto& m : f.v->GetObject()) stack.push_back({&m.value, f.depth + 1});
    } else if (f.v->IsArray()) {
      for (auto& e : f.v->GetArray()) stack.push_back({&e, f.depth + 1});
    }
  }
  return true;
}

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

Result<rapidjson::Document> parse(std::string_view text, std::string_view what) {
  rapidjson::Document doc;
  // kParseStopWhenDoneFlag is not used: trailing garbage is an error.
  doc.Parse<rapidjson::kParseDefaultFlags | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    size_t line, col;
    line_col(text, doc.GetErrorOffset(), line, col);
    std::ostringstream os;
    os << what << ": malformed JSON at line " << line << ", column " << col << " (byte "
       << doc.GetErrorOffset() << "): " << rapidjson::GetParseError_En(doc.GetParseError());
    return Error(ErrorKind::kParse, os.str());
  }
  if (!depth_ok(doc)) {
    return Error(ErrorKind::kParse, std::string(what) + ": JSON nested deeper than " +
                                        std::to_string(kMaxDepth) + " levels");
  }
  return doc;
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

std::string to_string(const rapidjson::Value& v, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    v.Accept(w);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
  }
  return std::string(buf.GetString(), buf.GetSize());
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
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "boolean";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return v.IsInt64() ? "integer" : "number";
  }
  return "unknown";
}

}  // namespace lienthong::json
