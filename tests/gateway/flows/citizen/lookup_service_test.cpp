// The lookup flow end to end through the real adapter and the simulator, without sockets.
#include "gateway/flows/citizen/lookup_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "gateway/core/common/json.hpp"
#include "tests/gateway/flows/citizen/citizen_fixture.hpp"

namespace lienthong::citizen {
namespace {

using testing::Harness;

std::string header(const HttpReply& r, const std::string& name) {
  for (auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

std::vector<audit::AuditEntry> audit_entries(Harness& h) {
  return std::move(h.audit->all()).value();
}

// The entries without the write-ahead intents: one per lookup, its outcome.
std::vector<audit::AuditEntry> outcomes(Harness& h) {
  std::vector<audit::AuditEntry> out;
  for (auto& e : audit_entries(h)) {
    if (e.result != audit::kIntentResult) out.push_back(e);
  }
  return out;
}

std::set<std::string> citizen_members(const HttpReply& r) {
  auto doc = json::parse(r.body);
  EXPECT_TRUE(doc.ok());
  std::set<std::string> out;
  const auto* c = json::member(*doc, "citizen");
  if (!c || !c->IsObject()) return out;
  for (auto& m : c->GetObject()) out.insert(m.name.GetString());
  return out;
}

TEST(LookupService, FoundCitizenIsAnsweredAndAudited) {
  Harness h;
  const auto& c = h.citizen();
  auto r = h.service->handle(Harness::key(), h.body_for(c));
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = json::parse(r.body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*json::get_string(*doc, "result"), "found");
  EXPECT_EQ(*json::get_string(*json::member(*doc, "citizen"), "full_name"), c.full_name());
  EXPECT_EQ(*json::get_string(*json::at_path(*doc, "citizen.permanent_address"), "ward_code"),
            c.permanent_address.ward_code);
  EXPECT_EQ(header(r, "Cache-Control"), "no-store");

  auto entries = audit_entries(h);
  ASSERT_EQ(entries.size(), 2u);  // the intent, then the outcome
  EXPECT_EQ(entries[0].result, "intent");
  EXPECT_EQ(entries[0].lookup_id, entries[1].lookup_id);
  EXPECT_EQ(entries[0].subject, entries[1].subject);
  const auto& e = entries[1];
  EXPECT_EQ(e.account, "motcua-hanoi");
  EXPECT_EQ(e.official, "CB-0001");
  EXPECT_EQ(e.agency, "000.00.15.H26");
  EXPECT_EQ(e.purpose, "residence_check");
  EXPECT_EQ(e.dossier_code, "H26-0001");
  EXPECT_EQ(e.result, "found");
  EXPECT_EQ(e.at_ms, h.clock.now_ms());
  EXPECT_EQ(e.lookup_id, header(r, "X-Lookup-Id"));
  // The number appears only as its keyed pseudonym, after the id of the key.
  audit::Pseudonymiser key("0123456789abcdef0123456789abcdef-test-key");
  EXPECT_EQ(e.subject, key.key_id() + ":" + key.personal_id(c.personal_id));
  EXPECT_EQ(key.key_id().size(), 8u);
  EXPECT_EQ(audit::canonical_form(e).find(c.personal_id), std::string::npos);
}

TEST(LookupService, ResponseHoldsOnlyTheFieldsThePurposeAllows) {
  Harness h;
  const auto& c = h.citizen();
  auto residence = h.service->handle(Harness::key(), h.body_for(c, "residence_check"));
  ASSERT_EQ(residence.status, 200) << residence.body;
  EXPECT_EQ(citizen_members(residence),
            (std::set<std::string>{"full_name", "permanent_address", "current_address", "household_head"}));
  EXPECT_EQ(residence.body.find(c.date_of_birth), std::string::npos);
  EXPECT_EQ(residence.body.find("\"ethnicity\""), std::string::npos);

  auto identity = h.service->handle(Harness::key(), h.body_for(c, "identity_check"));
  ASSERT_EQ(identity.status, 200) << identity.body;
  EXPECT_EQ(citizen_members(identity), (std::set<std::string>{"full_name", "gender", "date_of_birth"}));
  EXPECT_EQ(identity.body.find(c.permanent_address.detail), std::string::npos);

  // A household member with a spouse, to see family fields for the family purpose only.
  const model::CitizenRecord* married = nullptr;
  for (auto& p : h.sim.population().citizens()) {
    if (p.spouse && p.father == std::nullopt) {
      married = &p;
      break;
    }
  }
  ASSERT_NE(married, nullptr);
  auto family = h.service->handle(Harness::key(testing::kOtherApiKey), h.body_for(*married, "family_check"));
  ASSERT_EQ(family.status, 200) << family.body;
  EXPECT_EQ(citizen_members(family), (std::set<std::string>{"full_name", "father", "mother", "spouse"}));
  EXPECT_NE(family.body.find(married->spouse->personal_id), std::string::npos);
  EXPECT_EQ(family.body.find(married->permanent_address.detail), std::string::npos);
}

TEST(LookupService, BadNumberIsRefusedWith400BeforeAnythingLeavesTheGateway) {
  Harness h;
  const auto& c = h.citizen();
  std::string wrong_year = c.personal_id;
  wrong_year[5] = wrong_year[5] == '9' ? '0' : static_cast<char>(wrong_year[5] + 1);
  auto r = h.service->handle(Harness::key(), Harness::body(wrong_year, c.full_name(), c.date_of_birth));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("digits 5-6"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"field\":\"personal_id\""), std::string::npos);
  EXPECT_EQ(r.body.find(wrong_year), std::string::npos);
  EXPECT_EQ(h.sim.lookups.load(), 0);
  auto entries = audit_entries(h);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].result, "refused_bad_number");

