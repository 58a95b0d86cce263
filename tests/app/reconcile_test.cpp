#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "adapters/payment_platform/payment_platform.hpp"
#include "app/commands.hpp"
#include "app/reconcile_runner.hpp"
#include "app/reconciliation_component.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/reconciliation/callback_inbox.hpp"
#include "sim/payment_platform/payment_platform_sim.hpp"
#include "sim/recon/recon_data.hpp"
#include "tests/app/scheduled_reconciliation.hpp"

namespace lienthong::app {
int run_reconcile(const std::vector<std::string>& args);
int run_payment(const std::vector<std::string>& args);
namespace {

namespace fs = std::filesystem;
using reconciliation::Day;

Day day(const char* s) {
  return static_cast<Day>(*vn_time::parse_date(s));
}

class ReconcileRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("recon_app_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto db = store::open_sqlite({.path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(reconciliation::migrations()).ok());
    write("bank.csv",
          "Ngày giao dịch,Số tiền,Mã giao dịch,Nội dung\n02/11/2026,50000,GD1,x\n02/11/2026,abc,GD2,y\n");
    write("treasury.xml",
          "<DuLieuKhoBac><ChungTu><LoaiChungTu>THU</LoaiChungTu><MaGiaoDich>GD1</MaGiaoDich><MaHoSo>HS1</"
          "MaHoSo>"
          "<MaDonVi>AG</MaDonVi><SoTien>50000</SoTien><NgayHachToan>2026-11-03</NgayHachToan></ChungTu>"
          "</DuLieuKhoBac>\n");
    write("obligations.csv", "MaHoSo,MaDonVi,SoTien\nHS1,AG,50000\n");
    payment_platform::Transaction t;
    t.transaction_id = "GD1";
    t.amount = 50000;
    t.paid_at = "20261102100000";
    t.dossier = "HS1";
    t.agency = "AG";
    write("payments.jsonl", payment_platform::to_json(t) + "\n");
  }
  void write(const std::string& name, const std::string& content) { std::ofstream(dir_ / name) << content; }
  std::string path(const std::string& name) { return (dir_ / name).string(); }
  ReconcileRequest request() {
    ReconcileRequest r;
    r.period = {day("2026-11-01"), day("2026-11-05"), day("2026-11-06")};
    r.payments = path("payments.jsonl");
    r.bank = path("bank.csv");
    r.treasury = path("treasury.xml");
    r.obligations = path("obligations.csv");
    r.out_dir = path("out");
    return r;
  }
  int64_t runs() { return (*db_->query("SELECT count(*) FROM recon_runs"))[0].i64(0); }

  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  ManualClock clock_;
  ReconcileSettings settings_;
};

TEST_F(ReconcileRunTest, BadRowIsCountedInTheReportAndTheRunGoesOn) {
  auto o = run_reconciliation(*db_, clock_, settings_, request());
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->result.summary.input_issues, 1);
  EXPECT_EQ(o->result.summary.by_class[0].count, 1);
  ASSERT_EQ(o->result.issues.size(), 1u);
  EXPECT_EQ(o->result.issues[0].line, 3u);
  std::ifstream in(dir_ / "out" / "input_issues.csv");
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(all.find("bank.csv,3,"), std::string::npos);
  EXPECT_EQ(o->info.inputs.size(), 4u);
}

TEST_F(ReconcileRunTest, WrongShapeFileStopsTheRunAndWritesNothing) {
  write("treasury.xml", "<BaoCao><Dong/></BaoCao>");
  auto o = run_reconciliation(*db_, clock_, settings_, request());
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.error().message.find("treasury file"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  EXPECT_EQ(runs(), 0);
  write("treasury.xml", "<DuLieuKhoBac></DuLieuKhoBac>");
  write("bank.csv", "Ngay,Tien\n1,2\n");
  EXPECT_FALSE(run_reconciliation(*db_, clock_, settings_, request()).ok());
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  EXPECT_EQ(runs(), 0);
}

TEST_F(ReconcileRunTest, RerunOfSamePeriodAndInputsReusesTheRun) {
  auto a = run_reconciliation(*db_, clock_, settings_, request());
  auto b = run_reconciliation(*db_, clock_, settings_, request());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->info.id, b->info.id);
  EXPECT_TRUE(b->saved.reused);
  EXPECT_EQ(runs(), 1);
}

// A confirmation as the platform posts it (docs/contracts/payment_platform.md), signed with
// `secret`: it carries MaThamChieu, never the dossier.
payment_platform::Confirmation confirmation(const std::string& ref, const std::string& tx,
                                            const std::string& ma_loi, std::string_view secret) {
  payment_platform::Confirmation c;
  c.error_code = ma_loi;
  c.partner_code = "H12";
  c.partner_ref = ref;
  c.transaction_id = tx;
  c.amount = 50000;
  c.bank_code = "970415";
  c.paid_at = "20261102100000";
  c.info = "Thanh toan phi";
  payment_platform::sign(c, secret);
  return c;
}

// The one-stop-shop's INIT for MaThamChieu `ref`: dossier HS1 of agency AG.
std::string init_line(const std::string& ref, std::string_view secret) {
  payment_platform::Init i;
  i.partner_code = "H12";
  i.partner_ref = ref;
  i.amount = 50000;
  i.created_at = "20261102095000";
  i.dossier = "HS1";
  i.agency = "AG";
  i.fees = {{"1", "PHI", "Phí", 50000}};
  payment_platform::sign(i, secret);
  return payment_platform::to_json(i) + "\n";
}

