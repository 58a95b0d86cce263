// `lienthong audit verify|export`, run as the real binary against a store file.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong {
namespace {

namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string out;
};

Run run(const std::string& args) {
  std::string cmd = std::string(LIENTHONG_BINARY_DIR) + "/app/lienthong " + args + " 2>&1";
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

class AuditCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lienthong_audit_cmd_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "lienthong.json").string();
    std::ofstream(config_) << R"({"store": {"backend": "sqlite", "path": ")" << (dir_ / "store.db").string()
                           << R"("}, "log": {"level": "error"}})";
    db_ = std::move(store::open_sqlite({(dir_ / "store.db").string()})).value();
    ASSERT_TRUE(db_->migrate(audit::AuditLog::migrations()).ok());
    audit::AuditLog log(*db_);
    // Entries on 2026-11-24, 25 and 26 (Vietnam time), two a day.
    for (int day = 24; day <= 26; ++day) {
      for (int h : {9, 15}) {
        audit::AuditEntry e;
        e.at_ms = vn_time::from_vietnam({2026, 11, day, h, 0, 0});
        e.account = "motcua-hanoi";
        e.purpose = "residence_check";
        e.dossier_code = "H26-" + std::to_string(day) + "-" + std::to_string(h);
        e.result = "found";
        e.subject = std::string(64, 'a');
        ASSERT_TRUE(log.append(e).ok());
      }
    }
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::string config_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(AuditCommand, RecordedHeadsAreKeptAndATruncatedLogIsCaughtByThem) {
  const std::string anchors = (dir_ / "heads.jsonl").string();
  auto first = run("audit verify --config " + config_ + " --anchors " + anchors + " --record");
  EXPECT_EQ(first.status, 0) << first.out;
  EXPECT_NE(first.out.find("0 of 0 recorded heads checked"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("recorded head seq 6"), std::string::npos) << first.out;
  auto again = run("audit verify --config " + config_ + " --anchors " + anchors);
  EXPECT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find("1 of 1 recorded heads checked"), std::string::npos) << again.out;

  // Someone with write access drops the newest entries: the chain alone still verifies.
  ASSERT_TRUE(db_->exec("DELETE FROM citizen_audit WHERE seq > 4").ok());
  EXPECT_EQ(run("audit verify --config " + config_).status, 0);
  auto caught = run("audit verify --config " + config_ + " --anchors " + anchors + " --record");
  EXPECT_EQ(caught.status, 1) << caught.out;
  EXPECT_NE(caught.out.find("BROKEN at entry 5 (truncated)"), std::string::npos) << caught.out;
  // Nothing is recorded from a broken log.
  std::ifstream in(anchors);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, 1);

  auto bad_usage = run("audit verify --config " + config_ + " --record");
  EXPECT_EQ(bad_usage.status, 2) << bad_usage.out;
  auto with_file = run("audit verify --chain-only --file " + (dir_ / "x.jsonl").string() + " --anchors " +
                       anchors + " --record");
  EXPECT_EQ(with_file.status, 2) << with_file.out;
  std::ofstream(dir_ / "garbage.jsonl") << "{\"seq\": 1}\n";
  auto garbage = run("audit verify --config " + config_ + " --anchors " + (dir_ / "garbage.jsonl").string());
  EXPECT_NE(garbage.status, 0);
  EXPECT_NE(garbage.out.find("garbage.jsonl line 1"), std::string::npos) << garbage.out;
}

TEST_F(AuditCommand, AnEmptyLogRecordsNoHead) {
  ASSERT_TRUE(db_->exec("DELETE FROM citizen_audit").ok());
  const std::string anchors = (dir_ / "heads.jsonl").string();
  auto r = run("audit verify --config " + config_ + " --anchors " + anchors + " --record");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("nothing recorded: the log is empty"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(anchors));
}

TEST_F(AuditCommand, VerifyReportsAnIntactChainAndItsHead) {
  auto r = run("audit verify --config " + config_);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("audit log intact: 6 entries verified; head seq 6"), std::string::npos) << r.out;
  auto j = run("audit verify --json --config " + config_);
  EXPECT_EQ(j.status, 0);
  EXPECT_NE(j.out.find("\"intact\":true"), std::string::npos) << j.out;
}

TEST_F(AuditCommand, VerifyNamesTheFirstEditedEntryAndFails) {
  ASSERT_TRUE(db_->exec("UPDATE citizen_audit SET result = 'not_found' WHERE seq = 4").ok());
  auto r = run("audit verify --config " + config_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("BROKEN at entry 4 (edited)"), std::string::npos) << r.out;
}