  auto short_number =
      h.service->handle(Harness::key(), Harness::body("00109001", c.full_name(), "1990-01-01"));
  EXPECT_EQ(short_number.status, 400);
  EXPECT_NE(short_number.body.find("exactly 12 digits"), std::string::npos);
  EXPECT_EQ(h.sim.lookups.load(), 0);
}

TEST(LookupService, MalformedBodyIsRefusedWithProblemJsonNamingTheField) {
  Harness h;
  auto r = h.service->handle(Harness::key(), R"({"personal_id":"001090012345","purpose":"residence_check"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(header(r, "Content-Type"), "application/problem+json");
  EXPECT_NE(r.body.find("\"field\":\"full_name\""), std::string::npos) << r.body;
  EXPECT_EQ(audit_entries(h).at(0).result, "refused_bad_request");
  EXPECT_EQ(audit_entries(h).at(0).detail, "field=full_name");
}

TEST(LookupService, PurposeNotGrantedToTheAccountIsRefusedWith403) {
  Harness h;
  const auto& c = h.citizen();
  auto r = h.service->handle(Harness::key(), h.body_for(c, "family_check"));
  EXPECT_EQ(r.status, 403);
  auto undefined = h.service->handle(Harness::key(), h.body_for(c, "marketing"));
  EXPECT_EQ(undefined.status, 403);
  EXPECT_EQ(h.sim.lookups.load(), 0);
  auto entries = audit_entries(h);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].result, "refused_purpose");
  EXPECT_EQ(entries[0].purpose, "family_check");
  EXPECT_EQ(entries[1].detail, "purpose not defined");
}

TEST(LookupService, UnknownCallerIsRefusedWith401AndAudited) {
  Harness h;
  const auto& c = h.citizen();
  auto none = h.service->handle(CallerCredentials{}, h.body_for(c));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(header(none, "WWW-Authenticate"), "ApiKey");
  auto wrong = h.service->handle(Harness::key("guessed-key"), h.body_for(c));
  EXPECT_EQ(wrong.status, 401);
  CallerCredentials cert;
  cert.cert_subject = "CN=someone-else,O=X,C=VN";
  EXPECT_EQ(h.service->handle(cert, h.body_for(c)).status, 401);
  EXPECT_EQ(h.sim.lookups.load(), 0);
  auto entries = audit_entries(h);
  ASSERT_EQ(entries.size(), 3u);
  for (auto& e : entries) {
    EXPECT_EQ(e.result, "refused_unknown_caller");
    EXPECT_EQ(e.account, "-");
  }
  EXPECT_EQ(entries[0].detail, "presented: no credential");
  EXPECT_EQ(entries[2].detail, "presented: client certificate");
}

