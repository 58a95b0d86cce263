// Recovering the payment platform's transactions by one signed QUERY per open INIT from its
// simulator, through outages, gives exactly the transactions of the period; GET_BILL gives
// the receipt; the simulator refuses a wrong MaXacThuc as the contract page says.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "adapters/payment_platform/payment_platform.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/http/http_client.hpp"
#include "sim/payment_platform/payment_platform_sim.hpp"
#include "sim/recon/recon_data.hpp"

namespace lienthong::sim {
namespace {

namespace fs = std::filesystem;
namespace pp = payment_platform;

reconciliation::Day day(const std::string& s) {
  return static_cast<reconciliation::Day>(*vn_time::parse_date(s));
}

class PullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test: ctest runs the tests of this binary in parallel.
    dir_ = fs::path(::testing::TempDir()) /
           ("recon_pull_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    ReconDataOptions o;
    o.size = 120;
    o.discrepancies = 0;
    o.out_dir = dir_.string();
    manifest_ = generate_recon_data(o);
    auto ledger = pp::read_init_ledger((dir_ / "inits.jsonl").string(), "sim-secret", nullptr);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message;
    ledger_ = std::move(ledger).value();
  }
  pp::PlatformEndpoint endpoint(uint16_t port) const {
    pp::PlatformEndpoint e;
    e.base_url = "http://127.0.0.1:" + std::to_string(port);
    e.partner_code = "H12";
    e.secret = "sim-secret";
    e.retry_backoff = std::chrono::milliseconds(1);
    return e;
  }
  fs::path dir_;
  ReconDataManifest manifest_;
  pp::InitLedger ledger_;
};

TEST_F(PullTest, QueriesEveryOpenInitThroughOutagesAndWritesEveryTransactionOfThePeriod) {
  ASSERT_EQ(ledger_.by_ref.size(), 120u);
  PaymentPlatformSim sim({(dir_ / "payments.jsonl").string(), 0, /*fail_every=*/3});
  uint16_t port = sim.start();
  http::HttpClient client;
  std::string out = (dir_ / "pulled.jsonl").string();
  auto n =
      pp::pull_transactions(client, endpoint(port), ledger_, {}, day(manifest_.from), day(manifest_.to), out);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->written, 120);
  EXPECT_GT(sim.requests(), 120);  // one QUERY per INIT plus retried outages
  // Every paid transaction carries the receipt GET_BILL gave, through the same outages.
  int64_t paid = 0;
  {
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      auto t = pp::parse_transaction(line);
      ASSERT_TRUE(t.ok()) << t.error().message;
      if (t->status != 1) {
        EXPECT_TRUE(t->receipt_no.empty());
        continue;
      }
      ++paid;
      EXPECT_EQ(t->receipt_no, "BL" + t->transaction_id);
      EXPECT_NE(t->receipt_url.find(t->transaction_id), std::string::npos);
    }
  }
  EXPECT_GT(paid, 0);
  EXPECT_EQ(n->receipts, paid);
  EXPECT_EQ(n->receipts_missing, 0);
  reconciliation::Dataset a, b;
  ASSERT_TRUE(pp::read_transactions(out, a).ok());
  ASSERT_TRUE(pp::read_transactions((dir_ / "payments.jsonl").string(), b).ok());
  ASSERT_EQ(a.payments().size(), b.payments().size());
  std::set<std::string> got, want;
  for (const auto& p : a.payments())
    got.insert(std::string(p.ref) + "/" + std::string(a.dossiers().get(p.dossier)));
  for (const auto& p : b.payments())
    want.insert(std::string(p.ref) + "/" + std::string(b.dossiers().get(p.dossier)));
  EXPECT_EQ(got, want);  // the dossier comes from the INIT
  // Settled INITs (a final confirmation stored) are not queried again.
  std::vector<std::string> settled;
  for (const auto& [ref, init] : ledger_.by_ref) settled.push_back(ref);
  settled.resize(100);
  auto rest = pp::pull_transactions(client, endpoint(port), ledger_, settled, day(manifest_.from),
                                    day(manifest_.to), out);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->written, 20);
  // A narrower period keeps only its days.
  auto one = pp::pull_transactions(client, endpoint(port), ledger_, {}, day(manifest_.from),
                                   day(manifest_.from), out);
  ASSERT_TRUE(one.ok());
  EXPECT_LT(one->written, 120);
  EXPECT_GT(one->written, 0);
}

