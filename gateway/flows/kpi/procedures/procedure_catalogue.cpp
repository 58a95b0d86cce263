#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"

#include "gateway/core/common/json.hpp"

namespace lienthong::procedures {

namespace {
Error fail(std::string_view origin, const std::string& where, const std::string& what) {
  return Error(ErrorKind::kParse, std::string(origin) + ": " + where + ": " + what);
}

// One entry of "procedures", at `where` in `origin`.
Result<Procedure> parse_procedure(const rapidjson::Value& e, std::string_view origin,
                                  const std::string& where) {
  if (!e.IsObject()) return fail(origin, where, "must be an object");
  for (auto& m : e.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (k != "code" && k != "name" && k != "deadline_working_days" && k != "deadline_working_hours" &&
        k != "full_online" && k != "requires_fee" && k != "online_payment") {
      return fail(origin, where + "." + std::string(k),
                  "unknown member (allowed: code, name, deadline_working_days, deadline_working_hours, "
                  "full_online, requires_fee, online_payment)");
    }
  }
  Procedure p;
  auto code = json::get_string(e, "code");
  if (!code || code->empty())
    return fail(origin, where + ".code", "missing; the national procedure code (MaTTHC)");
  p.code = *code;
  p.name = json::get_string(e, "name").value_or("");
  auto flag = [&](const char* key, bool& out) -> Status {
    auto it = e.FindMember(key);
    if (it == e.MemberEnd()) return {};
    if (!it->value.IsBool()) return fail(origin, where + "." + key, "must be true or false");
    out = it->value.GetBool();
    return {};
  };
  for (auto [key, out] : {std::pair<const char*, bool*>{"full_online", &p.full_online},
                          {"requires_fee", &p.requires_fee},
                          {"online_payment", &p.online_payment}}) {
    auto st = flag(key, *out);
    if (!st.ok()) return st.error();
  }
  bool has_days = e.HasMember("deadline_working_days"), has_hours = e.HasMember("deadline_working_hours");
  if (has_days == has_hours) {
    return fail(origin, where, "give exactly one of deadline_working_days and deadline_working_hours");
  }
  const char* dkey = has_days ? "deadline_working_days" : "deadline_working_hours";
  auto v = json::get_int(e, dkey);
  if (!v || *v <= 0 || *v > 1000)
    return fail(origin, where + "." + dkey, "must be an integer from 1 to 1000");
  (has_days ? p.deadline.working_days : p.deadline.working_hours) = static_cast<int>(*v);
  if (p.online_payment && !p.requires_fee) {
    return fail(origin, where + ".online_payment", "a procedure without a fee cannot offer online payment");
  }
  return p;
}
}  // namespace

Result<ProcedureCatalogue> ProcedureCatalogue::parse(std::string_view text, std::string_view origin) {
  auto doc = json::parse(text, origin);
  if (!doc.ok()) return Error(ErrorKind::kParse, doc.error().message);
  const rapidjson::Value& root = *doc;
  if (!root.IsObject()) return fail(origin, "(root)", "must be an object {\"procedures\": [...]}");
  for (auto& m : root.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (k != "procedures" && k != "note")
      return fail(origin, std::string(k), "unknown member (allowed: procedures, note)");
  }
  auto list = root.FindMember("procedures");
  if (list == root.MemberEnd() || !list->value.IsArray())
    return fail(origin, "procedures", "missing or not an array");
  ProcedureCatalogue cat;
  size_t i = 0;
  for (auto& e : list->value.GetArray()) {
    std::string where = "procedures[" + std::to_string(i++) + "]";
    LT_ASSIGN_OR_RETURN(Procedure p, parse_procedure(e, origin, where));
    if (!cat.index_.emplace(p.code, cat.procedures_.size()).second) {
      return fail(origin, where + ".code", "'" + p.code + "' is listed twice");
    }
    cat.procedures_.push_back(std::move(p));
  }
  return cat;
}

Result<ProcedureCatalogue> ProcedureCatalogue::load(const std::string& path) {
  auto text = json::read_file(path);
  if (!text.ok()) return text.error();
  return parse(*text, path);
}

const Procedure* ProcedureCatalogue::find(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &procedures_[it->second];
}

}  // namespace lienthong::procedures
