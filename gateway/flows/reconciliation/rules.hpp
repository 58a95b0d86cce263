// The matching rules of a run: explicit, ordered, versioned, read from config
// (`reconciliation.rules`). Their fingerprint is stored with every run, so a stored result
// always says which rules produced it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lienthong {
class ConfigNode;
}

namespace lienthong::reconciliation {

enum class MatchRule {
  kReference,          // the payment's transaction reference (MaGiaoDich) appears on both sides
  kDossierAmountDate,  // same dossier code, same amount, value dates within date_window_days
};

// How the date and settlement windows are counted.
enum class WindowUnit {
  kCalendarDays,
  kWorkingDays,  // days the treasury and banks work: the province's working-day calendar
};

// Which days are working days, as a table over a range of days (built by the caller from
// the province's calendar, calendar::WorkingDayCalendar, with its holidays, Tết, days off in
// lieu and make-up Saturdays); outside the range, Monday to Friday. Counting is O(1) inside
// the range, so the engine may ask for every record.
class WorkingDays {
 public:
  WorkingDays() = default;  // Monday to Friday only
  template <class IsWorking>
  WorkingDays(int32_t first, int32_t last, IsWorking&& is_working) : first_(first) {
    cum_.reserve(static_cast<size_t>(last - first) + 2);
    cum_.push_back(0);
    for (int32_t d = first; d <= last; ++d) cum_.push_back(cum_.back() + (is_working(d) ? 1 : 0));
  }
  bool is_working(int32_t day) const;
  // Working days in (a, b]: how many working days after `a` it is on `b` (0 when b <= a).
  int after(int32_t a, int32_t b) const;

 private:
  int32_t first_ = 0;
  std::vector<int32_t> cum_;  // cum_[i]: working days in [first_, first_ + i)
};

struct Rules {
  std::string version = "1";
  std::vector<MatchRule> order = {MatchRule::kReference, MatchRule::kDossierAmountDate};
  int date_window_days = 1;        // |bank/treasury date - payment date| allowed by the fallback rule
  int settlement_window_days = 3;  // days the treasury may take to show a credit
  // Unit of both windows. Calendar days by default so that stored rules keep their meaning;
  // "working_days" counts on the province's calendar (docs/reconciliation.md).
  WindowUnit window_unit = WindowUnit::kCalendarDays;

  // Keys: version, order (["reference", "dossier_amount_date"]), date_window_days,
  // settlement_window_days, window_unit ("calendar_days" | "working_days"). Throws ConfigError naming the
  // key.
  static Rules from_config(const ConfigNode& node);
  // Everything that changes results, in one string: stored with each run and hashed
  // into its id.
  std::string fingerprint() const;
};

}  // namespace lienthong::reconciliation