TEST(LookupService, CertificateFingerprintIdentifiesTheAccount) {
  Harness h;
  CallerCredentials cert;
  cert.cert_fingerprint = std::string(testing::kCertFingerprint);
  EXPECT_EQ(h.service->handle(cert, h.body_for(h.citizen())).status, 200);
  EXPECT_EQ(audit_entries(h).at(0).account, "motcua-hanoi");
}

TEST(LookupService, RateLimitRefusesWith429AndRetryAfterThenRecovers) {
  Harness h;  // motcua-hanoi: 60/min, burst 5
  const auto& c = h.citizen();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(h.service->handle(Harness::key(), h.body_for(c)).status, 200);
  auto r = h.service->handle(Harness::key(), h.body_for(c));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "1");
  EXPECT_EQ(h.sim.lookups.load(), 5);
  // Another account has its own bucket.
  EXPECT_EQ(h.service->handle(Harness::key(testing::kOtherApiKey), h.body_for(c, "family_check")).status,
            200);
  h.clock.advance(Millis(1000));
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(c)).status, 200);
  EXPECT_EQ(outcomes(h).at(5).result, "refused_rate_limit");
}

TEST(LookupService, NotFoundAndMismatchAreDistinguished) {
  Harness h;
  const auto& c = h.citizen();
  std::string unknown = c.personal_id.substr(0, 6) + "999999";
  if (h.sim.population().find(unknown)) unknown = c.personal_id.substr(0, 6) + "999998";
  auto nf = h.service->handle(Harness::key(), Harness::body(unknown, c.full_name(), c.date_of_birth));
  EXPECT_EQ(nf.status, 404) << nf.body;
  auto mm = h.service->handle(Harness::key(), Harness::body(c.personal_id, "Tên Khác Hẳn", c.date_of_birth));
  EXPECT_EQ(mm.status, 422) << mm.body;
  EXPECT_EQ(mm.body.find("Tên Khác Hẳn"), std::string::npos);
  auto entries = outcomes(h);
  EXPECT_EQ(entries.at(0).result, "not_found");
  EXPECT_EQ(entries.at(1).result, "mismatch");
}