TEST_F(ReconcileRunTest, StoredCallbacksJoinTheRunAsPortalPayments) {
  write("payments.jsonl", "");
  write("inits.jsonl", init_line("TT1", "s3cret"));
  setenv("LT_TEST_PAYMENT_SECRET", "s3cret", 1);
  auto cfg = ConfigFile::from_string(
      R"({"payment_platform": {"secret": {"env": "LT_TEST_PAYMENT_SECRET"}, "init_ledger": "inits.jsonl"}})",
      dir_.string());
  auto settings = ReconcileSettings::from_config(cfg->root());
  reconciliation::CallbackInbox inbox(*db_, clock_);
  Secret secret("s3cret");
  auto body = payment_platform::to_json(confirmation("TT1", "GD1", "00", secret.reveal()));
  auto first = handle_payment_callback(body, secret, inbox);
  EXPECT_EQ(first.http_status, 200);
  EXPECT_NE(first.body.find("\"MaLoi\":\"00\""), std::string::npos);
  EXPECT_TRUE(first.stored_new);
  auto retry = handle_payment_callback(body, secret, inbox);
  EXPECT_EQ(retry.http_status, 200);
  EXPECT_FALSE(retry.stored_new);
  EXPECT_EQ(*inbox.count(), 1);
  auto o = run_reconciliation(*db_, clock_, settings, request());
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->result.summary.payments, 1);
  EXPECT_EQ(o->result.summary.by_class[0].count, 1);
  // The dossier and agency came from the INIT: the obligation of HS1 is paid, nothing
  // else is reported about it.
  for (const auto& it : o->result.items) {
    if (it.reason != reconciliation::ReasonCode::kMatched)
      ADD_FAILURE() << it.key << " " << to_string(it.reason);
  }
}

// Issue #25, payment point 2: a MaLoi "99" confirmation is stored, as failed, and never
// counted as paid.
TEST_F(ReconcileRunTest, FailedConfirmationIsStoredAsFailedNotPaid) {
  write("payments.jsonl", "");
  reconciliation::CallbackInbox inbox(*db_, clock_);
  Secret secret("s3cret");
  auto failed = confirmation("TT1", "GD1", "99", secret.reveal());
  auto a = handle_payment_callback(payment_platform::to_json(failed), secret, inbox);
  EXPECT_EQ(a.http_status, 200);
  EXPECT_NE(a.body.find("\"MaLoi\":\"00\""), std::string::npos) << a.body;  // received and stored
  EXPECT_TRUE(a.stored_new);
  auto rows = db_->query("SELECT status, partner_ref FROM recon_callbacks WHERE reference = 'GD1'");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].i64(0), static_cast<int64_t>(reconciliation::PaymentStatus::kFailed));
  EXPECT_EQ((*rows)[0].str(1), "TT1");
  reconciliation::Dataset d;
  ASSERT_TRUE(inbox.load(day("2026-11-01"), day("2026-11-05"), d).ok());
  ASSERT_EQ(d.payments().size(), 1u);
  EXPECT_EQ(d.payments()[0].status, reconciliation::PaymentStatus::kFailed);
  // A failed confirmation without MaGiaoDich is kept under its MaThamChieu.
  auto no_tx = confirmation("TT2", "", "99", secret.reveal());
  EXPECT_TRUE(handle_payment_callback(payment_platform::to_json(no_tx), secret, inbox).stored_new);
  EXPECT_EQ(*inbox.count(), 2);
}

TEST_F(ReconcileRunTest, CallbackWithBadMaXacThucIsRefusedAndNotStored) {
  // The public answer: HTTP 200, MaLoi "99" (the old 401/"01" and 400/"02" were invented).
  reconciliation::CallbackInbox inbox(*db_, clock_);
  auto c = confirmation("TT1", "GD1", "00", "other");
  auto a = handle_payment_callback(payment_platform::to_json(c), Secret("s3cret"), inbox);
  EXPECT_EQ(a.http_status, 200);
  EXPECT_NE(a.body.find("\"MaLoi\":\"99\""), std::string::npos);
  EXPECT_NE(a.body.find("MaXacThuc"), std::string::npos);
  auto b = handle_payment_callback("{", Secret("s3cret"), inbox);
  EXPECT_EQ(b.http_status, 200);
  EXPECT_NE(b.body.find("\"MaLoi\":\"99\""), std::string::npos);
  EXPECT_EQ(*inbox.count(), 0);
}

TEST(ReconcileSettings, ConfigIsValidatedWithClearErrors) {
  auto ok = ConfigFile::from_string(R"({"rules": {"version": "2026.1", "order": ["reference"],
      "date_window_days": 2, "settlement_window_days": 5}, "schedule": {"time": "05:30",
      "inputs": {"bank": "in/bank-{from}.csv", "treasury": "in/kb-{from}.xml"}}})");
  auto s = ReconcileSettings::from_config(ok->root());
  EXPECT_EQ(s.rules.fingerprint(), "v=2026.1;order=reference;date_window_days=2;settlement_window_days=5");
  EXPECT_EQ(s.schedule.hour, 5);
  EXPECT_TRUE(s.schedule.enabled);
  for (const char* bad :
       {R"({"rulez": {}})", R"({"rules": {"order": ["fuzzy"]}})",
        R"({"rules": {"order": ["reference", "reference"]}})", R"({"rules": {"settlement_window_days": -1}})",
        R"({"schedule": {"time": "25:00",
                            "inputs": {"bank": "a", "treasury": "b"}}})",
        R"({"schedule": {"inputs": {"bank": "a"}}})", R"({"payment_platform": {"secret": "plain-text"}})"}) {
    auto cfg = ConfigFile::from_string(bad);
    EXPECT_THROW(ReconcileSettings::from_config(cfg->root()), ConfigError) << bad;
  }
  EXPECT_NO_THROW(ReconcileSettings::from_config(ConfigFile::from_string("{}")->root()));
}

TEST(ReconcileSettings, CsvFormatIsStandardByDefaultAndExcelViOnRequest) {
  EXPECT_EQ(ReconcileSettings::from_config(ConfigFile::from_string("{}")->root()).csv_format,
            reconciliation::CsvFormat::kStandard);
  EXPECT_EQ(ReconcileSettings::from_config(ConfigFile::from_string(R"({"csv_format": "excel_vi"})")->root())
                .csv_format,
            reconciliation::CsvFormat::kExcelVietnamese);
  try {
    ReconcileSettings::from_config(ConfigFile::from_string(R"({"csv_format": "excel"})")->root());
    FAIL() << "csv_format \"excel\" was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("csv_format"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("excel_vi"), std::string::npos) << e.what();
  }
}

