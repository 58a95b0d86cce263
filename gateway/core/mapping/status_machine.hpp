// Trạng thái hồ sơ (dossier status) state machine: which TrangThaiHoSo codes a dossier
// may start with and which changes are allowed, loaded from a mapping file's
// "transitions" section (mappings/dvcqg/status_transitions.json) so that an operator can
// adjust it without a rebuild. Format: docs/mappings.md.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::mapping {

class StatusMachine {
 public:
  // `transitions` is the section's value; `where` names the file for load errors (kConfig).
  static Result<StatusMachine> from_json(const rapidjson::Value& transitions, std::string_view where);
  // Reads the "transitions" section of a mapping file.
  static Result<StatusMachine> load_file(const std::string& path);

  // OK when a dossier may move from `from` (nullopt: first status seen) to `to`;
  // otherwise kValidation naming both codes and what would have been allowed.
  Status check(std::optional<int> from, int to) const;

  bool is_initial(int code) const { return initial_.count(code) > 0; }
  // A code with no outgoing transitions (e.g. 3 refused, 8 stopped, 10 returned).
  bool is_terminal(int code) const;
  const std::set<int>& initial() const { return initial_; }
  const std::map<int, std::set<int>>& allowed() const { return allowed_; }
  // "9 (Đã xử lý xong)" when the file names the code, else "9".
  std::string describe(int code) const;

 private:
  std::set<int> initial_;
  std::map<int, std::set<int>> allowed_;
  std::map<int, std::string> names_;
};

}  // namespace lienthong::mapping
