// A lookup states the hồ sơ (dossier) it serves. Where the gateway knows that dossier
// (from the one-stop-shop sync or the webhooks), the statement is checked: the dossier
// must be handled by the account's agency, still be open (not returned, not finished),
// and be of a procedure the stated purpose may serve, when the purpose names procedures.
// Configurable: refuse the lookup (403), flag it in the audit, or not check at all.
// An unknown dossier code is not checked (the gateway does not see every system's
// dossiers): the audit records it as unverified.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/citizen/accounts.hpp"
#include "gateway/flows/citizen/purpose_policy.hpp"

namespace lienthong::citizen {

enum class DossierCheckMode { kOff, kFlag, kRefuse };

// What the gateway knows of a dossier; no personal data.
struct KnownDossier {
  std::string agency_code;     // DonViXuLy
  std::string procedure_code;  // MaTTHC
  bool open = true;            // neither returned nor finished
};

// The dossier by its code; nullopt when the gateway has never seen it.
using DossierSource = std::function<Result<std::optional<KnownDossier>>(const std::string& dossier_code)>;

// "" when the lookup is justified by the dossier, else what is wrong, as a short code
// for the audit detail: dossier_other_agency, dossier_closed, procedure_not_for_purpose.
std::string unjustified(const KnownDossier& dossier, const Account& account, const Purpose& purpose);

// A purpose's `procedures` entry matches a procedure code equal to it, or starting with it
// followed by '.' (1.001612 matches 1.001612.000.00.00.H26).
bool procedure_matches(const std::string& listed, const std::string& procedure_code);

}  // namespace lienthong::citizen