TEST(ReconcileSettings, RefundApprovalIsFourEyesByDefaultAndNoneOnRequest) {
  EXPECT_TRUE(ReconcileSettings::from_config(ConfigFile::from_string("{}")->root()).refunds_need_approval);
  EXPECT_FALSE(
      ReconcileSettings::from_config(ConfigFile::from_string(R"({"refund_approval": "none"})")->root())
          .refunds_need_approval);
  EXPECT_TRUE(
      ReconcileSettings::from_config(ConfigFile::from_string(R"({"refund_approval": "four_eyes"})")->root())
          .refunds_need_approval);
  try {
    ReconcileSettings::from_config(ConfigFile::from_string(R"({"refund_approval": "two"})")->root());
    FAIL() << "refund_approval \"two\" was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("refund_approval"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("four_eyes"), std::string::npos) << e.what();
  }
}

TEST(ReconcileSchedule, NextRunIsTheNextOccurrenceInVietnamTime) {
  int64_t now = vn_time::from_vietnam({2026, 11, 26, 5, 0, 0});
  EXPECT_EQ(next_daily_run_ms(now, 6, 0), vn_time::from_vietnam({2026, 11, 26, 6, 0, 0}));
  EXPECT_EQ(next_daily_run_ms(now, 5, 0), vn_time::from_vietnam({2026, 11, 27, 5, 0, 0}));
  EXPECT_EQ(expand_input_path("in/bank-{from}.csv", day("2026-11-25"), day("2026-11-25")),
            "in/bank-2026-11-25.csv");
}

TEST_F(ReconcileRunTest, CommandLineRunWritesReportsAndExitsZero) {
  write("lienthong.json", R"({"store": {"backend": "sqlite", "path": "state.db"},
      "reconciliation": {"out_dir": "reports"}})");
  std::vector<std::string> args = {
      "--config",   path("lienthong.json"), "--from",        "2026-11-01",
      "--to",       "2026-11-05",           "--as-of",       "2026-11-06",
      "--bank",     path("bank.csv"),       "--treasury",    path("treasury.xml"),
      "--payments", path("payments.jsonl"), "--obligations", path("obligations.csv"),
      "--json"};
  testing::internal::CaptureStdout();
  int rc = run_reconcile(args);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, kExitOk);
  EXPECT_NE(out.find("\"matched\":{\"count\":1"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir_ / "reports" / "exceptions.csv"));
  EXPECT_TRUE(fs::exists(dir_ / "reports" / "changes.csv"));
  auto vi = args;
  vi.insert(vi.end(), {"--csv-format", "excel_vi", "--out", path("vi")});
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_reconcile(vi), kExitOk);
  testing::internal::GetCapturedStdout();
  std::ifstream vi_in(dir_ / "vi" / "input_issues.csv");
  std::string vi_csv((std::istreambuf_iterator<char>(vi_in)), {});
  EXPECT_NE(vi_csv.find("Tệp (file);Dòng (line);Lý do (reason)"), std::string::npos) << vi_csv;
  vi[vi.size() - 3] = "xlsx";  // the value of --csv-format
  EXPECT_THROW(run_reconcile(vi), UsageError);
  args.push_back("--bogus");
  EXPECT_THROW(run_reconcile(args), UsageError);
}

// A second payment for an obligation already paid opens a refund, which the run instructs;
// `reconcile refunds` lists it (amount, state, total) until the treasury shows it refunded.
TEST_F(ReconcileRunTest, RefundsCommandListsOutstandingRefundsUntilTheTreasuryRefundsThem) {
  // Runs instruct due refunds themselves here (the default, four eyes, waits for approvals).
  write("lienthong.json", R"({"store": {"backend": "sqlite", "path": "state.db"},
      "reconciliation": {"out_dir": "reports", "refund_approval": "none"}})");
  payment_platform::Transaction t;
  t.transaction_id = "GD1";
  t.amount = 50000;
  t.paid_at = "20261102100000";
  t.dossier = "HS1";
  t.agency = "AG";
  std::string payments = payment_platform::to_json(t) + "\n";
  t.transaction_id = "GD2";
  t.paid_at = "20261102110000";
  payments += payment_platform::to_json(t) + "\n";
  write("payments.jsonl", payments);
  write("bank.csv",
        "Ngày giao dịch,Số tiền,Mã giao dịch,Nội dung\n02/11/2026,50000,GD1,x\n02/11/2026,50000,GD2,y\n");
  auto chung_tu = [](const char* kind, const char* ref, const char* date) {
    return std::string("<ChungTu><LoaiChungTu>") + kind + "</LoaiChungTu><MaGiaoDich>" + ref +
           "</MaGiaoDich><MaHoSo>HS1</MaHoSo><MaDonVi>AG</MaDonVi><SoTien>50000</SoTien><NgayHachToan>" +
           date + "</NgayHachToan></ChungTu>";
  };
  write("treasury.xml", "<DuLieuKhoBac>" + chung_tu("THU", "GD1", "2026-11-03") +
                            chung_tu("THU", "GD2", "2026-11-03") + "</DuLieuKhoBac>\n");
  const std::vector<std::string> run = {
      "--config",   path("lienthong.json"), "--from",        "2026-11-01",
      "--to",       "2026-11-05",           "--as-of",       "2026-11-06",
      "--bank",     path("bank.csv"),       "--treasury",    path("treasury.xml"),
      "--payments", path("payments.jsonl"), "--obligations", path("obligations.csv"),
      "--json"};
  testing::internal::CaptureStdout();
  ASSERT_EQ(run_reconcile(run), kExitOk);
  testing::internal::GetCapturedStdout();

  testing::internal::CaptureStdout();
  int rc =
      run_reconcile({"refunds", "--config", path("lienthong.json"), "--json", "--csv", path("hoan.csv")});
  std::string out = testing::internal::GetCapturedStdout();
  ASSERT_EQ(rc, kExitOk);
  EXPECT_NE(out.find("\"outstanding\":1,\"amount\":50000"), std::string::npos) << out;
  EXPECT_NE(out.find("\"reference\":\"GD2\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"state\":\"instructed\""), std::string::npos) << out;
  EXPECT_EQ(out.find("\"reference\":\"GD1\""), std::string::npos) << out;
  std::ifstream csv_in(dir_ / "hoan.csv");
  std::string csv((std::istreambuf_iterator<char>(csv_in)), {});
  EXPECT_NE(csv.find("GD2,HS1,AG,50000,duplicate_payment,instructed"), std::string::npos) << csv;

  testing::internal::CaptureStdout();
  ASSERT_EQ(run_reconcile({"refunds", "--config", path("lienthong.json")}), kExitOk);
  out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("Hoàn trả chưa thực hiện (refunds outstanding): 1, tổng (total) 50.000 đồng"),
            std::string::npos)
      << out;

  // The treasury's refund (HOAN) of GD2 closes it: nothing is outstanding any more.
  write("treasury.xml", "<DuLieuKhoBac>" + chung_tu("THU", "GD1", "2026-11-03") +
                            chung_tu("THU", "GD2", "2026-11-03") + chung_tu("HOAN", "GD2", "2026-11-05") +
                            "</DuLieuKhoBac>\n");
  testing::internal::CaptureStdout();
  ASSERT_EQ(run_reconcile(run), kExitOk);
  testing::internal::GetCapturedStdout();
  testing::internal::CaptureStdout();
  ASSERT_EQ(run_reconcile({"refunds", "--config", path("lienthong.json"), "--json"}), kExitOk);
  out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("\"outstanding\":0,\"amount\":0,\"refunds\":[]"), std::string::npos) << out;
  EXPECT_THROW(run_reconcile({"refunds", "--config", path("lienthong.json"), "--bogus"}), UsageError);
}

