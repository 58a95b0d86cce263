// Runs the built `lienthong calendar|kpi|late|monitor ...` against a temporary store.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/flows/kpi/late_register.hpp"

namespace lienthong::app {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

class KpiCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lienthong_kpi_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "lienthong.json").string();
    std::ofstream(config_) << R"({"store": {"path": "kpi.db"},
      "calendar": {"calendar_dir": ")"
                           << LIENTHONG_SOURCE_DIR << R"(/mappings/calendar"},
      "kpi": {"procedures": ")"
                           << LIENTHONG_SOURCE_DIR << R"(/mappings/procedures.json"}})";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void seed() {
    auto db = std::move(store::open_sqlite({.path = (dir_ / "kpi.db").string()})).value();
    auto m = dossiers::DossierStore::migrations();
    auto l = kpi::LateRegister::migrations();
    m.insert(m.end(), l.begin(), l.end());
    ASSERT_TRUE(db->migrate(m).ok());
    model::DossierStatusEvent e;
    e.source = "one_stop_shop";
    e.dossier_code = "H56-2023-7";
    e.procedure_code = "2.000889.000.00.00.H56";
    e.channel = 1;
    e.agency_code = "A1";
    e.agency_level = "district";
    e.received_at_ms = *vn_time::parse_iso("2023-04-03T08:00");
    e.due_at_ms = *vn_time::parse_iso("2023-04-06T08:00");
    e.finished_at_ms = *vn_time::parse_iso("2023-04-10T09:00");
    e.status = 9;
    e.status_at_ms = *e.finished_at_ms;
    e.sequence = 1;
    ASSERT_TRUE(dossiers::DossierStore(*db).record(e, 1).ok());
  }

  // A dossier of district People's Committee 000.20.56.H36 (sample code tables), received
  // before the 1 July 2025 abolition of districts and resolved after it.
  void seed_reorg() {
    auto db = std::move(store::open_sqlite({.path = (dir_ / "kpi.db").string()})).value();
    ASSERT_TRUE(db->migrate(dossiers::DossierStore::migrations()).ok());
    model::DossierStatusEvent e;
    e.source = "one_stop_shop";
    e.dossier_code = "H36-2025-1";
    e.procedure_code = "2.000889.000.00.00.H56";
    e.channel = 1;
    e.agency_code = "000.20.56.H36";
    e.agency_level = "district";
    e.received_at_ms = *vn_time::parse_iso("2025-06-25T08:00");
    e.due_at_ms = *vn_time::parse_iso("2025-07-10T17:00");
    e.finished_at_ms = *vn_time::parse_iso("2025-07-04T09:00");
    e.status = 9;
    e.status_at_ms = *e.finished_at_ms;
    e.sequence = 1;
    ASSERT_TRUE(dossiers::DossierStore(*db).record(e, 1).ok());
  }
  // A late dossier of Ủy ban nhân dân thị xã Duy Tiên (000.20.49.H35, sample tables),
  // abolished on 1 July 2025 without successor.
  void seed_retired() {
    auto db = std::move(store::open_sqlite({.path = (dir_ / "kpi.db").string()})).value();
    auto m = dossiers::DossierStore::migrations();
    auto l = kpi::LateRegister::migrations();
    m.insert(m.end(), l.begin(), l.end());
    ASSERT_TRUE(db->migrate(m).ok());
    model::DossierStatusEvent e;
    e.source = "one_stop_shop";
    e.dossier_code = "H35-2025-9";
    e.procedure_code = "2.000889.000.00.00.H56";
    e.channel = 1;
    e.agency_code = "000.20.49.H35";
    e.agency_level = "district";
    e.received_at_ms = *vn_time::parse_iso("2025-06-02T08:00");
    e.due_at_ms = *vn_time::parse_iso("2025-06-05T17:00");
    e.finished_at_ms = *vn_time::parse_iso("2025-06-20T09:00");
    e.status = 9;
    e.status_at_ms = *e.finished_at_ms;
    e.sequence = 1;
    ASSERT_TRUE(dossiers::DossierStore(*db).record(e, 1).ok());
  }
  void with_code_tables() {
    std::ofstream(config_) << R"({"store": {"path": "kpi.db"},
      "codes": {"dir": ")" << LIENTHONG_SOURCE_DIR
                           << R"(/mappings/codes"}})";
  }

  CliRun run(const std::string& args) {
    std::string cmd =
        std::string(LIENTHONG_BINARY_DIR) + "/app/lienthong " + args + " --config " + config_ + " 2>&1";
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  fs::path dir_;
  std::string config_;
};

