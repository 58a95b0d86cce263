#include "gateway/flows/reconciliation/rules.hpp"

#include <set>

#include "gateway/core/config/config.hpp"

namespace lienthong::reconciliation {

Rules Rules::from_config(const ConfigNode& node) {
  node.allow_only({"version", "order", "date_window_days", "settlement_window_days", "window_unit"});
  Rules r;
  r.version = node.string_or("version", r.version);
  if (r.version.empty()) node.fail("version", "must not be empty: it identifies which rules produced a run");
  if (node.has("order")) {
    r.order.clear();
    std::set<std::string> seen;
    for (const auto& name : node.strings_or("order")) {
      if (!seen.insert(name).second) node.fail("order", "lists '" + name + "' twice");
      if (name == "reference") {
        r.order.push_back(MatchRule::kReference);
      } else if (name == "dossier_amount_date") {
        r.order.push_back(MatchRule::kDossierAmountDate);
      } else {
        node.fail("order", "unknown rule '" + name + "' (expected \"reference\" or \"dossier_amount_date\")");
      }
    }
    if (r.order.empty()) node.fail("order", "needs at least one rule");
  }
  r.date_window_days = static_cast<int>(node.integer_or("date_window_days", r.date_window_days, 0, 31));
  r.settlement_window_days =
      static_cast<int>(node.integer_or("settlement_window_days", r.settlement_window_days, 0, 90));
  if (node.has("window_unit")) {
    std::string unit = node.string_or("window_unit", "");
    if (unit == "working_days") {
      r.window_unit = WindowUnit::kWorkingDays;
    } else if (unit != "calendar_days") {
      node.fail("window_unit", "must be \"calendar_days\" or \"working_days\", not '" + unit + "'");
    }
  }
  return r;
}

namespace {
// 1970-01-01 was a Thursday.
bool weekday(int32_t day) {
  int w = ((day % 7) + 7 + 4) % 7;  // 0 Sunday .. 6 Saturday
  return w != 0 && w != 6;
}
}  // namespace

bool WorkingDays::is_working(int32_t day) const {
  int64_t i = static_cast<int64_t>(day) - first_;
  if (i >= 0 && i + 1 < static_cast<int64_t>(cum_.size()))
    return cum_[static_cast<size_t>(i + 1)] != cum_[static_cast<size_t>(i)];
  return weekday(day);
}

int WorkingDays::after(int32_t a, int32_t b) const {
  if (b <= a) return 0;
  const int64_t last = first_ + static_cast<int64_t>(cum_.size()) - 2;
  if (!cum_.empty() && a + 1 >= first_ && b <= last) {
    return cum_[static_cast<size_t>(b - first_ + 1)] - cum_[static_cast<size_t>(a + 1 - first_)];
  }
  int n = 0;
  for (int32_t d = a + 1; d <= b; ++d) n += is_working(d) ? 1 : 0;
  return n;
}

std::string Rules::fingerprint() const {
  std::string s = "v=" + version + ";order=";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) s += ",";
    s += order[i] == MatchRule::kReference ? "reference" : "dossier_amount_date";
  }
  s += ";date_window_days=" + std::to_string(date_window_days);
  s += ";settlement_window_days=" + std::to_string(settlement_window_days);
  // Only when not the default, so the fingerprints (and run ids) of existing rules stay.
  if (window_unit == WindowUnit::kWorkingDays) s += ";window_unit=working_days";
  return s;
}

}  // namespace lienthong::reconciliation