TEST_F(ReconcileRunTest, WorkingDayWindowsCountOnTheProvinceCalendarAcrossTet) {
  // Paid and at the bank on 04/02/2027, the day before the Tết Đinh Mùi holidays; not yet at
  // the treasury on 15/02/2027: 11 calendar days, but 2 working days on the calendar.
  write("bank.csv", "Ngày giao dịch,Số tiền,Mã giao dịch,Nội dung\n04/02/2027,50000,GD1,x\n");
  write("treasury.xml", "<DuLieuKhoBac></DuLieuKhoBac>\n");
  payment_platform::Transaction t;
  t.transaction_id = "GD1";
  t.amount = 50000;
  t.paid_at = "20270204100000";
  t.dossier = "HS1";
  t.agency = "AG";
  write("payments.jsonl", payment_platform::to_json(t) + "\n");
  auto run = [&](const char* unit) {
    write("lienthong.json", std::string(R"({"store": {"backend": "sqlite", "path": "state.db"},
        "reconciliation": {"out_dir": "reports", "rules": {"window_unit": ")") +
                                unit + "\"}}}");
    std::vector<std::string> args = {
        "--config",   path("lienthong.json"), "--from",        "2027-02-01",
        "--to",       "2027-02-05",           "--as-of",       "2027-02-15",
        "--bank",     path("bank.csv"),       "--treasury",    path("treasury.xml"),
        "--payments", path("payments.jsonl"), "--obligations", path("obligations.csv"),
        "--json"};
    testing::internal::CaptureStdout();
    int rc = run_reconcile(args);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, kExitOk);
    return out;
  };
  std::string working = run("working_days");
  EXPECT_NE(working.find("\"pending_settlement\":{\"count\":1"), std::string::npos) << working;
  std::string calendar = run("calendar_days");
  EXPECT_NE(calendar.find("\"missing_at_treasury\":{\"count\":1"), std::string::npos) << calendar;
  // A calendar that cannot be loaded stops a working-day run before anything is read.
  write("lienthong.json", R"({"store": {"backend": "sqlite", "path": "state.db"},
      "calendar": {"calendar_dir": "no-such-dir"},
      "reconciliation": {"rules": {"window_unit": "working_days"}}})");
  EXPECT_THROW(run_reconcile({"--config", path("lienthong.json"), "--from", "2027-02-01", "--to",
                              "2027-02-05", "--bank", path("bank.csv"), "--treasury", path("treasury.xml")}),
               ConfigError);
}

}  // namespace
}  // namespace lienthong::app

namespace lienthong::app {
namespace {

// A consistent data set of every source with known discrepancies, in a fresh directory.
struct GeneratedRecon {
  fs::path dir;
  sim::ReconDataManifest manifest;
};
GeneratedRecon generate_recon(const std::string& name, int64_t size, int64_t discrepancies) {
  GeneratedRecon g;
  g.dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(g.dir);
  sim::ReconDataOptions o;
  o.size = size;
  o.discrepancies = discrepancies;
  o.out_dir = g.dir.string();
  g.manifest = sim::generate_recon_data(o);
  return g;
}

TEST_F(ReconcileRunTest, ScheduledJobRunsDailyForThePreviousDay) {
  // Inputs named by date, as an operator drops them for the day before.
  fs::create_directories(dir_ / "in" / "2026-11-02");
  for (auto name : {"bank.csv", "treasury.xml", "obligations.csv", "payments.jsonl"}) {
    fs::copy_file(dir_ / name, dir_ / "in" / "2026-11-02" / name);
  }
  auto cfg =
      ConfigFile::from_string(R"({"reconciliation": {"out_dir": "reports", "schedule": {"time": "06:00",
      "inputs": {"bank": "in/{from}/bank.csv", "treasury": "in/{from}/treasury.xml",
                 "obligations": "in/{from}/obligations.csv", "payments": "in/{from}/payments.jsonl"}}}})",
                              dir_.string());
  ManualClock clock(vn_time::from_vietnam({2026, 11, 3, 1, 0, 0}));
  ScheduledReconciliation scheduled(cfg, std::move(db_), clock);
  auto& sched = scheduled.sched;
  auto& rt = scheduled.rt;
  EXPECT_EQ(sched.run_due(), 0);  // 01:00: not yet
  clock.set_ms(vn_time::from_vietnam({2026, 11, 3, 6, 0, 1}));
  EXPECT_EQ(sched.run_due(), 1);
  auto stats = sched.stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].failures, 0) << stats[0].last_error;
  auto rows = rt.db->query("SELECT period_from, period_to FROM recon_runs");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].str(0), "2026-11-02");
  EXPECT_TRUE(fs::exists(dir_ / "reports" / "2026-11-02" / "exceptions.csv"));
}

