#include "gateway/flows/reconciliation/rules.hpp"

#include <set>

#include "gateway/core/config/config.hpp"

namespace lienthong::reconciliation {

Rules Rules::from_config(const ConfigNode& node) {
  node.allow_only({"version", "order", "date_window_days", "settlement_window_days"});
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
  return r;
}

std::string Rules::fingerprint() const {
  std::string s = "v=" + version + ";order=";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) s += ",";
    s += order[i] == MatchRule::kReference ? "reference" : "dossier_amount_date";
  }
  s += ";date_window_days=" + std::to_string(date_window_days);
  s += ";settlement_window_days=" + std::to_string(settlement_window_days);
  return s;
}

}  // namespace lienthong::reconciliation
