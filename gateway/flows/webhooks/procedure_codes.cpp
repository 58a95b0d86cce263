#include "gateway/flows/webhooks/procedure_codes.hpp"

#include "gateway/core/common/json.hpp"

namespace lienthong::webhooks {

Result<ProcedureCodeTable> ProcedureCodeTable::load_file(const std::string& path) {
  LT_ASSIGN_OR_RETURN(std::string text, json::read_file(path));
  return parse(text, path);
}

Result<ProcedureCodeTable> ProcedureCodeTable::parse(std::string_view text, std::string_view name) {
  auto doc = json::parse(text, name);
  if (!doc.ok()) return make_error(ErrorKind::kConfig, doc.error().message);
  auto fail = [&](const std::string& what) {
    return make_error(ErrorKind::kConfig, std::string(name) + ": " + what);
  };
  if (!doc->IsObject()) return fail("must be a JSON object with a \"codes\" object");
  for (auto& m : doc->GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (k != "codes" && k != "description")
      return fail("unknown key '" + std::string(k) + "' (allowed: codes, description)");
  }
  const auto* codes = json::member(*doc, "codes");
  if (!codes || !codes->IsObject())
    return fail("\"codes\" must be an object of ministry code → national code");
  ProcedureCodeTable table;
  table.name_ = std::string(name);
  for (auto& m : codes->GetObject()) {
    std::string code(m.name.GetString(), m.name.GetStringLength());
    std::string where = "codes." + code;
    if (code.empty()) return fail("an empty ministry code in \"codes\"");
    Entry e;
    if (m.value.IsString()) {
      e.national = m.value.GetString();
      if (e.national.empty()) return fail(where + ": empty national code");
    } else if (m.value.IsObject()) {
      for (auto& f : m.value.GetObject()) {
        std::string_view fk(f.name.GetString(), f.name.GetStringLength());
        if (fk != "field" && fk != "values") {
          return fail(where + ": unknown key '" + std::string(fk) + "' (allowed: field, values)");
        }
      }
      auto field = json::get_string(m.value, "field");
      const auto* values = json::member(m.value, "values");
      if (!field || field->empty())
        return fail(where + ".field: a dotted payload path is required for a merged code");
      if (!values || !values->IsObject() || values->MemberCount() == 0) {
        return fail(where + ".values: a non-empty object of field value → national code is required");
      }
      e.field = *field;
      for (auto& v : values->GetObject()) {
        if (!v.value.IsString() || v.value.GetStringLength() == 0) {
          return fail(where + ".values." + v.name.GetString() + ": must be a non-empty national code string");
        }
        e.values[std::string(v.name.GetString(), v.name.GetStringLength())] = v.value.GetString();
      }
    } else {
      return fail(where + ": must be a national code string or {\"field\", \"values\"}");
    }
    table.entries_[code] = std::move(e);
  }
  return table;
}

Result<std::string> ProcedureCodeTable::resolve(const std::string& ministry_code,
                                                const rapidjson::Value& payload) const {
  auto it = entries_.find(ministry_code);
  if (it == entries_.end()) {
    return make_error(
        ErrorKind::kMapping,
        "procedure code '" + ministry_code + "' has no entry in " + name_ +
            "; add it (ministry code → mã TTHC), then retry the record (lienthong quarantine retry)");
  }
  const Entry& e = it->second;
  if (!e.national.empty()) return e.national;
  const rapidjson::Value* v = json::at_path(payload, e.field);
  std::string value;
  if (v && v->IsString()) {
    value = v->GetString();
  } else if (v && v->IsInt64()) {
    value = std::to_string(v->GetInt64());
  } else {
    return make_error(ErrorKind::kMapping, "merged procedure code '" + ministry_code +
                                               "' needs payload field '" + e.field +
                                               "' to pick the mã TTHC, and it is missing or not a string");
  }
  auto vit = e.values.find(value);
  if (vit == e.values.end()) {
    return make_error(ErrorKind::kMapping,
                      "merged procedure code '" + ministry_code + "' with " + e.field + "='" + value +
                          "' has no mã TTHC in " + name_ +
                          "; add the value, then retry the record (lienthong quarantine retry)");
  }
  return vit->second;
}

}  // namespace lienthong::webhooks