TEST(LookupService, RepeatedMissesFlagAndSlowTheAccount) {
  Harness h;  // threshold 3, slow interval 60 s
  std::vector<std::string> flagged_events;
  h.service->set_observer([&](const LookupEvent& e) {
    if (e.newly_flagged) flagged_events.push_back(e.account);
  });
  const auto& c = h.citizen();
  for (int i = 0; i < 3; ++i) {
    h.clock.advance(Millis(2000));  // stay within the rate limit
    auto r = h.service->handle(
        Harness::key(), Harness::body(c.personal_id, "Sai Tên " + std::string(1, static_cast<char>('A' + i)),
                                      c.date_of_birth));
    EXPECT_EQ(r.status, 422);
  }
  EXPECT_EQ(flagged_events, std::vector<std::string>{"motcua-hanoi"});
  auto entries = audit_entries(h);
  EXPECT_NE(entries.back().detail.find("newly_flagged"), std::string::npos);

  h.clock.advance(Millis(2000));
  auto slowed = h.service->handle(Harness::key(), h.body_for(c));
  EXPECT_EQ(slowed.status, 429);
  EXPECT_EQ(header(slowed, "Retry-After"), "58");
  EXPECT_EQ(audit_entries(h).back().result, "refused_enumeration");
  h.clock.advance(Millis(58'000));
  auto allowed = h.service->handle(Harness::key(), h.body_for(c));
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(audit_entries(h).back().detail, "flag=enumeration");
  // The other account is not affected.
  EXPECT_EQ(h.service->handle(Harness::key(testing::kOtherApiKey), h.body_for(c, "family_check")).status,
            200);
}

TEST(LookupService, AFlagSurvivesARestartWithItsSlowInterval) {
  Harness h;  // threshold 3, window 600 s, flag 3600 s, slow interval 60 s
  const auto& c = h.citizen();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.wrong_name_lookup().status, 422);
  h.clock.advance(Millis(10'000));
  EXPECT_EQ(h.restart(), 1u);
  auto slowed = h.service->handle(Harness::key(), h.body_for(c));
  EXPECT_EQ(slowed.status, 429) << slowed.body;
  EXPECT_EQ(header(slowed, "Retry-After"), "50");  // 60 s after the last admitted lookup
  h.clock.advance(Millis(50'000));
  auto allowed = h.service->handle(Harness::key(), h.body_for(c));
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(audit_entries(h).back().detail, "flag=enumeration");
  // The other account was never flagged.
  EXPECT_EQ(h.service->handle(Harness::key(testing::kOtherApiKey), h.body_for(c, "family_check")).status,
            200);
}

TEST(LookupService, MissesBeforeARestartStillCountTowardsAFlag) {
  Harness h;
  std::vector<std::string> flagged_events;
  for (int i = 0; i < 2; ++i) EXPECT_EQ(h.wrong_name_lookup().status, 422);
  EXPECT_EQ(h.restart(), 0u);
  h.service->set_observer([&](const LookupEvent& e) {
    if (e.newly_flagged) flagged_events.push_back(e.account);
  });
  EXPECT_EQ(h.wrong_name_lookup().status, 422);
  EXPECT_EQ(flagged_events, std::vector<std::string>{"motcua-hanoi"});
}

TEST(LookupService, AnExpiredFlagIsNotRestored) {
  Harness h;
  const auto& c = h.citizen();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.wrong_name_lookup().status, 422);
  h.clock.advance(Millis(3'601'000));
  EXPECT_EQ(h.restart(), 0u);
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(c)).status, 200);
  EXPECT_EQ(audit_entries(h).back().detail, "");
}

TEST(LookupService, UpstreamOutageIsA502AfterOneRetryAndIsAudited) {
  Harness h;
  h.sim.outage = true;
  auto r = h.service->handle(Harness::key(), h.body_for(h.citizen()));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(h.sim.lookups.load(), 2);  // first try and one retry
  EXPECT_EQ(outcomes(h).at(0).result, "upstream_error");
  EXPECT_EQ(outcomes(h).at(0).detail, "kind=server_error status=503");
}

TEST(LookupService, OneTransientFailureIsRetriedWithTheSameRequestId) {
  Harness h;
  h.sim.fail_next = 1;
  auto r = h.service->handle(Harness::key(), h.body_for(h.citizen()));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(h.sim.lookups.load(), 2);
  EXPECT_EQ(outcomes(h).at(0).detail, "attempts=2");
}

TEST(LookupService, AuditFailureWithholdsTheAnswer) {
  Harness h;
  ASSERT_TRUE(h.db->exec("DROP TABLE citizen_audit").ok());
  auto r = h.service->handle(Harness::key(), h.body_for(h.citizen()));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.find(h.citizen().full_name()), std::string::npos);
}

TEST(LookupService, EveryLookupExtendsOneIntactChain) {
  Harness h;
  const auto& c = h.citizen();
  h.service->handle(Harness::key(), h.body_for(c));
  h.service->handle(CallerCredentials{}, h.body_for(c));
  h.service->handle(Harness::key(), "garbage");
  auto report = h.audit->verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact);
  EXPECT_EQ(report->entries, 4);  // one lookup went upstream: its intent and outcome
  EXPECT_TRUE(report->unfinished.empty());
}