// The scheduled runs as a treasury officer meets them, with a settlement window of 2 days:
// the inputs of each run are exports covering its whole period, dropped in in/<from>_<to>/,
// so a run that read another window would find no file and fail.
class RollingScheduleTest : public ReconcileRunTest {
 protected:
  static std::string chung_tu(const char* ref, const char* dossier, const char* amount, const char* date) {
    return std::string("<ChungTu><LoaiChungTu>THU</LoaiChungTu><MaGiaoDich>") + ref +
           "</MaGiaoDich><MaHoSo>" + dossier + "</MaHoSo><MaDonVi>AG</MaDonVi><SoTien>" + amount +
           "</SoTien><NgayHachToan>" + date + "</NgayHachToan></ChungTu>";
  }
  // Two payments made on 02/11/2026 (GD1 for HS1, GD2 for HS2), both at the bank that day.
  void drop_inputs(const std::string& window, const std::string& treasury_records) {
    fs::path in = dir_ / "in" / window;
    fs::create_directories(in);
    payment_platform::Transaction t;
    t.amount = 50000;
    t.paid_at = "20261102100000";
    t.agency = "AG";
    t.transaction_id = "GD1";
    t.dossier = "HS1";
    std::string payments = payment_platform::to_json(t) + "\n";
    t.transaction_id = "GD2";
    t.dossier = "HS2";
    payments += payment_platform::to_json(t) + "\n";
    std::ofstream(in / "payments.jsonl") << payments;
    std::ofstream(in / "bank.csv")
        << "Ngày giao dịch,Số tiền,Mã giao dịch,Nội dung\n02/11/2026,50000,GD1,x\n02/11/2026,50000,GD2,y\n";
    std::ofstream(in / "treasury.xml") << "<DuLieuKhoBac>" + treasury_records + "</DuLieuKhoBac>\n";
    std::ofstream(in / "obligations.csv") << "MaHoSo,MaDonVi,SoTien\nHS1,AG,50000\nHS2,AG,50000\n";
  }
  std::shared_ptr<ConfigFile> config(int max_lookback_days) {
    return ConfigFile::from_string(
        R"({"reconciliation": {"out_dir": "reports", "rules": {"settlement_window_days": 2},
        "schedule": {"time": "06:00", "max_lookback_days": )" +
            std::to_string(max_lookback_days) + R"(,
        "inputs": {"bank": "in/{from}_{to}/bank.csv", "treasury": "in/{from}_{to}/treasury.xml",
                   "obligations": "in/{from}_{to}/obligations.csv",
                   "payments": "in/{from}_{to}/payments.jsonl"}}}})",
        dir_.string());
  }
  // Runs the job at 06:00:01 on the given day and returns the run's period as "from..to".
  std::string run_on(ScheduledReconciliation& s, ManualClock& clock, int day_of_november) {
    clock.set_ms(vn_time::from_vietnam({2026, 11, day_of_november, 6, 0, 1}));
    EXPECT_EQ(s.sched.run_due(), 1);
    auto stats = s.sched.stats();
    EXPECT_EQ(stats[0].failures, 0) << stats[0].last_error;
    auto rows = s.rt.db->query("SELECT period_from, period_to FROM recon_runs ORDER BY seq DESC LIMIT 1");
    if (!rows.ok() || rows->empty()) return "no run";
    return (*rows)[0].str(0) + ".." + (*rows)[0].str(1);
  }
  std::string pending_reason(ScheduledReconciliation& s, const char* key) {
    auto rows = s.rt.db->query(
        "SELECT reason FROM recon_items WHERE item_key = ? AND run_id = "
        "(SELECT id FROM recon_runs ORDER BY seq DESC LIMIT 1)",
        {std::string(key)});
    return rows.ok() && !rows->empty() ? (*rows)[0].str(0) : "matched_or_absent";
  }
  std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
};

