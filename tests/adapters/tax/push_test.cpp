// The pushed tax notices and vouchers: golden messages written from docs/contracts/tax.md
// (the simulator must produce them byte for byte, the adapter must read them), and the
// durable push inbox (stored once, updates replace, loaded as the files would be).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/tax/push_inbox.hpp"
#include "adapters/tax/tax.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/store/database.hpp"
#include "sim/tax_push/tax_push_messages.hpp"

namespace lienthong::tax {
namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(LIENTHONG_SOURCE_DIR) + "/tests/adapters/tax/golden/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (name.ends_with(".json") && !s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

sim::tax_push::Envelope golden_envelope(const char* service) {
  sim::tax_push::Envelope e;
  e.security_key = "golden-security-key-0123";
  e.service = service;
  e.ngay = "20261102143000";
  e.is_updating = "False";
  return e;
}

TEST(TaxGolden, SimulatorProducesTheGoldenNoticePush) {
  auto d = sim::tax_push::sample_dossier(7, 2);
  std::string xml = sim::tax_push::notice_xml({d});
  ASSERT_FALSE(golden("notice.xml").empty());
  EXPECT_EQ(xml, golden("notice.xml"));
  EXPECT_EQ(sim::tax_push::notice_push(golden_envelope("ImportThongBaoThueFromDVCQG"), xml),
            golden("notice_push.json"));
}

TEST(TaxGolden, SimulatorProducesTheGoldenVoucherPush) {
  auto d = sim::tax_push::sample_dossier(7, 2);
  auto v = sim::tax_push::sample_voucher(d, d.lines[0], "20261103091500");
  ASSERT_FALSE(golden("voucher_push.json").empty());
  EXPECT_EQ(sim::tax_push::voucher_push(golden_envelope("ImportChungTuThueFromDVCQG"), v),
            golden("voucher_push.json"));
}

TEST(TaxGolden, AdapterReadsTheGoldenPushes) {
  auto e = parse_push_envelope(golden("notice_push.json"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->service, "ImportThongBaoThueFromDVCQG");
  EXPECT_EQ(e->ngay, "20261102143000");
  auto c = parse_push_data(PushKind::kNotice, e->data);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->notices.size(), 2u);
  EXPECT_EQ(c->notices[0].notice_number, "TB000007-1");
  EXPECT_EQ(c->notices[0].amount, 50000000);
  EXPECT_EQ(c->notices[1].notice_number, "TB000007-2");
  EXPECT_EQ(c->notices[1].item_name, "Tiền sử dụng đất");
  EXPECT_EQ(c->notices[1].amount, 13000000);
  EXPECT_EQ(c->dossiers, "H12.TD-000007");

  auto ve = parse_push_envelope(golden("voucher_push.json"));
  ASSERT_TRUE(ve.ok()) << ve.error().message;
  EXPECT_EQ(ve->ngay, "");  // the voucher envelope has no Ngay in the public receiver
  auto vc = parse_push_data(PushKind::kVoucher, ve->data);
  ASSERT_TRUE(vc.ok()) << vc.error().message;
  ASSERT_EQ(vc->vouchers.size(), 1u);
  EXPECT_EQ(vc->vouchers[0].notice_number, "TB000007-1");
  EXPECT_EQ(vc->vouchers[0].amount, 50000000);
  EXPECT_TRUE(vc->vouchers[0].paid);
  // 2026-11-03 09:15:00 Vietnam time is 02:15:00 UTC.
  EXPECT_EQ(vc->vouchers[0].paid_at_ms % 86'400'000, (2 * 3600 + 15 * 60) * 1000);
}

class PushInboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::open_sqlite({.path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(push_migrations()).ok());
  }
  Result<bool> push(PushKind kind, const std::string& body) {
    auto e = parse_push_envelope(body);
    if (!e.ok()) return e.error();
    auto c = parse_push_data(kind, e->data);
    if (!c.ok()) return c.error();
    PushInbox inbox(*db_, clock_);
    return inbox.store(kind, *e, *c);
  }
  std::unique_ptr<store::Database> db_;
  ManualClock clock_;
};

TEST_F(PushInboxTest, ReplayIsStoredOnceAndAllListsAreLoaded) {
  auto first = push(PushKind::kNotice, golden("notice_push.json"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(*first);
  auto again = push(PushKind::kNotice, golden("notice_push.json"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto voucher = push(PushKind::kVoucher, golden("voucher_push.json"));
  ASSERT_TRUE(voucher.ok());
  EXPECT_TRUE(*voucher);
  PushInbox inbox(*db_, clock_);
  EXPECT_EQ(*inbox.count(PushKind::kNotice), 1);
  EXPECT_EQ(*inbox.count(PushKind::kVoucher), 1);
  // Neither the key nor the taxpayer's or payer's personal data is kept.
  auto rows = db_->query("SELECT data, service, ngay, is_updating FROM tax_pushes");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) {
    for (size_t i = 0; i < 4; ++i) {
      for (const char* secret : {"golden-security-key-0123", "0110000007", "NGUYEN VAN MAU", "001099000000"})
        EXPECT_EQ(r.str(i).find(secret), std::string::npos) << secret << " kept in " << r.str(i);
    }
  }

  reconciliation::Dataset d;
  auto added = inbox.load("THUE", d);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, 3);
  EXPECT_TRUE(d.has_obligations());
  ASSERT_EQ(d.obligations().size(), 2u);
  EXPECT_EQ(d.obligations()[0].amount + d.obligations()[1].amount, 63000000);
  ASSERT_EQ(d.payments().size(), 1u);
  EXPECT_EQ(d.payments()[0].ref, "TB000007-1");
}

TEST_F(PushInboxTest, AnUpdateReplacesTheLineOfTheSameNotice) {
  auto d = sim::tax_push::sample_dossier(7, 1);
  auto env = golden_envelope("ImportThongBaoThueFromDVCQG");
  ASSERT_TRUE(*push(PushKind::kNotice, sim::tax_push::notice_push(env, sim::tax_push::notice_xml({d}))));
  clock_.advance(std::chrono::seconds(5));
  d.lines[0].amount = 42000000;
  env.is_updating = "True";
  ASSERT_TRUE(*push(PushKind::kNotice, sim::tax_push::notice_push(env, sim::tax_push::notice_xml({d}))));
  reconciliation::Dataset data;
  PushInbox inbox(*db_, clock_);
  ASSERT_TRUE(inbox.load("THUE", data).ok());
  ASSERT_EQ(data.obligations().size(), 1u);
  EXPECT_EQ(data.obligations()[0].amount, 42000000);
}

TEST_F(PushInboxTest, LinesAFileAlreadyGaveAreNotAddedTwice) {
  ASSERT_TRUE(*push(PushKind::kNotice, golden("notice_push.json")));
  ASSERT_TRUE(*push(PushKind::kVoucher, golden("voucher_push.json")));
  std::string path = ::testing::TempDir() + "/golden_notices.json";
  std::ofstream(path) << "[" << golden("notice_push.json") << "]";
  std::string vpath = ::testing::TempDir() + "/golden_vouchers.json";
  std::ofstream(vpath) << "[" << golden("voucher_push.json") << "]";
  reconciliation::Dataset d;
  ASSERT_TRUE(read_notices(path, "THUE", d).ok());
  ASSERT_TRUE(read_vouchers(vpath, "THUE", d).ok());
  PushInbox inbox(*db_, clock_);
  auto added = inbox.load("THUE", d);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 0);
  EXPECT_EQ(d.obligations().size(), 2u);
  EXPECT_EQ(d.payments().size(), 1u);
}

}  // namespace
}  // namespace lienthong::tax
