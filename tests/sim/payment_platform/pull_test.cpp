// Pulling the payment platform's transactions page by page from its simulator, through
// outages, gives exactly the transactions of the period.
#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/payment_platform/payment_platform.hpp"
#include "gateway/common/vn_time.hpp"
#include "gateway/http/http_client.hpp"
#include "sim/payment_platform/payment_platform_sim.hpp"
#include "sim/recon/recon_data.hpp"

namespace lienthong::sim {
namespace {

namespace fs = std::filesystem;

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
  }
  fs::path dir_;
  ReconDataManifest manifest_;
};

TEST_F(PullTest, PagesThroughOutagesAndWritesEveryTransactionOfThePeriod) {
  PaymentPlatformSim sim({(dir_ / "payments.jsonl").string(), 0, /*fail_every=*/3});
  uint16_t port = sim.start();
  http::HttpClient client;
  payment_platform::PullOptions po;
  po.base_url = "http://127.0.0.1:" + std::to_string(port);
  po.partner_code = "H12";
  po.page_size = 7;
  po.retry_backoff = std::chrono::milliseconds(1);
  std::string out = (dir_ / "pulled.jsonl").string();
  auto n = payment_platform::pull_transactions(client, po, day(manifest_.from), day(manifest_.to), out);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 120);
  EXPECT_GT(sim.requests(), 18);  // 18 pages plus retried outages
  reconciliation::Dataset a, b;
  ASSERT_TRUE(payment_platform::read_transactions(out, a).ok());
  ASSERT_TRUE(payment_platform::read_transactions((dir_ / "payments.jsonl").string(), b).ok());
  ASSERT_EQ(a.payments().size(), b.payments().size());
  for (size_t i = 0; i < a.payments().size(); ++i) EXPECT_EQ(a.payments()[i].ref, b.payments()[i].ref);
  // A narrower period pulls only its days.
  auto one = payment_platform::pull_transactions(client, po, day(manifest_.from), day(manifest_.from), out);
  ASSERT_TRUE(one.ok());
  EXPECT_LT(*one, 120);
  EXPECT_GT(*one, 0);
}

TEST_F(PullTest, PersistentOutageFailsWithoutLeavingAPartialFile) {
  PaymentPlatformSim sim({(dir_ / "payments.jsonl").string(), 0, /*fail_every=*/1});
  uint16_t port = sim.start();
  http::HttpClient client;
  payment_platform::PullOptions po;
  po.base_url = "http://127.0.0.1:" + std::to_string(port);
  po.max_attempts = 2;
  po.retry_backoff = std::chrono::milliseconds(1);
  std::string out = (dir_ / "never.jsonl").string();
  auto n = payment_platform::pull_transactions(client, po, day(manifest_.from), day(manifest_.to), out);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, ErrorKind::kServer);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".part"));
}

}  // namespace
}  // namespace lienthong::sim
