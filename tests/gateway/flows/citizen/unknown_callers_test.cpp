// The gate in front of unknown callers: per-source and total throttles, one audited
// refusal per caller per window, bounded tallies; and the lookup service using it.
#include "gateway/flows/citizen/unknown_callers.hpp"

#include <gtest/gtest.h>

#include "tests/gateway/flows/citizen/citizen_fixture.hpp"

namespace lienthong::citizen {
namespace {

using testing::Harness;

TEST(SourceKey, DropsThePortAndCutsIpv6ToItsSlash64) {
  EXPECT_EQ(source_key("10.1.2.3:5555"), "10.1.2.3");
  EXPECT_EQ(source_key("10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(source_key("[2001:db8:1:2:3:4:5:6]:443"), "2001:db8:1:2::/64");
  EXPECT_EQ(source_key("2001:db8:1:2:aaaa::1:443"), "2001:db8:1:2::/64");  // as the server writes it
  EXPECT_EQ(source_key("2001:db8:1:2:ffff::9"), "2001:db8:1:2::/64");      // same subscriber, same key
  EXPECT_EQ(source_key("::ffff:10.0.0.1:80"), "::ffff:10.0.0.1");          // v4-mapped stays one address
  EXPECT_EQ(source_key("not an address"), "not an address");
  EXPECT_EQ(source_key(""), "");
}

UnknownCallerOptions small() {
  UnknownCallerOptions o;
  o.per_source = 3;
  o.total = 5;
  o.window = std::chrono::seconds(60);
  o.max_callers = 3;
  return o;
}

TEST(UnknownCallerGate, AuditsTheFirstRefusalOfACallerAndThrottlesASourceBeyondItsLimit) {
  ManualClock clock(600'000);  // on a window boundary
  UnknownCallerGate gate(small(), clock);
  auto first = gate.refuse("10.0.0.1:1000", "key:aa");
  EXPECT_TRUE(first.audit);
  EXPECT_FALSE(first.throttled);
  EXPECT_FALSE(gate.refuse("10.0.0.1:1001", "key:aa").audit);  // another port, the same caller
  auto other_key = gate.refuse("10.0.0.1:1002", "key:bb");
  EXPECT_TRUE(other_key.audit);  // another credential: another caller
  EXPECT_FALSE(other_key.throttled);
  clock.advance(std::chrono::seconds(20));
  auto fourth = gate.refuse("10.0.0.1:1003", "key:aa");
  EXPECT_TRUE(fourth.throttled);  // the fourth from this address
  EXPECT_EQ(fourth.retry_after_ms, 40'000);
  EXPECT_FALSE(gate.refuse("10.0.0.2:1", "").throttled);  // another address still has room
  EXPECT_TRUE(gate.take_ended().empty());                 // the window has not ended
}

TEST(UnknownCallerGate, ThrottlesAllUnknownCallersBeyondTheTotal) {
  ManualClock clock(600'000);
  UnknownCallerGate gate(small(), clock);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(gate.refuse("10.0.1." + std::to_string(i), "").throttled);
  EXPECT_TRUE(gate.refuse("10.0.1.99", "").throttled);
  clock.advance(std::chrono::seconds(60));
  EXPECT_FALSE(gate.refuse("10.0.1.99", "").throttled);  // a new window
}

TEST(UnknownCallerGate, SumsEachCallersRefusalsOnceItsWindowEndsAndBoundsTheCallersToldApart) {
  ManualClock clock(600'000);
  UnknownCallerGate gate(small(), clock);
  for (int i = 0; i < 7; ++i) gate.refuse("10.0.0.1:1", "key:aa");
  gate.refuse("10.0.0.2:1", "");  // a single refusal: audited, nothing to sum
  gate.refuse("10.0.0.3:1", "");
  // Beyond max_callers (3), new callers share one tally.
  auto shared = gate.refuse("10.0.0.4:1", "key:cc");
  EXPECT_TRUE(shared.audit);
  EXPECT_FALSE(gate.refuse("10.0.0.5:1", "key:dd").audit);
  clock.advance(std::chrono::seconds(61));
  auto ended = gate.take_ended();
  ASSERT_EQ(ended.size(), 2u);
  std::map<std::string, RefusalTally> by_source;
  for (auto& t : ended) by_source[t.source] = t;
  EXPECT_EQ(by_source["10.0.0.1"].refusals, 7);
  EXPECT_EQ(by_source["10.0.0.1"].throttled, 4);
  EXPECT_EQ(by_source["10.0.0.1"].credential, "key:aa");
  EXPECT_EQ(by_source["10.0.0.1"].window_start_ms, 600'000);
  EXPECT_EQ(by_source["*"].refusals, 2);
  EXPECT_EQ(by_source["*"].credential, "*");
  EXPECT_TRUE(gate.take_ended().empty());  // taken once
}

TEST(UnknownCallerGate, TakesTheOpenWindowWhenAskedForAllAndDoesNotSumItTwice) {
  ManualClock clock(600'000);
  UnknownCallerGate gate(small(), clock);
  gate.refuse("10.0.0.1:1", "");
  gate.refuse("10.0.0.1:1", "");
  auto all = gate.take_ended(true);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].refusals, 2);
  clock.advance(std::chrono::seconds(61));
  EXPECT_TRUE(gate.take_ended().empty());
}

std::vector<audit::AuditEntry> entries(Harness& h) {
  return std::move(h.audit->all()).value();
}

CallerCredentials stranger(const std::string& source, const std::string& key = "") {
  CallerCredentials c;
  c.source_address = source;
  if (!key.empty()) c.api_key = key;
  return c;
}

TEST(LookupServiceUnknownCallers, AFloodFromOneAddressWritesOneEntryThenOneSumAndIsThrottled) {
  Harness h;
  h.clock.set_ms(1'700'000'050'000);  // in the window of 60 s from ...040'000
  int unauthorised = 0, throttled = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = h.service->handle(
        stranger("198.51.100.7:" + std::to_string(40000 + i), "guess-" + std::to_string(i % 2)), "{}");
    if (r.status == 401) ++unauthorised;
    if (r.status == 429) {
      ++throttled;
      EXPECT_NE(r.body.find("throttled_unknown_caller"), std::string::npos);
    }
  }
  EXPECT_EQ(unauthorised, 20);  // per_source default
  EXPECT_EQ(throttled, 980);
  EXPECT_EQ(entries(h).size(), 2u);  // the first refusal of each of the two keys
  // A registered account is served during the flood.
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(h.citizen())).status, 200);
  EXPECT_EQ(h.sim.lookups.load(), 1);
  h.clock.advance(std::chrono::seconds(60));
  EXPECT_EQ(h.service->handle(Harness::key(), h.body_for(h.citizen(1))).status, 200);
  auto all = entries(h);
  int sums = 0;
  int64_t refusals = 0;
  for (auto& e : all) {
    if (e.result != kRefusalsAggregated) continue;
    ++sums;
    EXPECT_EQ(e.account, "-");
    EXPECT_EQ(e.source, "198.51.100.7");
    EXPECT_EQ(e.credential.rfind("key:", 0), 0u);
    auto at = e.detail.find("refusals=");
    ASSERT_NE(at, std::string::npos);
    refusals += std::stoll(e.detail.substr(at + 9));
    EXPECT_NE(e.detail.find("window_start=2023-11-15T05:14:00+07:00"), std::string::npos) << e.detail;
  }
  EXPECT_EQ(sums, 2);
  EXPECT_EQ(refusals, 1000);  // every refusal is accounted for
  EXPECT_TRUE(h.audit->verify()->intact);
}

TEST(LookupServiceUnknownCallers, ManyAddressesAddAtMostMaxCallersEntriesAndOneSharedSum) {
  Harness h(testing::config_json().insert(testing::config_json().rfind('}'),
                                          R"(,"unknown_callers":{"max_callers":10,"total":100000})"));
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(
        h.service->handle(stranger("203.0.113." + std::to_string(i % 250) + ":1", std::to_string(i)), "{}")
            .status,
        401);
  }
  EXPECT_EQ(entries(h).size(), 11u);  // ten callers told apart, the eleventh is everyone else
  h.restart();                        // the service that ends writes what it counted
  auto all = entries(h);
  ASSERT_EQ(all.size(), 12u);
  EXPECT_EQ(all.back().result, kRefusalsAggregated);
  EXPECT_EQ(all.back().source, "*");
  EXPECT_NE(all.back().detail.find("refusals=490 "), std::string::npos) << all.back().detail;
}

TEST(LookupServiceUnknownCallers, ThrottledCallersAreNotParsedNorGivenALookupId) {
  Harness h;
  for (int i = 0; i < 20; ++i) h.service->handle(stranger("192.0.2.1:1"), "{}");
  auto r = h.service->handle(stranger("192.0.2.1:1"), h.body_for(h.citizen()));
  EXPECT_EQ(r.status, 429);
  EXPECT_FALSE(r.headers.empty());
  for (auto& [k, v] : r.headers) EXPECT_NE(k, "X-Lookup-Id");
  EXPECT_EQ(r.body.find("lookup_id"), std::string::npos);
  EXPECT_EQ(r.body.find(h.citizen().personal_id), std::string::npos);
}

}  // namespace
}  // namespace lienthong::citizen