TEST_F(RollingScheduleTest, PendingPaymentsAreReReadUntilTheySettleOrTheirWindowPasses) {
  ManualClock clock(vn_time::from_vietnam({2026, 11, 3, 1, 0, 0}));
  ScheduledReconciliation s(config(31), std::move(db_), clock);

  // 03/11: both payments of 02/11 are at the bank, neither at the treasury yet: pending.
  drop_inputs("2026-11-02_2026-11-02", "");
  ASSERT_EQ(run_on(s, clock, 3), "2026-11-02..2026-11-02");
  EXPECT_EQ(pending_reason(s, "PAY:GD1"), "pending_settlement");
  EXPECT_EQ(pending_reason(s, "PAY:GD2"), "pending_settlement");

  // 04/11: the period reaches back to 02/11, where the pending items are. The treasury
  // credited GD1 on 03/11: it settles; GD2 is 2 days old, still inside its window.
  drop_inputs("2026-11-02_2026-11-03", chung_tu("GD1", "HS1", "50000", "2026-11-03"));
  ASSERT_EQ(run_on(s, clock, 4), "2026-11-02..2026-11-03");
  EXPECT_EQ(pending_reason(s, "PAY:GD1"), "matched_or_absent");
  EXPECT_EQ(pending_reason(s, "PAY:GD2"), "pending_settlement");
  std::string changes = read(dir_ / "reports" / "2026-11-03" / "changes.csv");
  EXPECT_NE(changes.find("PAY:GD1,HS1,GD1,"), std::string::npos) << changes;
  EXPECT_NE(changes.find(",pending_settlement,matched_or_absent,"), std::string::npos) << changes;
  EXPECT_EQ(changes.find("PAY:GD2"), std::string::npos) << changes;
  std::string report = read(dir_ / "reports" / "2026-11-03" / "report.json");
  EXPECT_NE(
      report.find("{\"key\":\"PAY:GD1\",\"before\":\"pending_settlement\",\"after\":\"matched_or_absent\"}"),
      std::string::npos)
      << report;

  // 05/11: GD2 is 3 days old without a credit: its window has passed, it takes its final
  // outcome, and the change says so.
  drop_inputs("2026-11-02_2026-11-04", chung_tu("GD1", "HS1", "50000", "2026-11-03"));
  ASSERT_EQ(run_on(s, clock, 5), "2026-11-02..2026-11-04");
  EXPECT_EQ(pending_reason(s, "PAY:GD2"), "missing_at_treasury");
  changes = read(dir_ / "reports" / "2026-11-04" / "changes.csv");
  EXPECT_NE(changes.find("PAY:GD2,HS2,GD2,"), std::string::npos) << changes;
  EXPECT_NE(changes.find(",pending_settlement,missing_at_treasury,"), std::string::npos) << changes;

  // 06/11: nothing is pending any more: the run covers only the new day, and the final
  // outcome of 02/11 is not reported as a change because it left the window.
  drop_inputs("2026-11-05_2026-11-05", chung_tu("GD1", "HS1", "50000", "2026-11-03"));
  ASSERT_EQ(run_on(s, clock, 6), "2026-11-05..2026-11-05");
  changes = read(dir_ / "reports" / "2026-11-05" / "changes.csv");
  EXPECT_EQ(changes.find("PAY:GD2"), std::string::npos) << changes;
}

TEST_F(RollingScheduleTest, NothingOlderThanTheMaximumLookbackIsReRead) {
  ManualClock clock(vn_time::from_vietnam({2026, 11, 3, 1, 0, 0}));
  ScheduledReconciliation s(config(3), std::move(db_), clock);
  drop_inputs("2026-11-02_2026-11-02", "");
  ASSERT_EQ(run_on(s, clock, 3), "2026-11-02..2026-11-02");
  EXPECT_EQ(pending_reason(s, "PAY:GD1"), "pending_settlement");
  // The service was down until 08/11: the days it missed are covered, but GD1's day, 02/11,
  // is more than 3 days before the period's last day (07/11) and is not read again.
  drop_inputs("2026-11-04_2026-11-07", "");
  ASSERT_EQ(run_on(s, clock, 8), "2026-11-04..2026-11-07");
  EXPECT_EQ(pending_reason(s, "PAY:GD1"), "matched_or_absent");
  auto summary = s.rt.db->query("SELECT summary FROM recon_runs ORDER BY seq DESC LIMIT 1");
  ASSERT_TRUE(summary.ok());
  EXPECT_NE((*summary)[0].str(0).find("\"skipped_out_of_period\":2"), std::string::npos)
      << (*summary)[0].str(0);
}

TEST(ReconcileSettings, MaxLookbackDaysIsReadAndBounded) {
  auto with = [](const std::string& v) {
    return ReconcileSettings::from_config(
        ConfigFile::from_string(R"({"schedule": {"max_lookback_days": )" + v +
                                R"(, "inputs": {"bank": "b.csv", "treasury": "t.xml"}}})")
            ->root());
  };
  EXPECT_EQ(with("10").schedule.max_lookback_days, 10);
  try {
    with("400");
    FAIL() << "max_lookback_days 400 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("max_lookback_days"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lienthong::app

namespace lienthong::app {
namespace {

TEST_F(ReconcileRunTest, CallbackRouteStoresVerifiedConfirmationsOverHttp) {
  setenv("LT_TEST_PAYMENT_SECRET", "s3cret", 1);
  auto cfg = ConfigFile::from_string(
      R"({"reconciliation": {"payment_platform": {"secret": {"env": "LT_TEST_PAYMENT_SECRET"}}}})",
      dir_.string());
  Runtime rt;
  rt.config = cfg;
  rt.db = std::move(db_);
  rt.clock = &clock_;
  auto spec = reconciliation_component();
  auto component = spec.make(rt, cfg->root().object("reconciliation"));
  server::HttpServer srv(server::ServerOptions{});
  component->register_routes(srv);
  uint16_t port = srv.start();
  http::HttpClient client;
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/payments/callback";
  auto body = payment_platform::to_json(confirmation("TT77", "GD77", "00", "s3cret"));
  auto ok = client.send({"POST", url, {{"Content-Type", "application/json"}}, body});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("\"MaLoi\":\"00\""), std::string::npos);
  auto bad = client.send({"POST",
                          url,
                          {{"Content-Type", "application/json"}},
                          payment_platform::to_json(confirmation("TT78", "GD78", "00", "wrong"))});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 200);  // the public answer: 200 with MaLoi "99" (was 401)
  EXPECT_NE(bad->body.find("\"MaLoi\":\"99\""), std::string::npos);
  srv.stop();
  auto rows = rt.db->query("SELECT reference FROM recon_callbacks");
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].str(0), "GD77");
}

}  // namespace
}  // namespace lienthong::app

