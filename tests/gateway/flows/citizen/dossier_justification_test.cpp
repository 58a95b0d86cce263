// Justified lookups: a known dossier must be of the account's agency, open, and of a
// procedure the purpose may serve; refused or flagged as configured.
#include "gateway/flows/citizen/dossier_justification.hpp"

#include <gtest/gtest.h>

#include <map>

#include "tests/gateway/flows/citizen/citizen_fixture.hpp"

namespace lienthong::citizen {
namespace {

using testing::Harness;

TEST(DossierJustification, ProcedureCodesMatchExactlyOrByDottedPrefix) {
  EXPECT_TRUE(procedure_matches("1.001612", "1.001612"));
  EXPECT_TRUE(procedure_matches("1.001612", "1.001612.000.00.00.H26"));
  EXPECT_FALSE(procedure_matches("1.001612", "1.0016120"));
  EXPECT_FALSE(procedure_matches("1.001612", "1.00161"));
  EXPECT_FALSE(procedure_matches("1.001612", "2.001612"));
}

TEST(DossierJustification, NamesWhatIsWrongInOrder) {
  Account acc{"a", "CB-1", "000.00.15.H26", {"p"}, {}};
  Purpose any{"p", {"full_name"}, "", "", {}};
  Purpose residence{"p", {"full_name"}, "", "", {"1.001612"}};
  EXPECT_EQ(unjustified({"000.00.15.H26", "1.000656", true}, acc, any), "");
  EXPECT_EQ(unjustified({"000.00.31.H26", "1.000656", true}, acc, any), "dossier_other_agency");
  EXPECT_EQ(unjustified({"000.00.15.H26", "1.000656", false}, acc, any), "dossier_closed");
  EXPECT_EQ(unjustified({"000.00.15.H26", "1.000656", true}, acc, residence), "procedure_not_for_purpose");
  EXPECT_EQ(unjustified({"000.00.15.H26", "1.001612.000.00.00.H26", true}, acc, residence), "");
}

std::string config_with(const std::string& mode) {
  std::string c = testing::config_json();
  c.insert(c.find("\"purposes\""), "\"dossier_check\": \"" + mode + "\", ");
  const std::string residence = "\"service_code\": \"1.001612\"}";
  c.replace(c.find(residence), residence.size(),
            "\"service_code\": \"1.001612\", \"procedures\": [\"1.001612\"]}");
  return c;
}

// Dossiers the gateway knows: own agency open, other agency, closed, other procedure.
void know_dossiers(Harness& h, bool fail = false) {
  std::map<std::string, KnownDossier> known{
      {"H26-OWN", {"000.00.15.H26", "1.001612.000.00.00.H26", true}},
      {"H26-OTHER", {"000.00.31.H26", "1.001612.000.00.00.H26", true}},
      {"H26-CLOSED", {"000.00.15.H26", "1.001612.000.00.00.H26", false}},
      {"H26-BIRTH", {"000.00.15.H26", "1.000894.000.00.00.H26", true}},
  };
  h.service->set_dossier_source(
      [known, fail](const std::string& code) -> Result<std::optional<KnownDossier>> {
        if (fail) return Error(ErrorKind::kStore, "store closed");
        auto it = known.find(code);
        if (it == known.end()) return std::optional<KnownDossier>();
        return std::optional<KnownDossier>(it->second);
      });
}

HttpReply lookup(Harness& h, const std::string& dossier, size_t who = 0) {
  h.clock.advance(std::chrono::seconds(2));
  const auto& c = h.citizen(who);
  return h.service->handle(Harness::key(), Harness::body(c.personal_id, c.full_name(), c.date_of_birth,
                                                         "residence_check", dossier));
}

TEST(DossierJustification, RefuseModeRefusesAnotherAgencysAClosedOrAnUnrelatedDossierBeforeTheCall) {
  Harness h(config_with("refuse"));
  know_dossiers(h);
  for (const char* d : {"H26-OTHER", "H26-CLOSED", "H26-BIRTH"}) {
    auto r = lookup(h, d);
    EXPECT_EQ(r.status, 403) << d;
    EXPECT_NE(r.body.find("refused_dossier"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(d), std::string::npos) << "the code is not echoed";
  }
  EXPECT_EQ(h.sim.lookups.load(), 0);
  auto entries = std::move(h.audit->all()).value();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].result, "refused_dossier");
  EXPECT_EQ(entries[0].detail, "reason=dossier_other_agency");
  EXPECT_EQ(entries[1].detail, "reason=dossier_closed");
  EXPECT_EQ(entries[2].detail, "reason=procedure_not_for_purpose");
  // The account's own open dossier, and a dossier the gateway never saw, pass.
  EXPECT_EQ(lookup(h, "H26-OWN").status, 200);
  EXPECT_EQ(lookup(h, "UNSEEN-1").status, 200);
  EXPECT_EQ(h.sim.lookups.load(), 2);
}

TEST(DossierJustification, FlagModeAnswersButFlagsTheIntentAndTheOutcome) {
  Harness h(config_with("flag"));
  know_dossiers(h);
  EXPECT_EQ(lookup(h, "H26-OTHER").status, 200);
  auto entries = std::move(h.audit->all()).value();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].result, "intent");
  EXPECT_EQ(entries[0].detail, "flag=dossier_other_agency");
  EXPECT_EQ(entries[1].result, "found");
  EXPECT_EQ(entries[1].detail, "flag=dossier_other_agency");
  EXPECT_EQ(lookup(h, "H26-OWN").status, 200);
  EXPECT_EQ(std::move(h.audit->all()).value().back().detail, "");
}

TEST(DossierJustification, AnUnreadableStoreRefusesInRefuseModeAndFlagsOtherwise) {
  Harness refuse(config_with("refuse"));
  know_dossiers(refuse, true);
  EXPECT_EQ(lookup(refuse, "H26-OWN").status, 503);
  EXPECT_EQ(refuse.sim.lookups.load(), 0);
  Harness flag(config_with("flag"));
  know_dossiers(flag, true);
  EXPECT_EQ(lookup(flag, "H26-OWN").status, 200);
  EXPECT_EQ(std::move(flag.audit->all()).value().back().detail, "flag=dossier_unverifiable");
  Harness off(config_with("off"));
  know_dossiers(off);
  EXPECT_EQ(lookup(off, "H26-OTHER").status, 200);
  EXPECT_EQ(std::move(off.audit->all()).value().back().detail, "");
}

TEST(DossierJustification, TheConfigRefusesAnUnknownModeAndBadProcedureCodes) {
  auto refusal = [](const std::string& text) -> std::string {
    try {
      testing::parse_config(text);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(refusal(config_with("maybe")).find("dossier_check"), std::string::npos);
  std::string bad = config_with("flag");
  bad.replace(bad.find("[\"1.001612\"]"), 12, "[\"1 001612\"]");
  EXPECT_NE(refusal(bad).find("procedures"), std::string::npos);
  auto c = testing::parse_config(config_with("refuse"));
  EXPECT_EQ(c.dossier_check, DossierCheckMode::kRefuse);
  EXPECT_EQ(c.purposes.find("residence_check")->procedures, std::vector<std::string>{"1.001612"});
}

}  // namespace
}  // namespace lienthong::citizen