TEST_F(KpiCliTest, CalendarHolidaysOneALine) {
  auto r = run("calendar holidays 2026");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out,
            "2026-01-01 Tết Dương lịch (New Year's Day)\n"
            "2026-01-02 Hoán đổi (swapped day off) with Saturday 2026-01-10\n"
            "2026-02-16 Tết Nguyên đán (Lunar New Year), 29 tháng Chạp (last day of the year)\n"
            "2026-02-17 Tết Nguyên đán (Lunar New Year), mùng 1 tháng Giêng\n"
            "2026-02-18 Tết Nguyên đán (Lunar New Year), mùng 2 tháng Giêng\n"
            "2026-02-19 Tết Nguyên đán (Lunar New Year), mùng 3 tháng Giêng\n"
            "2026-02-20 Tết Nguyên đán (Lunar New Year), mùng 4 tháng Giêng\n"
            "2026-04-26 Giỗ Tổ Hùng Vương (Hùng Kings' Commemoration), 10/3 âm lịch\n"
            "2026-04-27 Nghỉ bù (compensatory day off) for 2026-04-26 Giỗ Tổ Hùng Vương (Hùng Kings' "
            "Commemoration), 10/3 âm lịch\n"
            "2026-04-30 Ngày Chiến thắng (Reunification Day)\n"
            "2026-05-01 Ngày Quốc tế Lao động (International Labour Day)\n"
            "2026-08-31 Hoán đổi (swapped day off) with Saturday 2026-08-22\n"
            "2026-09-01 Quốc khánh (National Day), adjacent day\n"
            "2026-09-02 Quốc khánh (National Day)\n");
  // 2025: the five Tết days were Mon 27 – Fri 31 Jan with the weekends around them, so Mon 27 Jan
  // is a Tết day (not a swap) and Sat 8 Feb is not a make-up working day; Sat 26 Apr is one.
  auto with_file = run("calendar holidays 2025 --all");
  EXPECT_NE(with_file.out.find("2025-01-27 Tết Nguyên đán (Lunar New Year), 28 tháng Chạp"),
            std::string::npos)
      << with_file.out;
  EXPECT_EQ(with_file.out.find("2025-02-08"), std::string::npos) << with_file.out;
  EXPECT_NE(with_file.out.find("2025-04-26 [working day] Làm bù"), std::string::npos) << with_file.out;
}

TEST_F(KpiCliTest, CalendarCheckWarnsFromOctoberWhenNextYearIsMissing) {
  // September 2026: only 2026 is required, and its file is confirmed.
  auto sep = run("calendar check --today 2026-09-30");
  EXPECT_EQ(sep.exit_code, 0) << sep.out;
  EXPECT_NE(sep.out.find("2026 confirmed"), std::string::npos) << sep.out;
  EXPECT_NE(sep.out.find("2027 missing (not yet required"), std::string::npos) << sep.out;
  // From 1 October 2026 the missing 2027 file is a warning and exit 1.
  auto oct = run("calendar check --today 2026-10-01");
  EXPECT_EQ(oct.exit_code, 1) << oct.out;
  EXPECT_NE(oct.out.find("warning: no confirmed calendar year file for 2027"), std::string::npos) << oct.out;
  // Every shipped year up to 2026 is confirmed.
  auto y2025 = run("calendar check --today 2025-03-01");
  EXPECT_EQ(y2025.exit_code, 0) << y2025.out;
  EXPECT_NE(y2025.out.find("2025 confirmed"), std::string::npos) << y2025.out;
  EXPECT_EQ(run("calendar check --today 2026-13-01").exit_code, 2);
}

TEST_F(KpiCliTest, CalendarCheckCountsAFileWithUnconfirmedEntriesAsNotConfirmed) {
  // A calendar folder of its own: the shipped 2026 file and a 2027 file with an open question.
  const fs::path cal = dir_ / "calendar";
  fs::create_directories(cal);
  fs::copy_file(fs::path(LIENTHONG_SOURCE_DIR) / "mappings/calendar/2026.json", cal / "2026.json");
  std::ofstream(cal / "2027.json") << R"({"year": 2027, "decision": "test",
    "unconfirmed": ["the make-up Saturday of the Tết swap"],
    "working_days": [{"date": "2027-02-20", "name": "Làm bù"}]})";
  std::ofstream(config_) << R"({"store": {"path": "kpi.db"}, "calendar": {"calendar_dir": ")" << cal.string()
                         << R"("}})";
  auto r = run("calendar check --today 2026-11-01");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("2026 confirmed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2027 unconfirmed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unconfirmed: the make-up Saturday of the Tết swap"), std::string::npos) << r.out;
}