// A database that answers after `delay`, counting the calls that reach it and the most
// in flight at once; the simulator itself is called one at a time.
struct SlowDatabase {
  Harness& h;
  std::chrono::milliseconds delay;
  std::atomic<int> calls{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::mutex sim_mu;

  population::Sender sender() {
    return [this](http::ClientRequest req) -> Result<http::ClientResponse> {
      calls++;
      int now = ++in_flight;
      int seen = max_in_flight.load();
      while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(delay);
      Result<http::ClientResponse> out = [&] {
        std::lock_guard lock(sim_mu);
        return testing::sim_sender(h.sim)(std::move(req));
      }();
      --in_flight;
      return out;
    };
  }
};

std::string with_burst(std::string cfg, const std::string& burst) {
  auto at = cfg.find("\"burst\": 5");
  EXPECT_NE(at, std::string::npos);
  return cfg.replace(at, std::string("\"burst\": 5").size(), "\"burst\": " + burst);
}

// Issue 23, point 1: the guard counted misses after the answers came back, so parallel
// lookups all passed it while the first ones were still in flight.
TEST(LookupService, ParallelSequentialNumbersReachTheDatabaseAtMostThresholdTimes) {
  Harness h(with_burst(testing::config_json(), "100"));  // the guard alone must hold, threshold 3
  SlowDatabase db{h, std::chrono::milliseconds(150)};
  h.use_sender(db.sender());
  const auto& c = h.citizen();
  constexpr int kLookups = 12;
  std::vector<int> statuses(kLookups);
  std::vector<std::thread> threads;
  for (int i = 0; i < kLookups; ++i) {
    std::string id = c.personal_id.substr(0, 6) + std::to_string(900000 + i);  // sequential numbers
    threads.emplace_back([&, i, id] {
      statuses[static_cast<size_t>(i)] =
          h.service->handle(Harness::key(), Harness::body(id, "Nguyễn Văn A", c.date_of_birth)).status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(db.calls.load(), 3);
  EXPECT_GE(db.calls.load(), 1);
  int refused = 0;
  for (int s : statuses) refused += s == 429;
  EXPECT_EQ(refused, kLookups - db.calls.load());
  int in_flight_refusals = 0;
  for (auto& e : audit_entries(h)) {
    if (e.result == "refused_in_flight") {
      ++in_flight_refusals;
      EXPECT_EQ(e.detail, "limit=enumeration");
    }
  }
  EXPECT_EQ(in_flight_refusals, refused);
}

TEST(LookupService, ARefusedReservationIsGivenBackWhenTheAnswersAreIn) {
  Harness h(with_burst(testing::config_json(), "100"));
  SlowDatabase db{h, std::chrono::milliseconds(100)};
  h.use_sender(db.sender());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      ok += h.service->handle(Harness::key(), h.body_for(h.citizen(static_cast<size_t>(i)))).status == 200;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(db.max_in_flight.load(), 3);
  // Found answers are not misses: once they are in, the account may call again.
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(h.citizen(7))).status, 200);
}

TEST(LookupService, InFlightCapsPerAccountHoldWithManyThreads) {
  std::string cfg = with_burst(testing::config_json(R"(, "threshold": 1000)"), "100");
  cfg.insert(cfg.find("\"upstream\":"),
             R"("in_flight": {"per_account": 2, "per_agency": 10, "total": 10}, )");
  Harness h(cfg);
  SlowDatabase db{h, std::chrono::milliseconds(100)};
  h.use_sender(db.sender());
  std::vector<std::thread> threads;
  std::atomic<int> refused{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = h.service->handle(Harness::key(), h.body_for(h.citizen(static_cast<size_t>(i))));
      if (r.status == 429) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(db.max_in_flight.load(), 2);
  EXPECT_GE(refused.load(), 1);
  bool named = false;
  for (auto& e : audit_entries(h)) named = named || e.detail == "limit=account";
  EXPECT_TRUE(named);
}

TEST(LookupService, TotalInFlightCapHoldsAcrossAccounts) {
  std::string cfg = with_burst(testing::config_json(R"(, "threshold": 1000)"), "100");
  cfg.insert(cfg.find("\"upstream\":"),
             R"("in_flight": {"per_account": 10, "per_agency": 10, "total": 1}, )");
  Harness h(cfg);
  SlowDatabase db{h, std::chrono::milliseconds(100)};
  h.use_sender(db.sender());
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      if (i % 2) {
        h.service->handle(Harness::key(), h.body_for(h.citizen(static_cast<size_t>(i))));
      } else {
        h.service->handle(Harness::key(testing::kOtherApiKey),
                          h.body_for(h.citizen(static_cast<size_t>(i)), "family_check"));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(db.max_in_flight.load(), 1);
  EXPECT_GE(db.calls.load(), 1);
}

// Issue 23, point 3: the entry was written after the database had been asked.
TEST(LookupService, IntentIsCommittedBeforeTheDatabaseIsAsked) {
  Harness h;
  std::vector<audit::AuditEntry> seen_at_call;
  h.use_sender([&](http::ClientRequest req) -> Result<http::ClientResponse> {
    seen_at_call = audit_entries(h);
    return testing::sim_sender(h.sim)(std::move(req));
  });
  auto r = h.service->handle(Harness::key(), h.body_for(h.citizen()));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(seen_at_call.size(), 1u);
  EXPECT_EQ(seen_at_call[0].result, "intent");
  EXPECT_EQ(seen_at_call[0].lookup_id, header(r, "X-Lookup-Id"));
  EXPECT_EQ(seen_at_call[0].account, "motcua-hanoi");
  EXPECT_EQ(audit_entries(h).back().result, "found");
}

TEST(LookupService, NoIntentNoCall) {
  Harness h;
  // The store refuses new entries (as a full disk or a lost connection would).
  ASSERT_TRUE(h.db->exec("CREATE TRIGGER no_append BEFORE INSERT ON citizen_audit BEGIN SELECT RAISE(ABORT, "
                         "'store unavailable'); END")
                  .ok());
  auto r = h.service->handle(Harness::key(), h.body_for(h.citizen()));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(h.sim.lookups.load(), 0);
  EXPECT_EQ(r.body.find(h.citizen().full_name()), std::string::npos);
  // The reservation was given back: once the store works, the account is not blocked.
  ASSERT_TRUE(h.db->exec("DROP TRIGGER no_append").ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.wrong_name_lookup(static_cast<size_t>(i)).status, 422);
}

TEST(LookupService, AnIntentWithoutOutcomeIsUnfinishedAndCountsAsAMissAfterARestart) {
  Harness h;  // threshold 3
  // The gateway dies during the call: the database was asked, no outcome was written.
  h.use_sender(
      [&](http::ClientRequest) -> Result<http::ClientResponse> { throw std::runtime_error("crash"); });
  EXPECT_THROW(h.service->handle(Harness::key(), h.body_for(h.citizen())), std::runtime_error);
  auto report = h.audit->verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact);
  ASSERT_EQ(report->unfinished.size(), 1u);
  EXPECT_EQ(report->unfinished[0].first, 1);
  EXPECT_NE(audit::report_json(*report).find("\"unfinished\":[{\"seq\":1,"), std::string::npos);

  h.use_sender(testing::sim_sender(h.sim));
  h.clock.advance(Millis(2000));
  EXPECT_EQ(h.restart(), 0u);
  // The unfinished call and two misses make three: the account is flagged.
  EXPECT_EQ(h.wrong_name_lookup(1).status, 422);
  EXPECT_EQ(h.wrong_name_lookup(2).status, 422);
  EXPECT_NE(audit_entries(h).back().detail.find("newly_flagged"), std::string::npos);
  // Its outcome never comes; the later lookups are finished.
  report = h.audit->verify();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->unfinished.size(), 1u);
}

TEST(LookupService, DateOfBirthInTheFutureIsRefusedAndNotForwarded) {
  Harness h;
  const auto& c = h.citizen();
  auto r = h.service->handle(Harness::key(), Harness::body(c.personal_id, c.full_name(), "2099-05-17"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"field\":\"date_of_birth\""), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("2099"), std::string::npos) << r.body;
  EXPECT_EQ(h.sim.lookups.load(), 0);
}

TEST(LookupService, RepeatedFoundLookupsOfOneCitizenByOneAccountAreFlagged) {
  std::string cfg = with_burst(testing::config_json(), "100");
  cfg.insert(cfg.find("\"upstream\":"), R"("repeat": {"threshold": 2, "window_seconds": 3600}, )");
  Harness h(cfg);
  int repeated_events = 0;
  h.service->set_observer([&](const LookupEvent& e) { repeated_events += e.repeated_subject; });
  const auto& c = h.citizen();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(c)).status, 200);
  EXPECT_EQ(outcomes(h).back().detail, "");
  // Another citizen, and the same citizen by another account, count apart.
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(h.citizen(1))).status, 200);
  EXPECT_EQ(h.service->handle(Harness::key(testing::kOtherApiKey), h.body_for(c, "family_check")).status,
            200);
  EXPECT_EQ(outcomes(h).back().detail, "");
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(c)).status, 200);  // the third: flagged, not refused
  EXPECT_EQ(outcomes(h).back().detail, "flag=repeated_subject count=3");
  EXPECT_EQ(repeated_events, 1);
  h.clock.advance(Millis(3'600'001));  // out of the window
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(c)).status, 200);
  EXPECT_EQ(outcomes(h).back().detail, "");
}

