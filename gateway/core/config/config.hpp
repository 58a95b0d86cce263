// One JSON config file, validated before any port opens. Each component reads its own
// section through a ConfigNode, declares the keys it accepts with allow_only(), and so
// rejects typos. Errors name the dotted key and what was expected.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lienthong {

// Start-up misconfiguration: the only place the core throws for an expected condition.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A credential resolved from {"env": "VAR"} or {"file": "/path"}; never printed.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value, std::string source = "literal")
      : value_(std::move(value)), source_(std::move(source)) {}
  const std::string& reveal() const { return value_; }
  // Where it came from ("env:VAR", "file:/x"), safe to print.
  const std::string& source() const { return source_; }
  bool empty() const { return value_.empty(); }
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
  std::string source_;
};

class ConfigNode {
 public:
  ConfigNode(const rapidjson::Value* value, std::string path, std::string base_dir);

  const std::string& path() const { return path_; }
  const rapidjson::Value& raw() const { return *value_; }
  bool has(std::string_view key) const;
  std::vector<std::string> keys() const;

  // Throws ConfigError naming the first key not in `allowed` (with the allowed list).
  void allow_only(std::initializer_list<std::string_view> allowed) const;
  void allow_only(const std::vector<std::string>& allowed) const;

  std::string string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  // One of `choices`.
  std::string choice(std::string_view key, std::initializer_list<std::string_view> choices,
                     std::string_view fallback) const;
  int64_t integer(std::string_view key, int64_t min, int64_t max) const;
  int64_t integer_or(std::string_view key, int64_t fallback, int64_t min, int64_t max) const;
  double number_or(std::string_view key, double fallback, double min, double max) const;
  bool boolean_or(std::string_view key, bool fallback) const;
  std::vector<std::string> strings_or(std::string_view key, std::vector<std::string> fallback = {}) const;
  // A file path; relative paths are resolved against the config file's directory.
  std::string file_path(std::string_view key) const;
  std::string file_path_or(std::string_view key, std::string fallback) const;
  // {"env": "NAME"} or {"file": "path"}; a bare string is refused so that secrets are
  // never written into the config file itself.
  Secret secret(std::string_view key) const;
  std::optional<Secret> optional_secret(std::string_view key) const;

  ConfigNode object(std::string_view key) const;
  std::optional<ConfigNode> optional_object(std::string_view key) const;
  std::vector<ConfigNode> array_of_objects(std::string_view key) const;

  [[noreturn]] void fail(std::string_view key, std::string_view what) const;
  std::string key_path(std::string_view key) const;
  std::string resolve_path(const std::string& p) const;

 private:
  const rapidjson::Value* get(std::string_view key) const;

  const rapidjson::Value* value_;
  std::string path_;
  std::string base_dir_;
};

// Owns the parsed document; nodes point into it.
class ConfigFile {
 public:
  // Throws ConfigError with position on malformed JSON.
  static std::shared_ptr<ConfigFile> load(const std::string& path);
  static std::shared_ptr<ConfigFile> from_string(std::string_view text, std::string base_dir = ".");

  ConfigNode root() const { return ConfigNode(&doc_, "", base_dir_); }
  const std::string& file() const { return file_; }

 private:
  rapidjson::Document doc_;
  std::string file_;
  std::string base_dir_;
};

}  // namespace lienthong
