#include "gateway/flows/citizen/dossier_justification.hpp"

#include <algorithm>

namespace lienthong::citizen {

bool procedure_matches(const std::string& listed, const std::string& procedure_code) {
  return procedure_code == listed ||
         (procedure_code.size() > listed.size() && procedure_code.compare(0, listed.size(), listed) == 0 &&
          procedure_code[listed.size()] == '.');
}

std::string unjustified(const KnownDossier& dossier, const Account& account, const Purpose& purpose) {
  if (dossier.agency_code != account.agency) return "dossier_other_agency";
  if (!dossier.open) return "dossier_closed";
  if (!purpose.procedures.empty() &&
      std::none_of(purpose.procedures.begin(), purpose.procedures.end(),
                   [&](const std::string& p) { return procedure_matches(p, dossier.procedure_code); })) {
    return "procedure_not_for_purpose";
  }
  return "";
}

}  // namespace lienthong::citizen
