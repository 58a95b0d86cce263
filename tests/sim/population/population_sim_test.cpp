#include "sim/population/population_sim.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/population/name_key.hpp"
#include "adapters/population/soap_answer.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/text.hpp"
#include "gateway/flows/citizen/personal_id.hpp"

namespace lienthong::sim::population {
namespace {

SimOptions options() {
  SimOptions o;
  o.households = 300;
  o.token_valid = [](std::string_view t) { return t == "tok"; };
  return o;
}

// The SOAP request as the population adapter forms it (docs/contracts/population.md).
std::string request(const model::CitizenRecord& c, const std::string& name, const std::string& dob) {
  lienthong::population::Query q{c.personal_id, name, dob, "r1", "CB", "x"};
  return lienthong::population::wire::build_soap_request(q, {"037", "", false});
}

std::string golden(const std::string& name) {
  std::ifstream in(std::string(LIENTHONG_SOURCE_DIR "/tests/adapters/population/golden/") + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string squeezed(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      while (i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) ++i;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  if (pos == std::string::npos) throw std::runtime_error("golden file lacks " + from);
  return s.replace(pos, from.size(), to);
}

// The golden request with a simulated citizen's identity in it.
std::string golden_request_for(const model::CitizenRecord& c, const std::string& file = "request.soap.xml") {
  std::string dob =
      c.date_of_birth.substr(0, 4) + c.date_of_birth.substr(5, 2) + c.date_of_birth.substr(8, 2);
  std::string g = replaced(golden(file), "001090012345", c.personal_id);
  g = replaced(g, "NGUYENVANAN", lienthong::population::wire_name(c.full_name()));
  return replaced(g, "19900517", dob);
}

TEST(Population, IsDeterministicForASeedAndDiffersAcrossSeeds) {
  auto a = Population::generate(7, 50), b = Population::generate(7, 50), c = Population::generate(8, 50);
  ASSERT_EQ(a.citizens().size(), b.citizens().size());
  for (size_t i = 0; i < a.citizens().size(); ++i) {
    EXPECT_EQ(a.citizens()[i].personal_id, b.citizens()[i].personal_id);
    EXPECT_EQ(a.citizens()[i].full_name(), b.citizens()[i].full_name());
  }
  EXPECT_NE(a.citizens()[0].personal_id, c.citizens()[0].personal_id);
}

TEST(Population, EveryNumberIsStructurallyValidAndUnique) {
  auto provinces =
      citizen::ProvinceCodes::load(LIENTHONG_SOURCE_DIR "/mappings/citizen/birthplace_provinces.json");
  ASSERT_TRUE(provinces.ok());
  auto pop = Population::generate(1, 500);
  std::set<std::string> seen;
  for (auto& c : pop.citizens()) {
    int year = std::stoi(c.date_of_birth.substr(0, 4));
    auto v = citizen::validate_personal_id(c.personal_id, year, *provinces);
    EXPECT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(v->sex == citizen::Sex::kFemale, c.gender == "female");
    EXPECT_TRUE(seen.insert(c.personal_id).second);
    EXPECT_EQ(pop.find(c.personal_id), &c);
  }
  EXPECT_GT(pop.citizens().size(), 500u);  // households have several members
}

TEST(Population, HouseholdsHaveAHeadAndFamilyLinksPointAtRealPeople) {
  auto pop = Population::generate(3, 300);
  int with_parents = 0, with_spouse = 0;
  for (auto& c : pop.citizens()) {
    ASSERT_TRUE(c.household_head);
    const auto* head = pop.find(c.household_head->person.personal_id);
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->household_head->relationship, "Chủ hộ");
    EXPECT_EQ(head->permanent_address.ward_code, c.permanent_address.ward_code);
    if (c.father) {
      ++with_parents;
      const auto* f = pop.find(c.father->personal_id);
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->gender, "male");
      EXPECT_EQ(f->family_name, c.family_name);  // children take the father's họ
    }
    if (c.spouse) {
      ++with_spouse;
      const auto* s = pop.find(c.spouse->personal_id);
      ASSERT_NE(s, nullptr);
      EXPECT_EQ(s->spouse->personal_id, c.personal_id);
    }
    EXPECT_FALSE(c.permanent_address.detail.empty());
    EXPECT_EQ(c.nationality, "Việt Nam");
  }
  EXPECT_GT(with_parents, 50);
  EXPECT_GT(with_spouse, 100);
}

TEST(PopulationSim, RequiresABearerToken) {
  PopulationSim sim(options());
  const auto& c = sim.population().citizens()[0];
  auto body = request(c, c.full_name(), c.date_of_birth);
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "", body).status, 401);
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer nope", body).status, 401);
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer tok", body).status, 200);
  EXPECT_EQ(sim.handle("GET", sim.options().lookup_path, "Bearer tok", body).status, 405);
}

