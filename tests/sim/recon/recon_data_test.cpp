// The generator's data sets are consistent, and a full run (adapters, engine, store,
// reports) finds exactly the injected discrepancies and malformed rows, nothing more.
#include "sim/recon/recon_data.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "app/reconcile_runner.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::sim {
namespace {

namespace fs = std::filesystem;
using reconciliation::Day;

Day day(const std::string& s) {
  return static_cast<Day>(*vn_time::parse_date(s));
}

struct Fixture {
  ReconDataManifest manifest;
  app::ReconcileOutcome outcome;
};

Fixture generate_and_run(const ReconDataOptions& o, const std::string& out) {
  Fixture f;
  f.manifest = generate_recon_data(o);
  auto db = store::open_sqlite({.path = ":memory:"});
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE((*db)->migrate(reconciliation::migrations()).ok());
  ManualClock clock;
  app::ReconcileSettings settings;
  settings.rules.settlement_window_days = o.settlement_window_days;
  settings.rules.date_window_days = o.date_window_days;
  app::ReconcileRequest req;
  req.period = {day(f.manifest.from), day(f.manifest.to), day(f.manifest.as_of)};
  fs::path d(o.out_dir);
  req.payments = (d / "payments.jsonl").string();
  req.bank = (d / "bank.csv").string();
  req.treasury = (d / "treasury.xml").string();
  req.obligations = (d / "obligations.csv").string();
  if (o.tax > 0) {
    req.tax_notices = (d / "tax_notices.json").string();
    req.tax_vouchers = (d / "tax_vouchers.json").string();
  }
  req.out_dir = out;
  auto r = app::run_reconciliation(**db, clock, settings, req);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (r.ok()) f.outcome = std::move(r).value();
  return f;
}

TEST(ReconDataGenerator, RunFindsExactlyTheInjectedDiscrepancies) {
  ReconDataOptions o;
  o.size = 3000;
  o.seed = 7;
  o.discrepancies = 45;  // five of each injectable class
  o.malformed = 4;
  o.tax = 12;  // eleven paid land-tax notices, one unpaid
  o.out_dir = ::testing::TempDir() + "/recon_gen_exact";
  fs::remove_all(o.out_dir);
  auto f = generate_and_run(o, o.out_dir + "/report");
  std::map<std::string, std::string> expected, found;
  for (const auto& e : f.manifest.expected) expected[e.key] = e.reason;
  for (const auto& it : f.outcome.result.items)
    found[it.key] = std::string(reconciliation::to_string(it.reason));
  EXPECT_EQ(expected.size(), 46u);
  EXPECT_EQ(found, expected);
  EXPECT_EQ(f.outcome.result.summary.by_class[0].count, f.manifest.matched);
  // Every injected malformed row is reported with its file and line, and nothing else is.
  std::vector<std::pair<std::string, uint32_t>> issues;
  for (const auto& i : f.outcome.result.issues)
    issues.push_back({fs::path(i.file).filename().string(), i.line});
  std::sort(issues.begin(), issues.end());
  auto want = f.manifest.malformed;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(issues, want);
  EXPECT_TRUE(fs::exists(o.out_dir + "/report/exceptions.csv"));
}

TEST(ReconDataGenerator, SameSeedGivesIdenticalFiles) {
  ReconDataOptions a;
  a.size = 200;
  a.discrepancies = 9;
  a.out_dir = ::testing::TempDir() + "/recon_gen_a";
  ReconDataOptions b = a;
  b.out_dir = ::testing::TempDir() + "/recon_gen_b";
  generate_recon_data(a);
  generate_recon_data(b);
  for (auto name : {"payments.jsonl", "bank.csv", "treasury.xml", "obligations.csv"}) {
    EXPECT_EQ(fs::file_size(fs::path(a.out_dir) / name), fs::file_size(fs::path(b.out_dir) / name)) << name;
  }
  auto ca = reconciliation::checksum_file("x", a.out_dir + "/bank.csv");
  auto cb = reconciliation::checksum_file("x", b.out_dir + "/bank.csv");
  EXPECT_EQ(ca->sha256, cb->sha256);
}

TEST(ReconDataGenerator, RefusesImpossibleOptions) {
  ReconDataOptions o;
  o.out_dir = ::testing::TempDir() + "/recon_gen_bad";
  o.size = 5;
  o.discrepancies = 6;
  EXPECT_THROW(generate_recon_data(o), std::invalid_argument);
  o.discrepancies = 1;
  o.days = 2;
  EXPECT_THROW(generate_recon_data(o), std::invalid_argument);
}

}  // namespace
}  // namespace lienthong::sim
