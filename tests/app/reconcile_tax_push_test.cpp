// Tax notices and vouchers pushed by DVCQG (docs/contracts/tax.md), received as webhook
// record kinds (tests/adapters/tax/land_tax_webhook_test.cpp covers keys, answers and
// replays): a reconciliation fed by pushes gives the same result as one fed by files of the
// same content; the removed reconciliation.tax_push key is refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "adapters/tax/land_tax_record.hpp"
#include "adapters/tax/push_inbox.hpp"
#include "adapters/tax/tax.hpp"
#include "app/reconcile_runner.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "sim/recon/recon_data.hpp"
#include "sim/tax_push/tax_push_messages.hpp"

namespace lienthong::app {
namespace {

namespace fs = std::filesystem;
constexpr const char* kKey = "tax-push-key-0123456789";

std::unique_ptr<store::Database> fresh_db() {
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  EXPECT_TRUE(db->migrate(reconciliation::migrations()).ok());
  EXPECT_TRUE(db->migrate(tax::push_migrations()).ok());
  return db;
}

// reconciliation.tax_push (the reconciliation's own routes) was removed: the pushes are
// webhook sources of record kind land_tax_notice / land_tax_voucher now. A config still
// holding it does not start, and says what to write instead.
TEST(TaxPushSettings, TheRemovedKeyIsRefusedNamingWhatToConfigureInstead) {
  setenv("LT_TEST_TAX_KEY", kKey, 1);
  auto old = ConfigFile::from_string(R"({"tax_push": {"security_key": {"env": "LT_TEST_TAX_KEY"}}})");
  try {
    (void)ReconcileSettings::from_config(old->root());
    ADD_FAILURE() << "reconciliation.tax_push accepted";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("tax_push"), std::string::npos) << what;
    EXPECT_NE(what.find("land_tax_notice"), std::string::npos) << what;
    EXPECT_NE(what.find("body_field"), std::string::npos) << what;
  }
  EXPECT_NO_THROW((void)ReconcileSettings::from_config(ConfigFile::from_string("{}")->root()));
}

std::vector<std::string> json_array_elements(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = json::parse(ss.str(), "file");
  EXPECT_TRUE(doc.ok() && doc->IsArray());
  std::vector<std::string> out;
  for (const auto& v : doc->GetArray()) out.push_back(json::to_string(v));
  return out;
}

// The issue's case: notices and vouchers that arrive by push must give the run a file of the
// same content gives (no notice lost, no tax credit left "unknown_at_portal").
TEST(TaxPushReconciliation, PushedNoticesAndVouchersGiveTheSameResultAsFiles) {
  fs::path dir = fs::path(::testing::TempDir()) / "recon_tax_push";
  fs::remove_all(dir);
  sim::ReconDataOptions o;
  o.size = 60;
  o.discrepancies = 6;
  o.tax = 12;
  o.out_dir = dir.string();
  auto manifest = sim::generate_recon_data(o);
  ReconcileSettings settings;
  ReconcileRequest req;
  req.period = {static_cast<reconciliation::Day>(*vn_time::parse_date(manifest.from)),
                static_cast<reconciliation::Day>(*vn_time::parse_date(manifest.to)),
                static_cast<reconciliation::Day>(*vn_time::parse_date(manifest.as_of))};
  req.payments = (dir / "payments.jsonl").string();
  req.bank = (dir / "bank.csv").string();
  req.treasury = (dir / "treasury.xml").string();
  req.obligations = (dir / "obligations.csv").string();
  ManualClock clock;

  auto files_db = fresh_db();
  ReconcileRequest with_files = req;
  with_files.tax_notices = (dir / "tax_notices.json").string();
  with_files.tax_vouchers = (dir / "tax_vouchers.json").string();
  auto by_files = run_reconciliation(*files_db, clock, settings, with_files);
  ASSERT_TRUE(by_files.ok()) << by_files.error().message;

  // Each push as the webhook receiver's record kinds read and store it.
  auto push_db = fresh_db();
  auto notices = tax::make_land_tax_record_kind(tax::PushKind::kNotice);
  auto vouchers = tax::make_land_tax_record_kind(tax::PushKind::kVoucher);
  int pushed = 0;
  auto push = [&](const webhooks::RecordKind& kind, const std::string& body) {
    auto read = kind.read(body);
    ASSERT_TRUE(read.ok()) << read.error().message;
    ASSERT_TRUE(kind.apply(*push_db, read->record, clock.now_ms()).ok());
    ++pushed;
  };
  for (const auto& n : json_array_elements(dir / "tax_notices.json")) push(*notices, n);
  for (const auto& v : json_array_elements(dir / "tax_vouchers.json")) push(*vouchers, v);
  EXPECT_EQ(pushed, 12 + 11);
  auto by_push = run_reconciliation(*push_db, clock, settings, req);
  ASSERT_TRUE(by_push.ok()) << by_push.error().message;

  std::map<std::string, std::string> from_files, from_pushes, want;
  for (auto& it : by_files->result.items)
    from_files[it.key] = std::string(reconciliation::to_string(it.reason));
  for (auto& it : by_push->result.items)
    from_pushes[it.key] = std::string(reconciliation::to_string(it.reason));
  for (auto& e : manifest.expected) want[e.key] = e.reason;
  EXPECT_EQ(from_files, want);
  EXPECT_EQ(from_pushes, want);
  for (const auto& [k, reason] : from_pushes) EXPECT_NE(reason, "unknown_at_portal") << k;
  EXPECT_EQ(by_push->result.summary.obligations, by_files->result.summary.obligations);
  EXPECT_GE(by_push->result.summary.obligations, 12);
  EXPECT_EQ(by_push->info.inputs.back().name, "tax_pushes");
}

}  // namespace
}  // namespace lienthong::app