TEST(PopulationSim, AnswersFoundNotFoundAndMismatch) {
  PopulationSim sim(options());
  const auto& c = sim.population().citizens()[5];
  auto found =
      sim.handle("POST", sim.options().lookup_path, "Bearer tok", request(c, c.full_name(), c.date_of_birth));
  auto parsed = lienthong::population::wire::parse_answer(found.body, c.personal_id);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->outcome, lienthong::population::Outcome::kFound);
  EXPECT_EQ(parsed->record.full_name(), c.full_name());
  EXPECT_EQ(parsed->record.permanent_address.detail, c.permanent_address.detail);

  // Extra spaces in the name still match.
  auto spaced = sim.handle(
      "POST", sim.options().lookup_path, "Bearer tok",
      request(c, "  " + c.family_name + "  " + c.middle_name + " " + c.given_name, c.date_of_birth));
  EXPECT_EQ(lienthong::population::wire::parse_answer(spaced.body, c.personal_id)->outcome,
            lienthong::population::Outcome::kFound);

  auto wrong_dob =
      sim.handle("POST", sim.options().lookup_path, "Bearer tok", request(c, c.full_name(), "1901-01-01"));
  EXPECT_EQ(lienthong::population::wire::parse_answer(wrong_dob.body, c.personal_id)->outcome,
            lienthong::population::Outcome::kMismatch);

  model::CitizenRecord ghost = c;
  ghost.personal_id = "001000000000";
  auto nf = sim.handle("POST", sim.options().lookup_path, "Bearer tok",
                       request(ghost, c.full_name(), c.date_of_birth));
  EXPECT_EQ(lienthong::population::wire::parse_answer(nf.body, ghost.personal_id)->outcome,
            lienthong::population::Outcome::kNotFound);
  EXPECT_EQ(sim.lookups.load(), 4);
}

TEST(PopulationSim, OutageAndFailuresAreSwitchedByTheControlEndpoint) {
  PopulationSim sim(options());
  const auto& c = sim.population().citizens()[0];
  auto body = request(c, c.full_name(), c.date_of_birth);
  auto ctl = sim.handle("POST", "/_sim/population/control", "", R"({"outage":true})");
  EXPECT_EQ(ctl.status, 200);
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer tok", body).status, 503);
  sim.handle("POST", "/_sim/population/control", "", R"({"outage":false,"fail_next":2})");
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer tok", body).status, 500);
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer tok", body).status, 500);
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer tok", body).status, 200);
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer tok", "{}").status, 400);
}

TEST(PopulationSim, SampleEndpointListsIdentitiesForDrivers) {
  PopulationSim sim(options());
  auto r = sim.handle("GET", "/_sim/population/citizens?limit=3", "", "");
  auto doc = json::parse(r.body);
  ASSERT_TRUE(doc.ok());
  ASSERT_TRUE(doc->IsArray());
  ASSERT_EQ(doc->Size(), 3u);
  EXPECT_EQ(*json::get_string((*doc)[0], "personal_id"), sim.population().citizens()[0].personal_id);
}

TEST(PopulationSim, IssuesBearerTokensToItsClientAndAcceptsThem) {
  SimOptions o = options();
  o.client_id = "lienthong";
  o.client_secret = "s3cret";
  PopulationSim sim(o);
  EXPECT_EQ(
      sim.handle("POST", "/token", "", "grant_type=client_credentials&client_id=lienthong&client_secret=bad")
          .status,
      401);
  EXPECT_EQ(sim.handle("POST", "/token", "", "grant_type=password").status, 400);
  // HTTP Basic "lienthong:s3cret".
  auto t = sim.handle("POST", "/token", "Basic bGllbnRob25nOnMzY3JldA==", "grant_type=client_credentials");
  ASSERT_EQ(t.status, 200) << t.body;
  auto doc = json::parse(t.body);
  ASSERT_TRUE(doc.ok());
  std::string token = *json::get_string(*doc, "access_token");
  EXPECT_EQ(*json::get_int(*doc, "expires_in"), 3600);
  const auto& c = sim.population().citizens()[0];
  EXPECT_EQ(
      sim.handle("POST", o.lookup_path, "Bearer " + token, request(c, c.full_name(), c.date_of_birth)).status,
      200);
  auto form = sim.handle("POST", "/token", "",
                         "grant_type=client_credentials&client_id=lienthong&client_secret=s3cret");
  EXPECT_EQ(form.status, 200);
}