TEST_F(KpiCliTest, CalendarDueAcrossTet) {
  auto r = run("calendar due --from 2026-02-13T16:00 --days 3");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("due:           2026-02-25T16:00:00+07:00 (Wednesday)"), std::string::npos) << r.out;
  auto bad = run("calendar due --from 2026-02-13T16:00 --days 3 --hours 2");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(KpiCliTest, KpiLateExplainAndExport) {
  seed();
  auto kpi = run("kpi --period 2023-Q2 --indicator on_time --by level --format csv");
  EXPECT_EQ(kpi.exit_code, 0) << kpi.out;
  EXPECT_NE(kpi.out.find("2023-Q2,2023-04-01,2023-06-30,level,received,,on_time,district,1,0,0.0000,0.9500"),
            std::string::npos)
      << kpi.out;
  auto late = run("late list --format csv");
  EXPECT_EQ(late.exit_code, 0) << late.out;
  EXPECT_NE(late.out.find("H56-2023-7,2.000889.000.00.00.H56,A1,district,9,"), std::string::npos) << late.out;
  auto explain = run("late explain H56-2023-7 --reason \"waiting for tax\" --apology XL-7 --by officer");
  EXPECT_EQ(explain.exit_code, 0) << explain.out;
  EXPECT_EQ(run("late list --format csv").out.find("H56-2023-7"), std::string::npos);
  auto exported = run("late export --format csv");
  EXPECT_NE(exported.out.find("H56-2023-7,waiting for tax,XL-7,,officer,"), std::string::npos)
      << exported.out;
  auto unknown = run("late explain NOPE --reason r --apology a --by o");
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST_F(KpiCliTest, RetiredAgencyIsReportedByNameInKpiAndLateRegister) {
  seed_retired();
  with_code_tables();
  const std::string name = "000.20.49.H35 Ủy ban nhân dân thị xã Duy Tiên";
  auto kpi =
      run("kpi --period 2025-06 --indicator on_time --by agency --group-as now --as-of 2025-09-01 "
          "--format csv");
  EXPECT_EQ(kpi.exit_code, 0) << kpi.out;
  EXPECT_NE(kpi.out.find(",on_time,retired:" + name + ","), std::string::npos) << kpi.out;
  auto late = run("late list --format csv");
  EXPECT_EQ(late.exit_code, 0) << late.out;
  EXPECT_NE(late.out.find(",explained,agency_retired\r\n"), std::string::npos) << late.out;
  EXPECT_NE(late.out.find("H35-2025-9,2.000889.000.00.00.H56,000.20.49.H35,district,9,"), std::string::npos)
      << late.out;
  EXPECT_NE(late.out.find(",no," + name + "\r\n"), std::string::npos) << late.out;
}

TEST_F(KpiCliTest, KpiGroupsAsReceivedOrAsNowAndSaysWhich) {
  seed_reorg();
  // Without code tables, "now" is refused rather than answered as received.
  auto refused = run("kpi --period 2025-06-01..2025-07-31 --by level --group-as now --as-of 2025-09-01");
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.out.find("code tables"), std::string::npos) << refused.out;
  with_code_tables();
  const std::string base = "kpi --period 2025-06-01..2025-07-31 --indicator on_time --by level";
  auto received = run(base + " --format csv");
  EXPECT_EQ(received.exit_code, 0) << received.out;
  EXPECT_NE(received.out.find(",level,received,,on_time,district,1,1,1.0000,"), std::string::npos)
      << received.out;
  auto now = run(base + " --group-as now --as-of 2025-09-01 --format csv");
  EXPECT_EQ(now.exit_code, 0) << now.out;
  EXPECT_NE(now.out.find(",level,now,2025-09-01,on_time,commune,1,1,1.0000,"), std::string::npos) << now.out;
  EXPECT_EQ(now.out.find("district"), std::string::npos) << now.out;
  auto table = run(base + " --group-as now --as-of 2025-09-01");
  EXPECT_NE(table.out.find("units as now (codes translated to 2025-09-01)"), std::string::npos) << table.out;
  auto json = run(base + " --format json");
  EXPECT_NE(json.out.find(R"("group_as":"received")"), std::string::npos) << json.out;
  EXPECT_EQ(run(base + " --group-as received --as-of 2025-09-01").exit_code, 2);
  EXPECT_EQ(run(base + " --group-as later").exit_code, 2);
}

}  // namespace
}  // namespace lienthong::app