namespace lienthong::app {
namespace {

TEST(ReconcilePull, RunPullsThePortalTransactionsFromTheApiAndFindsTheInjectedDiscrepancies) {
  auto [dir, manifest] = generate_recon("recon_app_pull", 90, 9);
  sim::PaymentPlatformSim platform({(dir / "payments.jsonl").string(), 0, /*fail_every=*/4});
  uint16_t port = platform.start();
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  ASSERT_TRUE(db->migrate(reconciliation::migrations()).ok());
  ManualClock clock;
  setenv("LT_TEST_SIM_SECRET", "sim-secret", 1);
  auto cfg = ConfigFile::from_string(
      "{\"payment_platform\": {\"base_url\": \"http://127.0.0.1:" + std::to_string(port) +
          "\", \"partner_code\": \"H12\", \"secret\": {\"env\": \"LT_TEST_SIM_SECRET\"}, "
          "\"init_ledger\": \"inits.jsonl\"}}",
      dir.string());
  auto settings = ReconcileSettings::from_config(cfg->root());
  ReconcileRequest req;
  req.period = {day(manifest.from.c_str()), day(manifest.to.c_str()), day(manifest.as_of.c_str())};
  req.pull = true;
  req.bank = (dir / "bank.csv").string();
  req.treasury = (dir / "treasury.xml").string();
  req.obligations = (dir / "obligations.csv").string();
  req.out_dir = (dir / "out").string();
  auto r = run_reconciliation(*db, clock, settings, req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::map<std::string, std::string> want, got;
  for (auto& e : manifest.expected) want[e.key] = e.reason;
  for (auto& it : r->result.items) got[it.key] = std::string(reconciliation::to_string(it.reason));
  EXPECT_EQ(got, want);
  EXPECT_EQ(r->info.inputs[0].name, "payments");
  EXPECT_TRUE(fs::exists(dir / "out" / ("payments-" + manifest.from + "_" + manifest.to + ".jsonl")));
  // Each paid transaction's receipt came by GET_BILL, through the platform's outages.
  ASSERT_TRUE(r->pulled.has_value());
  EXPECT_GT(r->pulled->receipts, 0);
  EXPECT_EQ(r->pulled->receipts_missing, 0);
  // The INIT ledger is an input of the run: a changed ledger makes a new run.
  EXPECT_TRUE(std::any_of(r->info.inputs.begin(), r->info.inputs.end(),
                          [](const reconciliation::InputChecksum& c) { return c.name == "inits"; }));
  ReconcileSettings no_url;
  EXPECT_FALSE(run_reconciliation(*db, clock, no_url, req).ok());
  // Without the INIT ledger there is nothing to QUERY: refused, naming it.
  ReconcileSettings no_ledger = settings;
  no_ledger.init_ledger.clear();
  auto refused = run_reconciliation(*db, clock, no_ledger, req);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("init_ledger"), std::string::npos);
}

TEST(PaymentReceipt, CommandPrintsTheReceiptOfAPaidTransactionAndRefusesAnUnknownOne) {
  auto [dir, manifest] = generate_recon("recon_app_receipt", 30, 0);
  sim::PaymentPlatformSim platform({(dir / "payments.jsonl").string(), 0, 0});
  uint16_t port = platform.start();
  std::string ref, tx;
  {
    std::ifstream in(dir / "payments.jsonl");
    for (std::string line; std::getline(in, line) && ref.empty();) {
      auto t = payment_platform::parse_transaction(line);
      ASSERT_TRUE(t.ok()) << t.error().message;
      if (t->status == 1) ref = t->partner_ref, tx = t->transaction_id;
    }
  }
  ASSERT_FALSE(ref.empty());
  setenv("LT_TEST_SIM_SECRET", "sim-secret", 1);
  {
    std::ofstream cfg(dir / "receipt.json");
    cfg << "{\"store\": {\"backend\": \"sqlite\", \"path\": \"receipt.db\"}, \"reconciliation\": "
           "{\"payment_platform\": {\"base_url\": \"http://127.0.0.1:"
        << port << "\", \"partner_code\": \"H12\", \"secret\": {\"env\": \"LT_TEST_SIM_SECRET\"}}}}";
  }
  std::string config = (dir / "receipt.json").string();
  testing::internal::CaptureStdout();
  int rc = run_payment({"receipt", "--ref", ref, "--transaction", tx, "--config", config, "--json"});
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, kExitOk);
  EXPECT_NE(out.find("\"SoBienLai\":\"BL" + tx + "\""), std::string::npos) << out;
  testing::internal::CaptureStdout();
  rc = run_payment({"receipt", "--ref", ref, "--transaction", tx, "--config", config});
  out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, kExitOk);
  EXPECT_NE(out.find("Số biên lai: BL" + tx), std::string::npos) << out;
  // Another transaction of the same reference has no receipt: the platform's refusal is an error.
  testing::internal::CaptureStderr();
  rc = run_payment({"receipt", "--ref", ref, "--transaction", tx + "X", "--config", config});
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, kExitFailure);
  EXPECT_NE(err.find("MaLoi 99"), std::string::npos) << err;
  EXPECT_THROW(run_payment({"receipt", "--ref", ref, "--config", config}), UsageError);
  EXPECT_THROW(run_payment({"bill"}), UsageError);
}