TEST(LookupService, EachEntryRecordsTheCredentialTheSourceAndTheNamedOfficial) {
  Harness h;
  auto caller = Harness::key();
  caller.source_address = "10.20.30.40";
  caller.named_official = "CB-0777";
  ASSERT_EQ(h.service->handle(caller, h.body_for(h.citizen())).status, 200);
  for (const auto& e : audit_entries(h)) {  // the intent and the outcome
    EXPECT_EQ(e.credential, "key:" + audit::sha256_hex(testing::kApiKey).substr(0, 16));
    EXPECT_EQ(e.source, "10.20.30.40");
    EXPECT_EQ(e.named_official, "CB-0777");
    EXPECT_EQ(e.official, "CB-0001");  // the account's official, as before
  }
  CallerCredentials cert;
  cert.cert_fingerprint = testing::kCertFingerprint;
  cert.api_key = testing::kOtherApiKey;   // a known certificate wins, and is what is recorded
  cert.named_official = "Nguyễn Văn An";  // free text is not written to the audit
  h.service->handle(cert, h.body_for(h.citizen()));
  EXPECT_EQ(audit_entries(h).back().credential, "cert:" + normalise_fingerprint(testing::kCertFingerprint));
  EXPECT_EQ(audit_entries(h).back().named_official, "(malformed)");
  // An unknown key is recorded by its id too, never in clear.
  h.service->handle(Harness::key("an-unknown-key-0123456789abcdef0123456789"), h.body_for(h.citizen()));
  EXPECT_EQ(audit_entries(h).back().result, "refused_unknown_caller");
  EXPECT_EQ(audit_entries(h).back().credential,
            "key:" + audit::sha256_hex("an-unknown-key-0123456789abcdef0123456789").substr(0, 16));
  auto report = h.audit->verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact);
}

