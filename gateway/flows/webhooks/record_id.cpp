#include "gateway/flows/webhooks/record_id.hpp"

#include <algorithm>
#include <vector>

#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"

namespace lienthong::webhooks {

namespace {

constexpr size_t kMaxPart = 60;  // three parts, three bars and the digest: at most 247 characters
constexpr int kMaxDepth = 64;

void write_canonical(std::string& out, const rapidjson::Value& v, std::string_view omit, int depth) {
  if (v.IsObject() && depth < kMaxDepth) {
    std::vector<const rapidjson::Value::Member*> members;
    for (const auto& m : v.GetObject()) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) {
      return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
             std::string_view(b->name.GetString(), b->name.GetStringLength());
    });
    out.push_back('{');
    bool first = true;
    for (auto* m : members) {
      std::string_view name(m->name.GetString(), m->name.GetStringLength());
      // `omit` is a dotted path: its first part here, the rest one level down.
      std::string_view head = omit.substr(0, omit.find('.'));
      std::string_view rest = head.size() < omit.size() ? omit.substr(head.size() + 1) : std::string_view();
      if (!omit.empty() && name == head && rest.empty()) continue;
      if (!first) out.push_back(',');
      first = false;
      json::append_string(out, name);
      out.push_back(':');
      write_canonical(out, m->value, !omit.empty() && name == head ? rest : std::string_view(), depth + 1);
    }
    out.push_back('}');
  } else if (v.IsArray() && depth < kMaxDepth) {
    out.push_back('[');
    bool first = true;
    for (const auto& e : v.GetArray()) {
      if (!first) out.push_back(',');
      first = false;
      write_canonical(out, e, {}, depth + 1);
    }
    out.push_back(']');
  } else {
    json::append_to(out, v);
  }
}

std::string first_value(const rapidjson::Value& payload, const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    const rapidjson::Value* v = json::at_path(payload, p);
    if (!v) continue;
    std::string s;
    if (v->IsString()) {
      s.assign(v->GetString(), v->GetStringLength());
    } else if (v->IsNumber() || v->IsBool()) {
      json::append_to(s, *v);
    }
    if (!s.empty()) return s;
  }
  return "-";
}

std::string id_part(std::string s) {
  if (s.size() > kMaxPart) s.resize(kMaxPart);
  for (char& c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '|') c = '_';
  }
  return s;
}

}  // namespace

std::string canonical_json(const rapidjson::Value& payload, std::string_view omit) {
  std::string out;
  write_canonical(out, payload, omit, 0);
  return out;
}

DerivedId derive_delivery_id(const SourceConfig& source, const rapidjson::Value& payload) {
  DerivedId d;
  d.digest = sha256_hex(canonical_json(payload, source.shared_key_body_field));
  if (!payload.IsObject()) {
    d.id = "-|-|-|" + d.digest;
    return d;
  }
  d.id = id_part(first_value(payload, source.derived_id.service)) + "|" +
         id_part(first_value(payload, source.derived_id.dossier)) + "|" +
         id_part(first_value(payload, source.derived_id.updating)) + "|" + d.digest;
  return d;
}

}  // namespace lienthong::webhooks
