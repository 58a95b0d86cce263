#include "gateway/core/config/config.hpp"

#include <cstdlib>
#include <filesystem>

#include "gateway/core/common/json.hpp"

namespace lienthong {

ConfigNode::ConfigNode(const rapidjson::Value* value, std::string path, std::string base_dir)
    : value_(value), path_(std::move(path)), base_dir_(std::move(base_dir)) {
  if (!value_->IsObject()) {
    throw ConfigError((path_.empty() ? std::string("config root") : path_) + ": expected an object, got " +
                      std::string(json::type_name(*value_)));
  }
}

std::string ConfigNode::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ConfigNode::fail(std::string_view key, std::string_view what) const {
  throw ConfigError("config key '" + key_path(key) + "': " + std::string(what));
}

const rapidjson::Value* ConfigNode::get(std::string_view key) const {
  const auto* v = json::member(*value_, key);
  return (v && !v->IsNull()) ? v : nullptr;
}

bool ConfigNode::has(std::string_view key) const {
  return get(key) != nullptr;
}

std::vector<std::string> ConfigNode::keys() const {
  std::vector<std::string> out;
  for (auto& m : value_->GetObject()) out.emplace_back(m.name.GetString(), m.name.GetStringLength());
  return out;
}

void ConfigNode::allow_only(const std::vector<std::string>& allowed) const {
  for (auto& m : value_->GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    bool ok = false;
    for (auto& a : allowed) ok = ok || a == k;
    if (!ok) {
      std::string list;
      for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(k, "unknown key; accepted keys here are: " + list);
    }
  }
}

void ConfigNode::allow_only(std::initializer_list<std::string_view> allowed) const {
  allow_only(std::vector<std::string>(allowed.begin(), allowed.end()));
}

std::string ConfigNode::string(std::string_view key) const {
  const auto* v = get(key);
  if (!v) fail(key, "required, expected a string");
  if (!v->IsString()) fail(key, "expected a string, got " + std::string(json::type_name(*v)));
  if (v->GetStringLength() == 0) fail(key, "must not be empty");
  return std::string(v->GetString(), v->GetStringLength());
}

std::string ConfigNode::string_or(std::string_view key, std::string fallback) const {
  return has(key) ? string(key) : fallback;
}

std::string ConfigNode::choice(std::string_view key, std::initializer_list<std::string_view> choices,
                               std::string_view fallback) const {
  std::string v = string_or(key, std::string(fallback));
  std::string list;
  for (auto c : choices) {
    if (c == v) return v;
    list += (list.empty() ? "" : ", ") + std::string(c);
  }
  fail(key, "expected one of " + list + ", got '" + v + "'");
}

int64_t ConfigNode::integer(std::string_view key, int64_t min, int64_t max) const {
  const auto* v = get(key);
  if (!v) fail(key, "required, expected an integer");
  if (!v->IsInt64()) fail(key, "expected an integer, got " + std::string(json::type_name(*v)));
  int64_t i = v->GetInt64();
  if (i < min || i > max) {
    fail(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
                  std::to_string(i));
  }
  return i;
}

int64_t ConfigNode::integer_or(std::string_view key, int64_t fallback, int64_t min, int64_t max) const {
  return has(key) ? integer(key, min, max) : fallback;
}

double ConfigNode::number_or(std::string_view key, double fallback, double min, double max) const {
  const auto* v = get(key);
  if (!v) return fallback;
  if (!v->IsNumber()) fail(key, "expected a number, got " + std::string(json::type_name(*v)));
  double d = v->GetDouble();
  if (d < min || d > max) {
    fail(key, "expected a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return d;
}

bool ConfigNode::boolean_or(std::string_view key, bool fallback) const {
  const auto* v = get(key);
  if (!v) return fallback;
  if (!v->IsBool()) fail(key, "expected true or false, got " + std::string(json::type_name(*v)));
  return v->GetBool();
}

std::vector<std::string> ConfigNode::strings_or(std::string_view key,
                                                std::vector<std::string> fallback) const {
  const auto* v = get(key);
  if (!v) return fallback;
  if (!v->IsArray()) fail(key, "expected an array of strings, got " + std::string(json::type_name(*v)));
  std::vector<std::string> out;
  for (auto& e : v->GetArray()) {
    if (!e.IsString())
      fail(key, "expected an array of strings, found an element of type " + std::string(json::type_name(e)));
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

std::string ConfigNode::resolve_path(const std::string& p) const {
  std::filesystem::path fp(p);
  if (fp.is_absolute() || base_dir_.empty()) return p;
  return (std::filesystem::path(base_dir_) / fp).lexically_normal().string();
}

std::string ConfigNode::file_path(std::string_view key) const {
  return resolve_path(string(key));
}

std::string ConfigNode::file_path_or(std::string_view key, std::string fallback) const {
  return has(key) ? file_path(key) : (fallback.empty() ? fallback : resolve_path(fallback));
}

Secret ConfigNode::secret(std::string_view key) const {
  auto s = optional_secret(key);
  if (!s) fail(key, "required secret, expected {\"env\": \"VARIABLE\"} or {\"file\": \"path\"}");
  return *s;
}

std::optional<Secret> ConfigNode::optional_secret(std::string_view key) const {
  const auto* v = get(key);
  if (!v) return std::nullopt;
  if (!v->IsObject()) {
    fail(key,
         "a secret is given by reference: {\"env\": \"VARIABLE\"} or {\"file\": \"path\"}, "
         "never written into the config file");
  }
  ConfigNode node(v, key_path(key), base_dir_);
  node.allow_only({"env", "file"});
  if (node.has("env") == node.has("file")) fail(key, "give exactly one of \"env\" or \"file\"");
  if (node.has("env")) {
    std::string var = node.string("env");
    const char* val = std::getenv(var.c_str());
    if (!val || !*val) fail(key, "environment variable " + var + " is not set or empty");
    return Secret(val, "env:" + var);
  }
  std::string file = node.file_path("file");
  auto text = json::read_file(file);
  if (!text.ok()) fail(key, text.error().message);
  std::string s = *text;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) fail(key, "secret file " + file + " is empty");
  return Secret(s, "file:" + file);
}

ConfigNode ConfigNode::object(std::string_view key) const {
  const auto* v = get(key);
  if (!v) fail(key, "required, expected an object");
  if (!v->IsObject()) fail(key, "expected an object, got " + std::string(json::type_name(*v)));
  return ConfigNode(v, key_path(key), base_dir_);
}

std::optional<ConfigNode> ConfigNode::optional_object(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return object(key);
}

std::vector<ConfigNode> ConfigNode::array_of_objects(std::string_view key) const {
  const auto* v = get(key);
  std::vector<ConfigNode> out;
  if (!v) return out;
  if (!v->IsArray()) fail(key, "expected an array of objects, got " + std::string(json::type_name(*v)));
  rapidjson::SizeType i = 0;
  for (auto& e : v->GetArray()) {
    std::string p = key_path(key) + "[" + std::to_string(i++) + "]";
    if (!e.IsObject()) throw ConfigError("config key '" + p + "': expected an object");
    out.emplace_back(&e, p, base_dir_);
  }
  return out;
}

std::shared_ptr<ConfigFile> ConfigFile::load(const std::string& path) {
  auto text = json::read_file(path);
  if (!text.ok()) throw ConfigError("cannot read config file: " + text.error().message);
  std::string base = std::filesystem::path(path).parent_path().string();
  auto cfg = from_string(*text, base.empty() ? "." : base);
  cfg->file_ = path;
  return cfg;
}

std::shared_ptr<ConfigFile> ConfigFile::from_string(std::string_view text, std::string base_dir) {
  auto parsed = json::parse(text, "config");
  if (!parsed.ok()) throw ConfigError(parsed.error().message);
  auto cfg = std::shared_ptr<ConfigFile>(new ConfigFile());
  cfg->doc_ = std::move(parsed).value();
  cfg->base_dir_ = std::move(base_dir);
  if (!cfg->doc_.IsObject()) throw ConfigError("config: the top level must be a JSON object");
  // "data_dir": where relative paths point instead of the config file's folder, so that an
  // installed /etc/lienthong/lienthong.json finds the data shipped in /usr/share/lienthong.
  // Itself relative to the config file's folder when relative.
  if (auto it = cfg->doc_.FindMember("data_dir"); it != cfg->doc_.MemberEnd()) {
    if (!it->value.IsString() || it->value.GetStringLength() == 0)
      throw ConfigError("config key 'data_dir': expected a non-empty string (a folder)");
    cfg->base_dir_ = cfg->root().resolve_path(it->value.GetString());
  }
  return cfg;
}

}  // namespace lienthong
