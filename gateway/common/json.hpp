// RapidJSON helpers: parsing outside input with positions in errors, and small accessors.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/result.hpp"

namespace lienthong::json {

// Nesting deeper than this is refused: outside input must not exhaust the stack.
inline constexpr int kMaxDepth = 64;

// Parses `text`; on failure the error names line, column and byte offset, and `what`
// (e.g. a file name or "request body").
Result<rapidjson::Document> parse(std::string_view text, std::string_view what = "JSON");

// Reads and parses a file.
Result<rapidjson::Document> parse_file(const std::string& path);

std::string to_string(const rapidjson::Value& v, bool pretty = false);

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
