#include "adapters/population/code_tables.hpp"

#include "gateway/core/common/json.hpp"

namespace lienthong::population {

Result<CodeTable> CodeTable::parse(std::string_view text, std::string_view what) {
  auto doc = json::parse(text, what);
  if (!doc.ok()) return doc.error();
  auto fail = [&](const std::string& m) { return Error(ErrorKind::kConfig, std::string(what) + ": " + m); };
  if (!doc->IsObject()) return fail("expected a JSON object with \"codes\"");
  if (!json::get_string(*doc, "source")) return fail("\"source\" (where the codes come from) is missing");
  CodeTable t;
  if (auto n = json::get_bool(*doc, "numeric")) t.numeric_ = *n;
  const rapidjson::Value* codes = json::member(*doc, "codes");
  if (!codes || !codes->IsArray() || codes->Empty()) return fail("\"codes\" must be a non-empty array");
  for (rapidjson::SizeType i = 0; i < codes->Size(); ++i) {
    const auto& e = (*codes)[i];
    std::string where = "codes[" + std::to_string(i) + "]";
    if (!e.IsObject()) return fail(where + " is not an object");
    auto code = json::get_string(e, "code");
    auto name = json::get_string(e, "name");
    if (!code || code->empty() || !name || name->empty())
      return fail(where + " needs a non-empty code and name");
    if (!t.names_.emplace(t.key(*code), *name).second) return fail(where + ": code listed twice");
    t.codes_.emplace(*name, *code);
  }
  return t;
}

Result<CodeTable> CodeTable::load(const std::string& path) {
  auto text = json::read_file(path);
  if (!text.ok()) return Error(ErrorKind::kConfig, "code table " + path + ": " + text.error().message);
  return parse(*text, "code table " + path);
}

std::string CodeTable::key(std::string_view code) const {
  if (!numeric_ || code.empty() || code.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::string(code);
  }
  size_t nz = code.find_first_not_of('0');
  return nz == std::string_view::npos ? "0" : std::string(code.substr(nz));
}

const std::string* CodeTable::name_of(std::string_view code) const {
  auto it = names_.find(key(code));
  return it == names_.end() ? nullptr : &it->second;
}

const std::string* CodeTable::code_of(std::string_view name) const {
  auto it = codes_.find(name);
  return it == codes_.end() ? nullptr : &it->second;
}

Result<CodeTables> CodeTables::load_dir(const std::string& dir) {
  CodeTables t;
  std::pair<const char*, CodeTable*> files[] = {{"ethnicity.json", &t.ethnicity},
                                                {"religion.json", &t.religion},
                                                {"nationality.json", &t.nationality},
                                                {"household_relation.json", &t.relation}};
  for (auto& [file, table] : files) {
    auto loaded = CodeTable::load(dir + "/" + file);
    if (!loaded.ok()) return loaded.error();
    *table = std::move(*loaded);
  }
  return t;
}

}  // namespace lienthong::population
