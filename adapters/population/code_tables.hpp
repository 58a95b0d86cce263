// Danh mục (code tables) of the population database's answer: DanToc (ethnicity),
// TonGiao (religion), QuocTich (nationality), QuanHe (relation to the household head).
// The answer carries codes ("01", "00", "VN", "CH01"); a gateway that promises names to
// its callers maps them with these tables, data files under mappings/citizen/ that name
// their source. Format of one file:
//   {"description": "...", "source": "...", "numeric": true|false,
//    "codes": [{"code": "1", "name": "Kinh"}, ...]}
// "numeric": codes compare as numbers ("01" finds "1"), as OpenCPS's front end does.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::population {

class CodeTable {
 public:
  static Result<CodeTable> load(const std::string& path);
  static Result<CodeTable> parse(std::string_view text, std::string_view what);

  // The name of `code`, or nullptr when the table does not list it.
  const std::string* name_of(std::string_view code) const;
  // The code of `name` (the first listed), or nullptr; for the simulator.
  const std::string* code_of(std::string_view name) const;
  size_t size() const { return names_.size(); }

 private:
  std::string key(std::string_view code) const;
  bool numeric_ = false;
  std::map<std::string, std::string, std::less<>> names_;
  std::map<std::string, std::string, std::less<>> codes_;
};

struct CodeTables {
  CodeTable ethnicity;    // DanToc
  CodeTable religion;     // TonGiao
  CodeTable nationality;  // QuocTich
  CodeTable relation;     // QuanHe
  // Loads ethnicity.json, religion.json, nationality.json, household_relation.json.
  static Result<CodeTables> load_dir(const std::string& dir);
};

}  // namespace lienthong::population