TEST_F(AuditCommand, VerifyNamesADeletedEntry) {
  ASSERT_TRUE(db_->exec("DELETE FROM citizen_audit WHERE seq = 2").ok());
  auto r = run("audit verify --json --config " + config_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("\"first_broken_seq\":3,\"problem\":\"deleted\""), std::string::npos) << r.out;
}

TEST_F(AuditCommand, ExportWritesTheDaysAskedForAndTheExportVerifiesOnItsOwn) {
  std::string out = (dir_ / "export.jsonl").string();
  auto r = run("audit export --from 2026-11-25 --to 2026-11-26 --out " + out + " --config " + config_);
  ASSERT_EQ(r.status, 0) << r.out;
  std::ifstream in(out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find("\"seq\":3"), std::string::npos);
  EXPECT_NE(lines[0].find("\"at\":\"2026-11-25T09:00:00"), std::string::npos) << lines[0];
  auto v = run("audit verify --chain-only --file " + out);
  EXPECT_EQ(v.status, 0) << v.out;
  EXPECT_NE(v.out.find("4 entries verified"), std::string::npos);

  // An inspector who edits the export is caught too.
  std::string edited = lines[1];
  edited.replace(edited.find("\"result\":\"found\""), 16, "\"result\":\"mismatch\"");
  std::ofstream(out) << lines[0] << "\n" << edited << "\n" << lines[2] << "\n";
  auto bad = run("audit verify --chain-only --file " + out);
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("BROKEN at entry 4"), std::string::npos) << bad.out;
}

TEST_F(AuditCommand, CsvExportHasAHeaderAndOneRowPerEntry) {
  auto r = run("audit export --from 2026-11-24 --to 2026-11-24 --format csv --config " + config_);
  ASSERT_EQ(r.status, 0) << r.out;
  std::istringstream s(r.out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(s, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0].rfind("seq,at,at_ms,lookup_id", 0), 0u);
  EXPECT_EQ(lines[1].rfind("1,2026-11-24T09:00:00", 0), 0u) << lines[1];
}

TEST_F(AuditCommand, BadDatesAndFormatsAreUsageErrors) {
  EXPECT_EQ(run("audit export --from 2026-13-01 --to 2026-11-26 --config " + config_).status, 2);
  EXPECT_EQ(run("audit export --from 2026-11-26 --to 2026-11-25 --config " + config_).status, 2);
  EXPECT_EQ(run("audit export --from 2026-11-25 --to 2026-11-26 --format xml --config " + config_).status, 2);
  EXPECT_EQ(run("audit frobnicate").status, 2);
}

