#include "gateway/core/mapping/status_machine.hpp"

#include <string>

#include "gateway/core/common/json.hpp"

namespace lienthong::mapping {
namespace {

Error file_error(std::string_view where, const std::string& pointer, const std::string& what) {
  return Error(ErrorKind::kConfig, std::string(where) + ": " + pointer + ": " + what);
}

// Status codes are written as JSON integers in lists and as object keys ("4") in maps.
std::optional<int> code_from_key(std::string_view key) {
  if (key.empty() || key.size() > 4) return std::nullopt;
  int n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string join(const std::set<int>& codes) {
  std::string out;
  for (int c : codes) {
    if (!out.empty()) out += ", ";
    out += std::to_string(c);
  }
  return out.empty() ? "none" : out;
}

Result<std::set<int>> code_list(const rapidjson::Value& v, std::string_view where,
                                const std::string& pointer) {
  if (!v.IsArray()) return file_error(where, pointer, "expected an array of status codes");
  std::set<int> out;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    if (!v[i].IsInt() || v[i].GetInt() < 0)
      return file_error(where, pointer + "/" + std::to_string(i),
                        "expected a non-negative integer status code");
    out.insert(v[i].GetInt());
  }
  return out;
}

}  // namespace

Result<StatusMachine> StatusMachine::from_json(const rapidjson::Value& t, std::string_view where) {
  const std::string base = "/transitions";
  if (!t.IsObject()) return file_error(where, base, "expected an object with \"initial\" and \"allowed\"");
  for (auto& m : t.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (k != "initial" && k != "allowed" && k != "names" && k != "comment")
      return file_error(where, base + "/" + std::string(k),
                        "unknown key (allowed: initial, allowed, names, comment)");
  }
  StatusMachine sm;
  const auto* initial = json::member(t, "initial");
  if (!initial) return file_error(where, base, "missing \"initial\" (the codes a dossier may start with)");
  LT_ASSIGN_OR_RETURN(sm.initial_, code_list(*initial, where, base + "/initial"));
  if (sm.initial_.empty()) return file_error(where, base + "/initial", "must list at least one code");
  const auto* allowed = json::member(t, "allowed");
  if (!allowed || !allowed->IsObject())
    return file_error(where, base + "/allowed", "expected an object: from-code -> [to-codes]");
  for (auto& m : allowed->GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    auto from = code_from_key(key);
    if (!from) return file_error(where, base + "/allowed/" + key, "key must be a status code such as \"4\"");
    LT_ASSIGN_OR_RETURN(sm.allowed_[*from], code_list(m.value, where, base + "/allowed/" + key));
  }
  if (const auto* names = json::member(t, "names")) {
    if (!names->IsObject()) return file_error(where, base + "/names", "expected an object: code -> name");
    for (auto& m : names->GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      auto code = code_from_key(key);
      if (!code || !m.value.IsString())
        return file_error(where, base + "/names/" + key, "expected \"<code>\": \"<name>\"");
      sm.names_[*code] = m.value.GetString();
    }
  }
  return sm;
}

Result<StatusMachine> StatusMachine::load_file(const std::string& path) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document doc, json::parse_file(path));
  const auto* t = json::member(doc, "transitions");
  if (!t) return file_error(path, "", "no \"transitions\" section");
  return from_json(*t, path);
}

bool StatusMachine::is_terminal(int code) const {
  auto it = allowed_.find(code);
  return it == allowed_.end() || it->second.empty();
}

std::string StatusMachine::describe(int code) const {
  auto it = names_.find(code);
  return it == names_.end() ? std::to_string(code) : std::to_string(code) + " (" + it->second + ")";
}

Status StatusMachine::check(std::optional<int> from, int to) const {
  if (!from) {
    if (initial_.count(to)) return {};
    return Error(ErrorKind::kValidation,
                 "TrangThaiHoSo " + describe(to) +
                     " cannot start a dossier; a first status must be one of: " + join(initial_));
  }
  auto it = allowed_.find(*from);
  if (it != allowed_.end() && it->second.count(to)) return {};
  std::string next = it == allowed_.end() ? std::string("none (terminal)") : join(it->second);
  return Error(ErrorKind::kValidation, "TrangThaiHoSo " + describe(*from) + " -> " + describe(to) +
                                           " is not an allowed transition; from " + std::to_string(*from) +
                                           " the dossier may go to: " + next);
}

}  // namespace lienthong::mapping