TEST(PopulationContract, SimulatorAcceptsTheGoldenRequests) {
  PopulationSim sim(options());
  const auto& c = sim.population().citizens()[7];
  auto soap = sim.handle("POST", sim.options().lookup_path, "Bearer tok", golden_request_for(c));
  ASSERT_EQ(soap.status, 200) << soap.body;
  auto parsed = lienthong::population::wire::parse_answer(soap.body, c.personal_id);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->outcome, lienthong::population::Outcome::kFound);
  EXPECT_EQ(parsed->record.date_of_birth, c.date_of_birth);

  auto adapter = sim.handle("POST", sim.options().adapter_path, "Bearer tok",
                            golden_request_for(c, "request.adapter.json"));
  ASSERT_EQ(adapter.status, 200) << adapter.body;
  EXPECT_EQ(adapter.content_type, "application/json");
  auto doc = json::parse(adapter.body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*json::get_string(*doc, "error_code"), "0");
  EXPECT_EQ(*json::get_string(*doc, "message"), soap.body);
}

TEST(PopulationContract, SimulatorRefusesRequestsThatBreakTheContract) {
  PopulationSim sim(options());
  const auto& c = sim.population().citizens()[7];
  std::string good = golden_request_for(c);
  std::string name = lienthong::population::wire_name(c.full_name());
  std::string dob =
      c.date_of_birth.substr(0, 4) + c.date_of_birth.substr(5, 2) + c.date_of_birth.substr(8, 2);
  std::vector<std::pair<std::string, std::string>> broken = {
      {"HoVaTen", replaced(good, ">" + name + "<", ">" + c.full_name() + "<")},  // as typed
      {"HoVaTen", replaced(good, ">" + name + "<", ">" + lienthong::ascii_lower(name) + "<")},
      {"MaDVC", replaced(good, "<qldc:MaDVC>1.001612</qldc:MaDVC>", "<qldc:MaDVC></qldc:MaDVC>")},
      {"MaTichHop", replaced(good, "<qldc:MaTichHop>037</qldc:MaTichHop>", "")},
      {"MaCanBo", replaced(good, "<qldc:MaCanBo>CB-0001</qldc:MaCanBo>", "")},
      {"namespace", replaced(good, "http://dancuquocgia.bca", "http://example.org/other")},
      {"NgayThangNamSinh",
       replaced(good, "<qldc:NgayThangNam>" + dob + "<", "<qldc:NgayThangNam>" + c.date_of_birth + "<")},
  };
  for (auto& [field, body] : broken) {
    auto r = sim.handle("POST", sim.options().lookup_path, "Bearer tok", body);
    EXPECT_EQ(r.status, 400) << field;
    EXPECT_NE(r.body.find(field), std::string::npos) << field << ": " << r.body;
  }
  // The old JSON request on the SOAP route.
  auto old =
      R"({"HoVaTen":"x","SoDinhDanh":"1","NgayThangNam":"19900101","MaYeuCau":"r","MaCanBo":"c","MaDVC":""})";
  EXPECT_EQ(sim.handle("POST", sim.options().lookup_path, "Bearer tok", old).status, 400);
}

TEST(PopulationContract, SimulatorAnswersInThePublishedShapeWithCodes) {
  model::CitizenRecord r;
  r.personal_id = "001090012345";
  r.family_name = "Nguyễn";
  r.middle_name = "Văn";
  r.given_name = "An";
  r.gender = "male";
  r.date_of_birth = "1990-05-17";
  r.ethnicity = "Kinh";
  r.religion = "Không";
  r.nationality = "Việt Nam";
  r.hometown = {"34", "338", "12469", "thôn Đông"};
  r.permanent_address = {"01", "001", "00001", "Số 12, phố Quán Thánh"};
  r.current_address = {"01", "005", "00157", "Số 3, đường Cầu Giấy"};
  r.household_head = model::HouseholdHead{"Chủ hộ", {"001090012345", "Nguyễn Văn An"}};
  r.father = model::PersonRef{"001060000001", "Nguyễn Văn Bình"};
  r.mother = model::PersonRef{"034162000002", "Trần Thị Lan"};
  EXPECT_EQ(soap_found(r), squeezed(golden("answer.found.xml")));
  EXPECT_EQ(soap_not_found(), squeezed(golden("answer.not_found.xml")));
  EXPECT_EQ(soap_fault("DL_KHONG_KHOP", "identity data do not match"),
            squeezed(golden("answer.mismatch.xml")));
  EXPECT_EQ(adapter_wrap("0", soap_found(r)), squeezed(golden("answer.adapter_found.json")));
}

