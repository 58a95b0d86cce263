#include "sim/population/population_sim.hpp"

#include <gtest/gtest.h>

#include "adapters/population/soap_answer.hpp"
#include "gateway/citizen/personal_id.hpp"
#include "gateway/common/json.hpp"

namespace lienthong::sim::population {
namespace {

SimOptions options() {
  SimOptions o;
  o.households = 300;
  o.token_valid = [](std::string_view t) { return t == "tok"; };
  return o;
}

std::string request(const model::CitizenRecord& c, const std::string& name, const std::string& dob) {
  std::string compact;
  for (char ch : dob) {
    if (ch != '-') compact += ch;
  }
  return R"({"HoVaTen":")" + name + R"(","SoDinhDanh":")" + c.personal_id +
         R"(","SoCMND":"","NgayThangNam":")" + compact + R"(","MaYeuCau":"r1","MaCanBo":"CB","MaDVC":"x"})";
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

}  // namespace
}  // namespace lienthong::sim::population
