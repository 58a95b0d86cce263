// The population adapter against the simulator over loopback HTTP, on both routes, with
// the LGSP headers: what the adapter sends is what the simulator checks, and the codes
// the simulator answers come back as the names it started from.
#include <gtest/gtest.h>

#include "adapters/population/code_tables.hpp"
#include "adapters/population/population_registry.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/http/token_provider.hpp"
#include "gateway/core/server/http_server.hpp"
#include "sim/population/population_sim.hpp"

namespace lienthong::population {
namespace {

class PopulationOverHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::population::SimOptions so;
    so.households = 100;
    so.token_valid = [](std::string_view t) { return t == "tok"; };
    so.lgsp_access_token = lgsp_access_token("ak", "sk", "app", "PARTNER", "CUS");
    so.auth_hashes = {auth_hash("cb1", "pw")};
    sim_ = std::make_unique<sim::population::PopulationSim>(so);
    server::ServerOptions srv;
    srv.port = 0;
    server_ = sim::population::serve(*sim_, srv);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
    auto tables = CodeTables::load_dir(LIENTHONG_SOURCE_DIR "/mappings/citizen");
    ASSERT_TRUE(tables.ok()) << tables.error().message;
    tables_ = std::make_shared<const CodeTables>(std::move(*tables));
  }

  RegistryOptions options(RegistryOptions::Route route) {
    RegistryOptions o;
    o.route = route;
    o.url = base_ + (route == RegistryOptions::Route::kSoap ? sim_->options().lookup_path
                                                            : sim_->options().adapter_path);
    o.integration_code = "037";
    o.default_service_code = "1.000656";
    o.names = tables_;
    o.lgsp_access_token = lgsp_access_token("ak", "sk", "app", "PARTNER", "CUS");
    o.auth_hash_by_official.emplace("CB-0001", Secret(auth_hash("cb1", "pw")));
    return o;
  }

  Sender sender() {
    return [this](http::ClientRequest r) {
      r.headers.push_back({"Authorization", "Bearer tok"});
      return client_.send(std::move(r));
    };
  }

  std::unique_ptr<sim::population::PopulationSim> sim_;
  std::unique_ptr<server::HttpServer> server_;
  std::string base_;
  std::shared_ptr<const CodeTables> tables_;
  http::HttpClient client_;
};

TEST_F(PopulationOverHttp, BothRoutesFindTheCitizenWithNamesFromCodes) {
  for (auto route : {RegistryOptions::Route::kSoap, RegistryOptions::Route::kJsonAdapter}) {
    auto reg = make_population_registry(options(route), sender());
    int checked = 0;
    for (const auto& c : sim_->population().citizens()) {
      if (checked == 200) break;
      ++checked;
      Query q{c.personal_id, c.full_name(), c.date_of_birth, "req-" + std::to_string(checked), "CB-0001", ""};
      auto a = reg->lookup(q);
      ASSERT_TRUE(a.ok()) << a.error().message;
      ASSERT_EQ(a->outcome, Outcome::kFound);
      const auto& r = a->record;
      EXPECT_EQ(r.full_name(), c.full_name());
      EXPECT_EQ(r.date_of_birth, c.date_of_birth);
      EXPECT_EQ(r.ethnicity, c.ethnicity);
      EXPECT_EQ(r.religion, c.religion);
      EXPECT_EQ(r.nationality, c.nationality);
      ASSERT_TRUE(r.household_head && c.household_head);
      EXPECT_EQ(r.household_head->relationship, c.household_head->relationship);
      EXPECT_EQ(r.household_head->person.full_name, c.household_head->person.full_name);
      EXPECT_EQ(r.father.has_value(), c.father.has_value());
      if (r.father && c.father) {
        EXPECT_EQ(r.father->full_name, c.father->full_name);
      }
    }
    // A wrong date of birth is a mismatch on both routes.
    const auto& c = sim_->population().citizens()[0];
    Query wrong{c.personal_id, c.full_name(), "1901-01-01", "req-x", "CB-0001", "1.001612"};
    auto mm = reg->lookup(wrong);
    ASSERT_TRUE(mm.ok()) << mm.error().message;
    EXPECT_EQ(mm->outcome, Outcome::kMismatch);
  }
}

TEST_F(PopulationOverHttp, TheSimulatorRefusesAMissingLgspHeader) {
  auto o = options(RegistryOptions::Route::kSoap);
  o.auth_hash_by_official.clear();
  o.auth_hash_required = false;
  const auto& c = sim_->population().citizens()[0];
  auto a = make_population_registry(o, sender())
               ->lookup({c.personal_id, c.full_name(), c.date_of_birth, "req-1", "CB-0001", ""});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::kForbidden);
  EXPECT_EQ(a.error().upstream_status, 403);
}

// OpenCPS's route for the Hậu Giang LGSP: the token is fetched with lgspaccesstoken as a
// header, and the lookup carries token, partner keys, AuthHash and the SOAP text in a JSON
// envelope; the simulator reads them from the body only.
TEST(PopulationOverHttpEnvelope, TokenWithLgspHeaderThenTheEnvelopeFindsTheCitizen) {
  sim::population::SimOptions so;
  so.households = 60;
  so.client_id = "lienthong";
  so.client_secret = "s3cret-s3cret";
  so.lgsp_access_token = lgsp_access_token("ak", "sk", "app", "PARTNER", "CUS");
  so.lgsp_on_token_request = true;
  so.auth_hashes = {auth_hash("cb1", "pw")};
  sim::population::PopulationSim sim(so);
  server::ServerOptions srv;
  srv.port = 0;
  auto server = sim::population::serve(sim, srv);
  std::string base = "http://127.0.0.1:" + std::to_string(server->port());
  http::HttpClient client;
  SystemClock clock;
  auto token_options = [&](bool with_lgsp) {
    http::TokenOptions t;
    t.token_url = base + "/token";
    t.client_id = "lienthong";
    t.client_secret = Secret("s3cret-s3cret");
    if (with_lgsp) t.extra_headers.push_back({"lgspaccesstoken", so.lgsp_access_token});
    return t;
  };
  RegistryOptions o;
  o.route = RegistryOptions::Route::kLgspEnvelope;
  o.url = base + sim.options().envelope_path;
  o.integration_code = "037";
  o.default_service_code = "1.000656";
  o.lgsp_access_token = so.lgsp_access_token;
  o.auth_hash_by_official.emplace("CB-0001", Secret(auth_hash("cb1", "pw")));
  http::TokenProvider tokens(token_options(true), client, clock);
  auto reg = make_population_registry(o, [&](http::ClientRequest r) { return tokens.send(std::move(r)); });
  int n = 0;
  for (const auto& c : sim.population().citizens()) {
    if (++n > 50) break;
    auto a = reg->lookup(
        {c.personal_id, c.full_name(), c.date_of_birth, "req-" + std::to_string(n), "CB-0001", ""});
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->outcome, Outcome::kFound);
    EXPECT_EQ(a->record.full_name(), c.full_name());
  }
  EXPECT_EQ(tokens.tokens_fetched(), 1);
  // Without lgspaccesstoken on the token request no token is issued.
  http::TokenProvider bare(token_options(false), client, clock);
  auto refused = make_population_registry(o, [&](http::ClientRequest r) { return bare.send(std::move(r)); });
  const auto& c = sim.population().citizens()[0];
  auto a = refused->lookup({c.personal_id, c.full_name(), c.date_of_birth, "req-x", "CB-0001", ""});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::kUnauthorized);
  server->stop();
}

}  // namespace
}  // namespace lienthong::population
