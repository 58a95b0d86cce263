// Pulling the State Treasury's credit records page by page from its simulator, behind its
// bearer token and through outages, reads exactly what the export file of the same data set
// holds; a page that cannot be had or read fails the pull.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "adapters/treasury/treasury.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/server/http_server.hpp"
#include "sim/recon/recon_data.hpp"
#include "sim/treasury/treasury_sim.hpp"

namespace lienthong::sim {
namespace {

namespace fs = std::filesystem;
using reconciliation::Day;

constexpr const char* kToken = "kbnn-test-token";

Day day(const std::string& s) {
  return static_cast<Day>(*vn_time::parse_date(s));
}

class TreasuryPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test: ctest runs the tests of this binary in parallel.
    dir_ = fs::path(::testing::TempDir()) /
           ("kbnn_pull_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    ReconDataOptions o;
    o.size = 120;
    o.discrepancies = 12;
    o.malformed = 6;  // three in bank.csv, three in treasury.xml
    o.out_dir = dir_.string();
    manifest_ = generate_recon_data(o);
  }
  TreasurySimOptions sim_options(int fail_every = 0, int malformed_page = 0) const {
    return {(dir_ / "treasury.xml").string(), kToken, 0, fail_every, malformed_page};
  }
  treasury::PullOptions pull_options(uint16_t port, int page_size = 7) const {
    treasury::PullOptions po;
    po.base_url = "http://127.0.0.1:" + std::to_string(port);
    po.token = kToken;
    po.page_size = page_size;
    po.retry_backoff = std::chrono::milliseconds(1);
    return po;
  }
  fs::path dir_;
  ReconDataManifest manifest_;
};

TEST_F(TreasuryPullTest, PagesThroughOutagesAndReadsWhatTheFileHolds) {
  TreasurySim sim(sim_options(/*fail_every=*/3));
  uint16_t port = sim.start();
  http::HttpClient client;
  reconciliation::Dataset pulled, file;
  auto s = treasury::pull_credits(client, pull_options(port), day(manifest_.from), day(manifest_.to), pulled);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(treasury::read_credits((dir_ / "treasury.xml").string(), file).ok());

  const size_t records = sim.records();
  EXPECT_EQ(s->pages, static_cast<int>((records + 6) / 7));
  EXPECT_GT(sim.requests(), s->pages);  // the injected 503s were retried
  ASSERT_EQ(pulled.treasury().size(), file.treasury().size());
  ASSERT_GT(file.treasury().size(), 100u);
  for (size_t i = 0; i < file.treasury().size(); ++i) {
    EXPECT_EQ(pulled.treasury()[i].ref, file.treasury()[i].ref) << i;
    EXPECT_EQ(pulled.treasury()[i].amount, file.treasury()[i].amount) << i;
    EXPECT_EQ(pulled.treasury()[i].day, file.treasury()[i].day) << i;
    EXPECT_EQ(pulled.treasury()[i].refund, file.treasury()[i].refund) << i;
  }
  // The malformed records of the data set are issues naming the page and its line.
  ASSERT_EQ(pulled.issues().size(), file.issues().size());
  ASSERT_EQ(pulled.issues().size(), 3u);
  for (const auto& issue : pulled.issues()) {
    EXPECT_EQ(issue.file.rfind("treasury API page ", 0), 0u) << issue.file;
    EXPECT_GE(issue.line, 3u);  // after the declaration and the root tag
    EXPECT_LE(issue.line, 9u);  // within a page of 7 records
  }

  // The same answers give the same checksum; another period gives other pages.
  reconciliation::Dataset again, one_day;
  auto s2 = treasury::pull_credits(client, pull_options(port), day(manifest_.from), day(manifest_.to), again);
  ASSERT_TRUE(s2.ok()) << s2.error().message;
  EXPECT_EQ(s2->sha256, s->sha256);
  EXPECT_EQ(s2->bytes, s->bytes);
  EXPECT_EQ(s->sha256.size(), 64u);
  Day first = day(manifest_.from) + 1;  // the earliest day credits are booked on
  auto s3 = treasury::pull_credits(client, pull_options(port, 500), first, first, one_day);
  ASSERT_TRUE(s3.ok()) << s3.error().message;
  EXPECT_NE(s3->sha256, s->sha256);
  EXPECT_EQ(s3->pages, 1);
  ASSERT_FALSE(one_day.treasury().empty());
  EXPECT_LT(one_day.treasury().size(), file.treasury().size());
  for (const auto& c : one_day.treasury()) EXPECT_EQ(c.day, first);
}

TEST_F(TreasuryPullTest, WithoutTheTokenTheTreasuryRefusesAndNothingIsRetried) {
  TreasurySim sim(sim_options());
  uint16_t port = sim.start();
  http::HttpClient client;
  for (const char* token : {"", "wrong-token"}) {
    auto po = pull_options(port);
    po.token = token;
    int64_t before = sim.requests();
    reconciliation::Dataset d;
    auto s = treasury::pull_credits(client, po, day(manifest_.from), day(manifest_.to), d);
    ASSERT_FALSE(s.ok()) << "token '" << token << "' was accepted";
    EXPECT_EQ(s.error().kind, ErrorKind::kUnauthorized);
    EXPECT_NE(s.error().message.find("page 1"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("secret"), std::string::npos) << s.error().message;
    EXPECT_EQ(sim.requests() - before, 1);
    EXPECT_TRUE(d.treasury().empty());
  }
}

TEST_F(TreasuryPullTest, PersistentOutageFailsAfterTheRetries) {
  TreasurySim sim(sim_options(/*fail_every=*/1));
  uint16_t port = sim.start();
  http::HttpClient client;
  auto po = pull_options(port);
  po.max_attempts = 3;
  reconciliation::Dataset d;
  auto s = treasury::pull_credits(client, po, day(manifest_.from), day(manifest_.to), d);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kServer);
  EXPECT_EQ(sim.requests(), 3);
}

TEST_F(TreasuryPullTest, APageCutOffInTransitFailsThePullNamingThePage) {
  TreasurySim sim(sim_options(0, /*malformed_page=*/2));
  uint16_t port = sim.start();
  http::HttpClient client;
  reconciliation::Dataset d;
  auto s = treasury::pull_credits(client, pull_options(port), day(manifest_.from), day(manifest_.to), d);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kParse);
  EXPECT_NE(s.error().message.find("page 2"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("DuLieuKhoBac"), std::string::npos) << s.error().message;
}

TEST_F(TreasuryPullTest, AnAnswerWithoutPagingOrNotATreasuryDocumentIsRefused) {
  // Another server on the treasury's path: well-formed documents, but not the treasury's answer.
  // Read on a server thread, changed by the test between pulls: under a lock.
  std::mutex mu;
  std::string body = "<DuLieuKhoBac></DuLieuKhoBac>";
  std::vector<std::pair<std::string, std::string>> headers;
  auto answer = [&](std::string b, std::vector<std::pair<std::string, std::string>> h) {
    std::lock_guard lock(mu);
    body = std::move(b);
    headers = std::move(h);
  };
  server::HttpServer other(server::ServerOptions{});
  other.route("GET", "/chung-tu", [&](server::Request&) {
    std::lock_guard lock(mu);
    auto r = server::Response::text(200, body, "application/xml");
    for (const auto& [k, v] : headers) r.with_header(k, v);
    return r;
  });
  uint16_t port = other.start();
  http::HttpClient client;
  auto pull = [&] {
    reconciliation::Dataset d;
    return treasury::pull_credits(client, pull_options(port), day(manifest_.from), day(manifest_.to), d);
  };
  auto no_paging = pull();
  ASSERT_FALSE(no_paging.ok());
  EXPECT_EQ(no_paging.error().kind, ErrorKind::kProtocol);
  EXPECT_NE(no_paging.error().message.find("X-Trang missing"), std::string::npos)
      << no_paging.error().message;

  answer("<DuLieuKhoBac></DuLieuKhoBac>", {{"X-Trang", "1"}, {"X-Tong-So-Trang", "1"}});
  ASSERT_TRUE(pull().ok());  // the control: the same server with paging is read

  answer("<Loi><MaLoi>00</MaLoi></Loi>", {{"X-Trang", "1"}, {"X-Tong-So-Trang", "1"}});
  auto other_root = pull();
  ASSERT_FALSE(other_root.ok());
  EXPECT_EQ(other_root.error().kind, ErrorKind::kParse);
  EXPECT_NE(other_root.error().message.find("root element is '<Loi'"), std::string::npos)
      << other_root.error().message;

  // Answers page 2 when asked for page 1.
  answer("<DuLieuKhoBac></DuLieuKhoBac>", {{"X-Trang", "2"}, {"X-Tong-So-Trang", "2"}});
  auto wrong_page = pull();
  ASSERT_FALSE(wrong_page.ok());
  EXPECT_NE(wrong_page.error().message.find("the answer is page 2"), std::string::npos)
      << wrong_page.error().message;
  other.stop();
}

TEST(TreasuryPaging, HeadersAreValidated) {
  auto ok = treasury::parse_paging("2", "3");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->page, 2);
  EXPECT_EQ(ok->total_pages, 3);
  struct Bad {
    std::optional<std::string_view> page, total;
    const char* names;
  };
  for (const Bad& b :
       {Bad{std::nullopt, "1", "X-Trang"}, Bad{"1", std::nullopt, "X-Tong-So-Trang"}, Bad{"", "1", "X-Trang"},
        Bad{"1a", "2", "X-Trang"}, Bad{"-1", "2", "X-Trang"}, Bad{"1", "1234567", "X-Tong-So-Trang"},
        Bad{"4", "3", "outside"}, Bad{"0", "3", "outside"}, Bad{"1", "0", "outside"}}) {
    auto r = treasury::parse_paging(b.page, b.total);
    ASSERT_FALSE(r.ok()) << b.names;
    EXPECT_EQ(r.error().kind, ErrorKind::kProtocol);
    EXPECT_NE(r.error().message.find(b.names), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace lienthong::sim
