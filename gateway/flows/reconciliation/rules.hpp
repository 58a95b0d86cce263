// The matching rules of a run: explicit, ordered, versioned, read from config
// (`reconciliation.rules`). Their fingerprint is stored with every run, so a stored result
// always says which rules produced it.
#pragma once

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

struct Rules {
  std::string version = "1";
  std::vector<MatchRule> order = {MatchRule::kReference, MatchRule::kDossierAmountDate};
  int date_window_days = 1;        // |bank/treasury date - payment date| allowed by the fallback rule
  int settlement_window_days = 3;  // days the treasury may take to show a credit

  // Keys: version, order (["reference", "dossier_amount_date"]), date_window_days,
  // settlement_window_days. Throws ConfigError naming the key.
  static Rules from_config(const ConfigNode& node);
  // Everything that changes results, in one string: stored with each run and hashed
  // into its id.
  std::string fingerprint() const;
};

}  // namespace lienthong::reconciliation