TEST_F(AuditCommand, VerifyListsAnIntentWithoutOutcomeAsUnfinished) {
  audit::AuditLog log(*db_);
  audit::AuditEntry e;
  e.at_ms = vn_time::from_vietnam({2026, 11, 27, 9, 0, 0});
  e.account = "motcua-hanoi";
  e.lookup_id = "feedfacefeedfacefeedfacefeedface";
  e.result = audit::kIntentResult;
  ASSERT_TRUE(log.append(e).ok());  // seq 7: the gateway died during the call
  e.lookup_id = "0123456789abcdef0123456789abcdef";
  ASSERT_TRUE(log.append(e).ok());  // seq 8, then its outcome
  e.result = "found";
  ASSERT_TRUE(log.append(e).ok());
  auto r = run("audit verify --config " + config_);
  EXPECT_EQ(r.status, 0) << r.out;  // the chain is intact; the unfinished lookup is reported
  EXPECT_NE(r.out.find("1 lookup(s) UNFINISHED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("entry 7 lookup_id feedfacefeedfacefeedfacefeedface"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("0123456789abcdef0123456789abcdef"), std::string::npos) << r.out;
  auto j = run("audit verify --json --config " + config_);
  EXPECT_NE(j.out.find(R"("unfinished":[{"seq":7,"lookup_id":"feedfacefeedfacefeedfacefeedface"}])"),
            std::string::npos)
      << j.out;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (auto& l : lines) out << l << "\n";
}

class SignedEvidence : public AuditCommand {
 protected:
  void SetUp() override {
    AuditCommand::SetUp();
    for (const char* who : {"gateway", "forger"}) {
      std::string cmd = std::string(LIENTHONG_SOURCE_DIR "/certs/make-audit-signing-key.sh ") +
                        (dir_ / who).string() + " > /dev/null";
      ASSERT_EQ(std::system(cmd.c_str()), 0);
    }
    key_ = (dir_ / "gateway" / "audit-signing.key").string();
    pub_ = (dir_ / "gateway" / "audit-signing.pub").string();
    out_ = (dir_ / "export.jsonl").string();
  }
  lienthong::Run export_signed(const std::string& key) {
    return run("audit export --from 2026-11-25 --to 2026-11-26 --out " + out_ + " --signing-key " + key +
               " --config " + config_);
  }
  std::string key_, pub_, out_;
};

TEST_F(SignedEvidence, ASealedExportVerifiesWithThePublicKeyAlone) {
  auto r = export_signed(key_);
  ASSERT_EQ(r.status, 0) << r.out;
  auto lines = read_lines(out_);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines.back().rfind("{\"seal\":{\"from\":\"2026-11-25\"", 0), 0u) << lines.back();
  EXPECT_NE(lines.back().find("\"log_head_seq\":6"), std::string::npos) << lines.back();
  auto v = run("audit verify --file " + out_ + " --public-key " + pub_);
  EXPECT_EQ(v.status, 0) << v.out;
  EXPECT_NE(v.out.find("4 entries verified"), std::string::npos) << v.out;
  // Without a key or --chain-only, an export is not taken as proof.
  EXPECT_EQ(run("audit verify --file " + out_).status, 2);
}

TEST_F(SignedEvidence, ATrimmedOrUnsealedExportIsRefused) {
  ASSERT_EQ(export_signed(key_).status, 0);
  auto lines = read_lines(out_);
  auto trimmed = lines;
  trimmed.erase(trimmed.end() - 2);  // the newest entry, seal kept
  write_lines(out_, trimmed);
  auto t = run("audit verify --file " + out_ + " --public-key " + pub_);
  EXPECT_EQ(t.status, 1) << t.out;
  EXPECT_NE(t.out.find("REFUSED (seal)"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("entries were removed"), std::string::npos) << t.out;
  // The chain alone still verifies: that is what the seal adds.
  EXPECT_EQ(run("audit verify --chain-only --file " + out_).status, 0);
  auto unsealed = lines;
  unsealed.pop_back();
  write_lines(out_, unsealed);
  auto u = run("audit verify --file " + out_ + " --public-key " + pub_);
  EXPECT_EQ(u.status, 1) << u.out;
  EXPECT_NE(u.out.find("no seal"), std::string::npos) << u.out;
  auto after = lines;
  after.push_back(lines[0]);  // nothing may follow the seal
  write_lines(out_, after);
  EXPECT_EQ(run("audit verify --file " + out_ + " --public-key " + pub_).status, 1);
}

TEST_F(SignedEvidence, AnExportSealedWithAnotherKeyIsRefused) {
  ASSERT_EQ(export_signed((dir_ / "forger" / "audit-signing.key").string()).status, 0);
  auto v = run("audit verify --file " + out_ + " --public-key " + pub_);
  EXPECT_EQ(v.status, 1) << v.out;
  EXPECT_NE(v.out.find("not by the public key given"), std::string::npos) << v.out;
}

TEST_F(SignedEvidence, ABrokenLogIsNotSealed) {
  ASSERT_TRUE(db_->exec("UPDATE citizen_audit SET result = 'not_found' WHERE seq = 2").ok());
  auto r = export_signed(key_);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("not sealed"), std::string::npos) << r.out;
  EXPECT_EQ(run("audit export --from 2026-11-25 --to 2026-11-26 --format csv --signing-key " + key_ +
                " --config " + config_)
                .status,
            2);
}

TEST_F(SignedEvidence, RecordedHeadsAreSignedAndAnUnsignedOneIsRefused) {
  const std::string anchors = (dir_ / "heads.jsonl").string();
  auto rec =
      run("audit verify --config " + config_ + " --anchors " + anchors + " --record --signing-key " + key_);
  ASSERT_EQ(rec.status, 0) << rec.out;
  auto lines = read_lines(anchors);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"sig\":\""), std::string::npos) << lines[0];
  auto ok = run("audit verify --config " + config_ + " --anchors " + anchors + " --public-key " + pub_);
  EXPECT_EQ(ok.status, 0) << ok.out;
  // A head written by hand (after a rewrite, say) carries no signature.
  lines.push_back(R"({"seq":6,"hash":")" + std::string(64, 'a') +
                  R"(","recorded_at":"2026-11-27T09:00:00+07:00"})");
  write_lines(anchors, lines);
  auto bad = run("audit verify --config " + config_ + " --anchors " + anchors + " --public-key " + pub_);
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("REFUSED (unsigned_head)"), std::string::npos) << bad.out;
  // An edited signed head fails its signature.
  lines.pop_back();
  lines[0].replace(lines[0].find("\"seq\":6"), 7, "\"seq\":5");
  write_lines(anchors, lines);
  EXPECT_EQ(
      run("audit verify --config " + config_ + " --anchors " + anchors + " --public-key " + pub_).status, 1);
}

}  // namespace
}  // namespace lienthong
