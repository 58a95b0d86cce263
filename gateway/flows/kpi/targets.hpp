// Chỉ tiêu (targets) of the province's indicators per year, from a data file beside the
// procedure catalogue (mappings/kpi_targets.json). A target is a share (0..1) for the
// whole province, or, for digitisation, one share per administrative level, as the
// decision sets them. Format and sources: docs/kpi.md.
//
//   {"source": "...", "years": {"2025": {"on_time": 0.95, "online_full": 0.6,
//     "digitised_dossiers": {"province": 0.3, "district": 0.25, "commune": 0.15}}}}
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"

namespace lienthong::kpi {

class KpiTargets {
 public:
  // Strict: an unknown indicator, a share outside 0..1, a year that is not a number, an
  // unknown level are kParse errors naming `origin` and the key.
  static Result<KpiTargets> parse(std::string_view text, std::string_view origin);
  static Result<KpiTargets> load(const std::string& path);

  // The target for `indicator` in `year` (the latest year of the file not after it);
  // `level` picks a per-level target ("province", "district", "commune"). nullopt when the
  // file sets none (or only per-level targets and no level is given).
  std::optional<double> target(std::string_view indicator, int year, std::string_view level = {}) const;
  // Whether the indicator's target for `year` is set per level.
  bool by_level(std::string_view indicator, int year) const;

  const std::string& source() const { return source_; }

 private:
  struct Target {
    std::optional<double> whole;
    std::map<std::string, double, std::less<>> levels;
  };
  const std::map<std::string, Target, std::less<>>* year_of(int year) const;
  std::string source_;
  std::map<int, std::map<std::string, Target, std::less<>>> years_;
};

}  // namespace lienthong::kpi