TEST(PopulationSim, RequiresLgspHeadersWhenConfigured) {
  SimOptions o = options();
  o.lgsp_access_token = "lgsp-token";
  o.auth_hashes = {"Y2IxOnB3"};
  PopulationSim sim(o);
  const auto& c = sim.population().citizens()[0];
  auto body = request(c, c.full_name(), c.date_of_birth);
  using H = PopulationSim::Headers;
  EXPECT_EQ(sim.handle("POST", o.lookup_path, H{"Bearer tok", "", "Y2IxOnB3"}, body).status, 401);
  EXPECT_EQ(sim.handle("POST", o.lookup_path, H{"Bearer tok", "lgsp-token", ""}, body).status, 403);
  EXPECT_EQ(sim.handle("POST", o.lookup_path, H{"Bearer tok", "lgsp-token", "other"}, body).status, 403);
  EXPECT_EQ(sim.handle("POST", o.lookup_path, H{"Bearer tok", "lgsp-token", "Y2IxOnB3"}, body).status, 200);
}

TEST(PopulationSim, EnvelopeRouteReadsTokenKeysAndSoapFromTheBody) {
  SimOptions o = options();
  o.lgsp_access_token = "lgsp-token";
  o.auth_hashes = {"Y2IxOnB3"};
  PopulationSim sim(o);
  const auto& c = sim.population().citizens()[0];
  std::string soap = request(c, c.full_name(), c.date_of_birth);
  auto env = [&](const std::string& token, const std::string& lgsp, const std::string& hash) {
    return lienthong::population::wire::build_lgsp_envelope(token, lgsp, hash, soap);
  };
  auto ok = sim.handle("POST", o.envelope_path, "", env("tok", "lgsp-token", "Y2IxOnB3"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body.rfind("<", 0), 0u) << "the envelope route answers the SOAP text itself";
  EXPECT_NE(ok.body.find(c.personal_id), std::string::npos);
  EXPECT_EQ(sim.handle("POST", o.envelope_path, "", env("bad", "lgsp-token", "Y2IxOnB3")).status, 401);
  EXPECT_EQ(sim.handle("POST", o.envelope_path, "", env("tok", "other", "Y2IxOnB3")).status, 401);
  EXPECT_EQ(sim.handle("POST", o.envelope_path, "", env("tok", "lgsp-token", "other")).status, 403);
  // Headers do not stand in for the body's keys on this route.
  using H = PopulationSim::Headers;
  EXPECT_EQ(sim.handle("POST", o.envelope_path, H{"Bearer tok", "lgsp-token", "Y2IxOnB3"},
                       env("bad", "lgsp-token", "Y2IxOnB3"))
                .status,
            401);
  EXPECT_EQ(sim.handle("POST", o.envelope_path, "", "{\"accessToken\":\"Bearer tok\"}").status, 400);
  EXPECT_EQ(sim.handle("POST", o.envelope_path, "", soap).status, 400);
}

TEST(PopulationSim, TokenRequestMustCarryLgspAccessTokenWhenConfigured) {
  SimOptions o = options();
  o.client_id = "lienthong";
  o.client_secret = "s3cret";
  o.lgsp_access_token = "lgsp-token";
  o.lgsp_on_token_request = true;
  PopulationSim sim(o);
  using H = PopulationSim::Headers;
  // HTTP Basic "lienthong:s3cret".
  EXPECT_EQ(sim.handle("POST", "/token", H{"Basic bGllbnRob25nOnMzY3JldA==", "", ""},
                       "grant_type=client_credentials")
                .status,
            401);
  EXPECT_EQ(sim.handle("POST", "/token", H{"Basic bGllbnRob25nOnMzY3JldA==", "lgsp-token", ""},
                       "grant_type=client_credentials")
                .status,
            200);
}

}  // namespace
}  // namespace lienthong::sim::population