TEST_F(PullTest, AFailingGetBillLeavesTheReceiptOutCountsItAndKeepsEveryTransaction) {
  PaymentPlatformSim sim({(dir_ / "payments.jsonl").string(), 0, 0});
  uint16_t port = sim.start();
  http::HttpClient client;
  auto e = endpoint(port);
  e.get_bill_path = "/no-such-path";  // the platform answers 404
  e.max_attempts = 1;
  std::string out = (dir_ / "nobill.jsonl").string();
  auto n = pp::pull_transactions(client, e, ledger_, {}, day(manifest_.from), day(manifest_.to), out);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->written, 120);
  EXPECT_EQ(n->receipts, 0);
  EXPECT_GT(n->receipts_missing, 0);
  EXPECT_NE(n->first_receipt_error.find("GET_BILL"), std::string::npos) << n->first_receipt_error;
  reconciliation::Dataset a;
  ASSERT_TRUE(pp::read_transactions(out, a).ok());
  EXPECT_EQ(a.payments().size(), 120u);
  // Without fetch_receipts only QUERY is sent: one request per INIT.
  int64_t before = sim.requests();
  e.fetch_receipts = false;
  auto m = pp::pull_transactions(client, e, ledger_, {}, day(manifest_.from), day(manifest_.to), out);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->receipts_missing, 0);
  EXPECT_EQ(sim.requests() - before, 120);
}

TEST_F(PullTest, PersistentOutageFailsWithoutLeavingAPartialFile) {
  PaymentPlatformSim sim({(dir_ / "payments.jsonl").string(), 0, /*fail_every=*/1});
  uint16_t port = sim.start();
  http::HttpClient client;
  auto e = endpoint(port);
  e.max_attempts = 2;
  std::string out = (dir_ / "never.jsonl").string();
  auto n = pp::pull_transactions(client, e, ledger_, {}, day(manifest_.from), day(manifest_.to), out);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, ErrorKind::kServer);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".part"));
}

TEST_F(PullTest, WrongSecretIsRefusedByTheSimulatorAndTheRunFailsLoudly) {
  PaymentPlatformSim sim({(dir_ / "payments.jsonl").string(), 0, 0});
  uint16_t port = sim.start();
  http::HttpClient client;
  auto e = endpoint(port);
  e.secret = "wrong";
  std::string out = (dir_ / "wrong.jsonl").string();
  auto n = pp::pull_transactions(client, e, ledger_, {}, day(manifest_.from), day(manifest_.to), out);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("MaLoi 99"), std::string::npos) << n.error().message;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(PullTest, InitIsAcceptedOnlyWithTheRightChecksumAndGetBillGivesTheReceipt) {
  PaymentPlatformSim sim({(dir_ / "payments.jsonl").string(), 0, 0});
  uint16_t port = sim.start();
  http::HttpClient client;
  const auto& init = ledger_.by_ref.begin()->second;
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/init";
  auto ok = client.send({"POST", url, {{"Content-Type", "application/json"}}, pp::to_json(init)});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("\"MaLoi\":\"00\""), std::string::npos) << ok->body;
  pp::Init forged = init;
  forged.amount += 1000;  // checksum kept
  auto bad = client.send({"POST", url, {{"Content-Type", "application/json"}}, pp::to_json(forged)});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 200);
  EXPECT_NE(bad->body.find("\"MaLoi\":\"99\""), std::string::npos) << bad->body;
  EXPECT_EQ(sim.inits(), 1);
  // The receipt of a paid transaction.
  auto conf = pp::parse_confirmation(sim.confirmation_for(init.partner_ref), "sim-secret");
  ASSERT_TRUE(conf.ok()) << conf.error().message;  // the simulator signs the public way
  auto bill = pp::get_bill(client, endpoint(port), init.partner_ref, conf->transaction_id);
  ASSERT_TRUE(bill.ok()) << bill.error().message;
  EXPECT_EQ(bill->transaction_id, conf->transaction_id);
  EXPECT_FALSE(bill->receipt_url.empty());
  auto e = endpoint(port);
  e.secret = "wrong";
  EXPECT_FALSE(pp::get_bill(client, e, init.partner_ref, conf->transaction_id).ok());
}

TEST_F(PullTest, BearerTokenIsSentWhenConfigured) {
  PaymentPlatformSimOptions o{(dir_ / "payments.jsonl").string(), 0, 0};
  o.bearer_token = "tok";
  PaymentPlatformSim sim(o);
  uint16_t port = sim.start();
  http::HttpClient client;
  auto e = endpoint(port);
  e.max_attempts = 1;
  std::string out = (dir_ / "bearer.jsonl").string();
  auto refused = pp::pull_transactions(client, e, ledger_, {}, day(manifest_.from), day(manifest_.to), out);
  ASSERT_FALSE(refused.ok());
  e.bearer_token = "tok";
  auto n = pp::pull_transactions(client, e, ledger_, {}, day(manifest_.from), day(manifest_.to), out);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->written, 120);
}

}  // namespace
}  // namespace lienthong::sim