TEST(LookupService, TheStartUpReplaySkipsTheEntriesOfUnknownCallers) {
  Harness h;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.wrong_name_lookup(static_cast<size_t>(i)).status, 422);
  // 300 strangers from 300 addresses: each refusal audited on its own up to max_callers.
  for (int i = 0; i < 300; ++i) {
    CallerCredentials stranger;
    stranger.source_address = "198.51.100." + std::to_string(i % 256) + ":" + std::to_string(1000 + i);
    EXPECT_EQ(h.service->handle(stranger, "{}").status, 401);
  }
  EXPECT_EQ(h.restart(), 1u);                    // the flag is rebuilt
  EXPECT_EQ(h.service->replayed_entries(), 6u);  // three intents and three outcomes, no stranger
}

TEST(LookupService, ARotatedPseudonymKeyIsNamedInEachEntry) {
  Harness h;
  ASSERT_EQ(h.service->handle(Harness::key(), h.body_for(h.citizen())).status, 200);
  std::string before = audit_entries(h).back().subject;
  // The operator rotates the key and names it.
  std::string text = testing::config_json();
  text.insert(text.find("\"purposes\""), R"("pseudonym_key_id": "2026b", )");
  h.config_text = text;
  setenv("LT_TEST_PSEUDONYM_KEY_2", "fedcba9876543210fedcba9876543210-rotated", 1);
  auto at = h.config_text.find("LT_TEST_PSEUDONYM_KEY");
  h.config_text.replace(at, 21, "LT_TEST_PSEUDONYM_KEY_2");
  auto cfg = ConfigFile::from_string(h.config_text, LIENTHONG_SOURCE_DIR);
  h.service =
      std::make_unique<LookupService>(parse_citizen_config(cfg->root()), *h.registry, *h.audit, h.clock);
  h.clock.advance(std::chrono::seconds(2));
  ASSERT_EQ(h.service->handle(Harness::key(), h.body_for(h.citizen())).status, 200);
  std::string after = audit_entries(h).back().subject;
  EXPECT_EQ(after.substr(0, 6), "2026b:");
  EXPECT_EQ(
      after.substr(6),
      audit::Pseudonymiser("fedcba9876543210fedcba9876543210-rotated").personal_id(h.citizen().personal_id));
  // The entry before keeps its own key's id: whoever holds each key finds both lookups.
  EXPECT_EQ(before.substr(0, before.find(':')),
            audit::Pseudonymiser("0123456789abcdef0123456789abcdef-test-key").key_id());
  EXPECT_NE(before.substr(before.find(':') + 1), after.substr(6));
  EXPECT_TRUE(h.audit->verify()->intact);
}

}  // namespace
}  // namespace lienthong::citizen
