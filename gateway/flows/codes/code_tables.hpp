// Effective-dated code tables: administrative units (tỉnh/huyện/xã: province, district,
// commune) and agencies (cơ quan), each code valid over [valid_from, valid_to) and, when
// retired, replaced_by its successors. Loaded from operator-edited files under
// mappings/codes/ (tables, then reorganisation files such as reorg/2025-07-01.json, the
// 2025 merger of provinces and abolition of districts). Format: docs/codes.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::codes {

// Dates are civil days since 1970-01-01 (vn_time::parse_date), compared in Vietnam time.
using Day = int64_t;

struct Entry {
  std::string code, name;
  std::string kind;    // "province" | "district" | "commune" | "agency"
  std::string level;   // province | district | commune | ministry (units: same as kind)
  std::string parent;  // the unit above (a district or province), or the unit an agency serves
  Day valid_from = 0;
  std::optional<Day> valid_to;  // exclusive
  std::vector<std::string> replaced_by;
  // Split rule (replaced_by has several codes): which successor a record goes to.
  std::string successor;                         // explicit choice for every record
  std::string split_by;                          // "commune": chosen by the record's commune
  std::map<std::string, std::string> split_map;  // commune code -> successor
  // Records dated before this (exclusive) may still carry the code after valid_to; they
  // are translated through replaced_by (a grace period after a reorganisation).
  std::optional<Day> accept_until;
  std::string origin;  // "units.json entries[3]" / "reorg/2025-07-01.json merge[0]"

  bool valid_on(Day d) const { return d >= valid_from && (!valid_to || d < *valid_to); }
};

// Facts that choose between successors of a split.
struct Hints {
  std::optional<std::string> commune;  // the record's commune code
};

struct Change {
  enum class Type { kCreated, kRetired, kMerged, kSplit, kReplaced, kChanged };
  Type type;
  std::string kind;
  Day date = 0;
  std::vector<std::string> from;  // retired / merged / split codes (created: empty)
  std::vector<std::string> to;    // successors (created: the new code)
  std::string rule;               // for splits: "successor X", "by commune", or ""
};
std::string_view to_string(Change::Type t);

class CodeTables {
 public:
  // Every *.json directly in `dir` (sorted), then every reorg/*.json (sorted by name,
  // i.e. by date). Errors are kConfig naming the file and the entry.
  static Result<CodeTables> load_dir(const std::string& dir);
  // Same from in-memory documents: tables then reorgs, each {name, text}.
  static Result<CodeTables> load(const std::vector<std::pair<std::string, std::string>>& tables,
                                 const std::vector<std::pair<std::string, std::string>>& reorgs);

  // The entry of `kind` valid on `day`, or kMapping naming the code and the date (and
  // what the code was, if it existed at another time).
  Result<const Entry*> lookup(std::string_view kind, std::string_view code, Day day) const;
  // The code to use on `today` for `code` as it was on `event_day`, following
  // replaced_by. A split without a rule that decides is refused (kMapping), not guessed.
  Result<std::string> translate(std::string_view kind, std::string_view code, Day event_day, Day today,
                                const Hints& hints = {}) const;
  // Codes created, retired, merged, split (and replaced / changed) with effect in
  // (from, to], ordered by date, kind, code.
  std::vector<Change> diff(Day from, Day to) const;

  std::vector<std::string> kinds() const;
  size_t size() const;  // number of entries (versions)

  // Accepts "2025-07-01"; nullopt otherwise.
  static std::optional<Day> parse_day(std::string_view s);
  static std::string format_day(Day d);

 private:
  friend struct Loader;
  // kind -> code -> versions ordered by valid_from
  std::map<std::string, std::map<std::string, std::vector<Entry>, std::less<>>, std::less<>> entries_;
};

}  // namespace lienthong::codes