// The invented paged list is gone: its key is refused, naming what replaces it.
TEST(ReconcileSettings, RemovedPageSizeKeyIsRefusedNamingItsReplacement) {
  auto cfg =
      ConfigFile::from_string(R"({"payment_platform": {"base_url": "http://127.0.0.1:9", "page_size": 7}})");
  try {
    ReconcileSettings::from_config(cfg->root());
    ADD_FAILURE() << "page_size was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("page_size"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("init_ledger"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("QUERY"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lienthong::app

namespace lienthong::app {
namespace {

TEST(ReconcileSettings, ScheduledPullNeedsTheApiAndExcludesAPaymentsFile) {
  setenv("LT_TEST_PAYMENT_SECRET", "s3cret", 1);
  auto ok = ConfigFile::from_string(R"({"payment_platform": {"base_url": "http://127.0.0.1:9",
      "secret": {"env": "LT_TEST_PAYMENT_SECRET"}, "partner_code": "H12", "init_ledger": "inits.jsonl"},
      "schedule": {"pull_payments": true, "inputs": {"bank": "b.csv", "treasury": "t.xml"}}})");
  EXPECT_TRUE(ReconcileSettings::from_config(ok->root()).schedule.pull_payments);
  auto no_ledger = ConfigFile::from_string(R"({"payment_platform": {"base_url": "http://127.0.0.1:9",
      "secret": {"env": "LT_TEST_PAYMENT_SECRET"}, "partner_code": "H12"},
      "schedule": {"pull_payments": true, "inputs": {"bank": "b.csv", "treasury": "t.xml"}}})");
  try {
    ReconcileSettings::from_config(no_ledger->root());
    ADD_FAILURE() << "a scheduled pull without the INIT ledger was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("init_ledger"), std::string::npos) << e.what();
  }
  auto no_url = ConfigFile::from_string(
      R"({"schedule": {"pull_payments": true, "inputs": {"bank": "b.csv", "treasury": "t.xml"}}})");
  try {
    ReconcileSettings::from_config(no_url->root());
    ADD_FAILURE() << "a scheduled pull without base_url was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("pull_payments"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("base_url"), std::string::npos) << e.what();
  }
  auto both = ConfigFile::from_string(R"({"payment_platform": {"base_url": "http://127.0.0.1:9",
      "secret": {"env": "LT_TEST_PAYMENT_SECRET"}, "partner_code": "H12", "init_ledger": "inits.jsonl"},
      "schedule": {"pull_payments": true,
                   "inputs": {"bank": "b.csv", "treasury": "t.xml", "payments": "p.jsonl"}}})");
  EXPECT_THROW(ReconcileSettings::from_config(both->root()), ConfigError);
}

TEST(ReconcileSchedule, ScheduledJobPullsThePortalTransactionsAndGetsTheResultOfTheSameFile) {
  auto [dir, manifest] = generate_recon("recon_app_scheduled_pull", 200, 18);  // 2026-11-01 .. 2026-11-10
  sim::PaymentPlatformSim platform({(dir / "payments.jsonl").string(), 0, /*fail_every=*/3});
  uint16_t port = platform.start();
  setenv("LT_TEST_SIM_SECRET", "sim-secret", 1);
  auto cfg = ConfigFile::from_string(
      R"({"reconciliation": {"out_dir": "reports",
          "payment_platform": {"base_url": "http://127.0.0.1:)" +
          std::to_string(port) + R"(", "partner_code": "H12", "init_ledger": "inits.jsonl",
                               "secret": {"env": "LT_TEST_SIM_SECRET"}},
          "schedule": {"time": "06:00", "pull_payments": true,
                       "inputs": {"bank": "bank.csv", "treasury": "treasury.xml",
                                  "obligations": "obligations.csv"}}}})",
      dir.string());
  ManualClock clock(vn_time::from_vietnam({2026, 11, 6, 5, 0, 0}));
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  ASSERT_TRUE(db->migrate(reconciliation::migrations()).ok());
  ScheduledReconciliation scheduled(cfg, std::move(db), clock);
  auto& sched = scheduled.sched;
  auto& rt = scheduled.rt;
  EXPECT_EQ(sched.run_due(), 0);
  clock.set_ms(vn_time::from_vietnam({2026, 11, 6, 6, 0, 1}));  // runs for 2026-11-05
  EXPECT_EQ(sched.run_due(), 1);
  auto stats = sched.stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].failures, 0) << stats[0].last_error;
  EXPECT_GT(platform.requests(), 20);  // one QUERY per INIT of the day, through the injected 503s
  platform.stop();
  fs::path out = dir / "reports" / "2026-11-05";
  EXPECT_TRUE(fs::exists(out / "payments-2026-11-05_2026-11-05.jsonl"));
  auto runs = rt.db->query("SELECT period_from, period_to FROM recon_runs");
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].str(0), "2026-11-05");

  // That day's transactions of the file the simulator serves, run as `lienthong reconcile
  // --payments` would run them: the same exceptions. (The other inputs hold all ten days,
  // so most exceptions are records of other days; what matters is that both agree.)
  {
    std::ifstream all(dir / "payments.jsonl");
    std::ofstream day_file(dir / "payments-2026-11-05.jsonl");
    for (std::string line; std::getline(all, line);)
      if (line.find("\"ThoiGianGD\":\"20261105") != std::string::npos) day_file << line << "\n";
  }
  auto db2 = std::move(store::open_sqlite({.path = ":memory:"})).value();
  ASSERT_TRUE(db2->migrate(reconciliation::migrations()).ok());
  ReconcileRequest req;
  req.period = {day("2026-11-05"), day("2026-11-05"), day("2026-11-06")};
  req.payments = (dir / "payments-2026-11-05.jsonl").string();
  req.bank = (dir / "bank.csv").string();
  req.treasury = (dir / "treasury.xml").string();
  req.obligations = (dir / "obligations.csv").string();
  auto direct = run_reconciliation(*db2, clock, ReconcileSettings{}, req);
  ASSERT_TRUE(direct.ok()) << direct.error().message;
  ASSERT_FALSE(direct->result.items.empty());
  std::ifstream csv(out / "exceptions.csv");
  std::string report((std::istreambuf_iterator<char>(csv)), std::istreambuf_iterator<char>());
  size_t exceptions = 0;
  for (auto& it : direct->result.items) {
    if (it.reason == reconciliation::ReasonCode::kMatched) continue;
    ++exceptions;
    EXPECT_NE(report.find(it.key), std::string::npos) << it.key << " missing from the scheduled run's report";
  }
  EXPECT_GT(exceptions, 0u);
  EXPECT_EQ(static_cast<size_t>(std::count(report.begin(), report.end(), '\n')), exceptions + 1)
      << "one header line and one row per exception";
}

}  // namespace
}  // namespace lienthong::app
