// The store's administration and the operator-facing checks, through the real binary:
// read-only commands never create a store, a newer schema is refused, a backup taken
// while serve runs restores and serves, config check lists every problem.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/core/common/json.hpp"
#include "tests/integration/common/process.hpp"

namespace lienthong {
namespace {

namespace fs = std::filesystem;
using testing::kLienthong;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class CmdStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("cmd_store_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  fs::path write_config(const std::string& name, const std::string& store_path,
                        const std::string& extra = "") {
    fs::path p = dir_ / name;
    std::ofstream(p) << "{\"store\": {\"backend\": \"sqlite\", \"path\": \"" << store_path << "\"}" << extra
                     << "}";
    return p;
  }
  std::pair<int, std::string> lienthong(const std::vector<std::string>& args,
                                        const std::string& err = "err.txt") {
    std::vector<std::string> argv = {kLienthong};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run(argv, (dir_ / err).string());
  }
  std::string err(const std::string& name = "err.txt") { return slurp(dir_ / name); }
  fs::path dir_;
};

TEST_F(CmdStore, ReadOnlyCommandOnAMissingStoreFailsNamingThePathAndCreatesNothing) {
  fs::path db = dir_ / "typo" / "lienthong.db";
  auto cfg = write_config("c.json", db.string());
  for (auto cmd : std::vector<std::vector<std::string>>{
           {"outbox", "counts"}, {"store", "status"}, {"quarantine", "count"}, {"store", "check"}}) {
    cmd.push_back("--config");
    cmd.push_back(cfg.string());
    auto [rc, out] = lienthong(cmd);
    EXPECT_EQ(rc, 3) << cmd[0] << " " << out;
    EXPECT_NE(err().find(db.string()), std::string::npos) << err();
    EXPECT_FALSE(fs::exists(dir_ / "typo")) << cmd[0] << " created the store's folder";
  }
}

TEST_F(CmdStore, MigrateCreatesTheStoreThenStatusShowsEveryModuleUpToDate) {
  auto cfg = write_config("c.json", (dir_ / "s.db").string());
  auto [rc, out] = lienthong({"store", "migrate", "--config", cfg.string()});
  ASSERT_EQ(rc, 0) << err();
  EXPECT_NE(out.find("applied"), std::string::npos) << out;
  auto [rc2, out2] = lienthong({"store", "migrate", "--config", cfg.string()});
  EXPECT_EQ(rc2, 0);
  EXPECT_NE(out2.find("up to date"), std::string::npos) << out2;
  auto [rc3, js] = lienthong({"store", "status", "--json", "--config", cfg.string()});
  ASSERT_EQ(rc3, 0) << err();
  auto doc = json::parse(js);
  ASSERT_TRUE(doc.ok()) << js;
  EXPECT_EQ(json::get_string(*doc, "backend").value_or(""), "sqlite");
  EXPECT_GT(json::get_int(*doc, "size_bytes").value_or(0), 0);
  EXPECT_EQ(json::get_int(*doc, "outbox_pending").value_or(-1), 0);
  const auto& schema = (*doc)["schema"];
  ASSERT_TRUE(schema.IsArray());
  ASSERT_GT(schema.Size(), 3u);
  bool outbox_seen = false;
  for (const auto& m : schema.GetArray()) {
    EXPECT_EQ(m["pending"].GetInt64(), 0) << m["module"].GetString();
    EXPECT_EQ(m["applied"].GetInt64(), m["known"].GetInt64()) << m["module"].GetString();
    outbox_seen |= std::string(m["module"].GetString()) == "outbox";
  }
  EXPECT_TRUE(outbox_seen);
}

TEST_F(CmdStore, AStoreWithANewerSchemaIsRefusedNamingBothVersions) {
  fs::path db = dir_ / "s.db";
  auto cfg = write_config("c.json", db.string());
  ASSERT_EQ(lienthong({"store", "migrate", "--config", cfg.string()}).first, 0) << err();
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "INSERT INTO schema_migrations (module, version) VALUES ('outbox', 99)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  for (auto cmd :
       std::vector<std::vector<std::string>>{{"outbox", "counts"}, {"store", "migrate"}, {"sync"}}) {
    cmd.push_back("--config");
    cmd.push_back(cfg.string());
    auto [rc, out] = lienthong(cmd);
    EXPECT_EQ(rc, 3) << cmd[0];
    std::string e = err();
    EXPECT_NE(e.find("version 99 of module outbox"), std::string::npos) << e;
    EXPECT_NE(e.find("knows (5)"), std::string::npos) << e;  // outbox migration 5: attempt history
  }
}

TEST_F(CmdStore, ManualMigrationRefusesToStartUntilStoreMigrateRan) {
  fs::path db = dir_ / "s.db";
  auto cfg = write_config("c.json", db.string());
  fs::path manual = dir_ / "m.json";
  std::ofstream(manual) << R"({"store": {"backend": "sqlite", "migrate": "manual", "path": ")" << db.string()
                        << R"("}, "server": {"port": 0}})";
  testing::Process serve({kLienthong, "serve", "--config", manual.string()}, (dir_ / "serve.err").string());
  EXPECT_EQ(serve.wait(std::chrono::seconds(30)), 3);
  EXPECT_NE(err("serve.err").find("store migrate"), std::string::npos) << err("serve.err");
  ASSERT_EQ(lienthong({"store", "migrate", "--config", manual.string()}).first, 0) << err();
  testing::Process again({kLienthong, "serve", "--config", manual.string()}, (dir_ / "serve2.err").string());
  auto line = again.read_line(std::chrono::seconds(30));
  ASSERT_TRUE(line) << err("serve2.err");
  EXPECT_NE(line->find("listening"), std::string::npos);
  again.signal(SIGTERM);
  EXPECT_EQ(again.wait(), 0);
}

TEST_F(CmdStore, BackupTakenWhileServeRunsRestoresAndServes) {
  fs::path db = dir_ / "live.db";
  fs::path cfg = dir_ / "live.json";
  std::ofstream(cfg) << R"({"store": {"backend": "sqlite", "path": ")" << db.string()
                     << R"("}, "server": {"port": 0}})";
  testing::Process serve({kLienthong, "serve", "--config", cfg.string()}, (dir_ / "serve.err").string());
  ASSERT_TRUE(serve.read_line(std::chrono::seconds(30))) << err("serve.err");
  fs::path backup = dir_ / "backup.db";
  auto [rc, out] = lienthong({"store", "backup", backup.string(), "--config", cfg.string()});
  ASSERT_EQ(rc, 0) << err();
  EXPECT_NE(out.find("backup written to"), std::string::npos) << out;
  // A second backup to the same name is refused: a backup never overwrites.
  EXPECT_EQ(lienthong({"store", "backup", backup.string(), "--config", cfg.string()}, "err2.txt").first, 1);
  EXPECT_NE(err("err2.txt").find("exists already"), std::string::npos) << err("err2.txt");
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(), 0);

  // Restored: the copy alone, under a new name, checked and served.
  fs::path restored = dir_ / "restored" / "lienthong.db";
  fs::create_directories(restored.parent_path());
  fs::copy_file(backup, restored);
  fs::path rcfg = dir_ / "restored.json";
  std::ofstream(rcfg) << R"({"store": {"backend": "sqlite", "migrate": "manual", "path": ")"
                      << restored.string() << R"("}, "server": {"port": 0}})";
  auto [crc, cout_] = lienthong({"store", "check", "--config", rcfg.string()});
  EXPECT_EQ(crc, 0) << err();
  EXPECT_EQ(cout_, "integrity: ok\n");
  // migrate "manual": serving proves the copy holds every migration, not a fresh schema.
  testing::Process back({kLienthong, "serve", "--config", rcfg.string()}, (dir_ / "back.err").string());
  auto line = back.read_line(std::chrono::seconds(30));
  ASSERT_TRUE(line) << err("back.err");
  auto ready = json::parse(*line);
  ASSERT_TRUE(ready.ok());
  // /readyz is on the admin listener (docs/observability.md).
  auto port = static_cast<uint16_t>(json::get_int(*ready, "admin").value_or(0));
  auto r = testing::http_request(port, "GET", "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"ready\":true}");
  back.signal(SIGTERM);
  EXPECT_EQ(back.wait(), 0);
}

TEST_F(CmdStore, ConfigCheckListsEveryProblemWithItsKey) {
  fs::path cfg = dir_ / "bad.json";
  std::ofstream(cfg) << R"({"store": {"backend": "sqlite", "path": "s.db", "synchronous": "SOMETIMES"},
    "server": {"port": 0, "tls": {"cert_file": "missing-cert.pem", "key_file": "missing-key.pem"}},
    "kpi": {"procedures": "no-such-catalogue.json"},
    "calendar": {"calendar_dir": "no-such-calendars"}})";
  auto [rc, out] = lienthong({"config", "check", cfg.string(), "--json"});
  EXPECT_EQ(rc, 3);
  auto doc = json::parse(out);
  ASSERT_TRUE(doc.ok()) << out;
  EXPECT_FALSE((*doc)["valid"].GetBool());
  const auto& errors = (*doc)["errors"];
  ASSERT_TRUE(errors.IsArray()) << out;
  std::string all;
  for (const auto& e : errors.GetArray()) all += std::string(e.GetString()) + "\n";
  // Section-level problems come first; the store's bad value is named with its key.
  EXPECT_NE(all.find("store.synchronous"), std::string::npos) << all;

  // With the store fixed, the files: the TLS pair and the missing catalogue, all at once.
  std::ofstream(cfg) << R"({"store": {"backend": "sqlite", "path": "s.db"},
    "server": {"port": 0, "tls": {"cert_file": "missing-cert.pem", "key_file": "missing-key.pem"}},
    "kpi": {"procedures": "no-such-catalogue.json"},
    "calendar": {"calendar_dir": "no-such-calendars"}})";
  auto [rc2, out2] = lienthong({"config", "check", cfg.string()}, "check2.err");
  EXPECT_EQ(rc2, 3);
  std::string e = err("check2.err");
  EXPECT_NE(e.find("server.tls.cert_file"), std::string::npos) << e;
  EXPECT_NE(e.find("missing-cert.pem"), std::string::npos) << e;
  EXPECT_NE(e.find("server.tls.key_file"), std::string::npos) << e;
  EXPECT_NE(e.find("section 'kpi': cannot open"), std::string::npos) << e;
  EXPECT_NE(e.find("no-such-catalogue.json"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir_ / "s.db")) << "config check created the store";

  // A missing calendar folder, alone.
  fs::path cal = dir_ / "cal.json";
  std::ofstream(cal) << R"({"store": {"backend": "sqlite", "path": "s.db"}, "kpi": {},
    "calendar": {"calendar_dir": "no-such-calendars"}})";
  auto [rc3, out3] = lienthong({"config", "check", cal.string()}, "check3.err");
  EXPECT_EQ(rc3, 3);
  EXPECT_NE(err("check3.err").find("no-such-calendars"), std::string::npos) << err("check3.err");

  // serve refuses the same configuration with a clear line and exit 3, not std::terminate.
  testing::Process serve({kLienthong, "serve", "--config", cfg.string()}, (dir_ / "serve.err").string());
  EXPECT_EQ(serve.wait(std::chrono::seconds(30)), 3);
  EXPECT_NE(err("serve.err").find("server.tls.cert_file"), std::string::npos) << err("serve.err");
  EXPECT_EQ(err("serve.err").find("terminate"), std::string::npos) << err("serve.err");
}

TEST_F(CmdStore, ConfigCheckKnowsTheWebhookRecordKindsTheAppRegisters) {
  ::setenv("LIENTHONG_TEST_TAX_KEY", "land-tax-key-of-thirty-two-bytes", 1);
  auto source = [](const std::string& kind) {
    return R"(, "webhooks": {"sources": {"thue-tb": {"auth": "shared_key", "answer": "dvcqg",
        "record_kind": ")" +
           kind +
           R"(", "shared_key": {"secret": {"env": "LIENTHONG_TEST_TAX_KEY"}, "body_field": "SecurityKey"}}}})";
  };
  auto [rc, out] =
      lienthong({"config", "check", write_config("ok.json", "s.db", source("land_tax_notice")).string()});
  EXPECT_EQ(rc, 0) << err();
  auto [rc2, out2] = lienthong(
      {"config", "check", write_config("bad.json", "s.db", source("ho_so_dat")).string()}, "bad.err");
  EXPECT_EQ(rc2, 3);
  EXPECT_NE(err("bad.err").find("webhooks.sources.thue-tb.record_kind"), std::string::npos) << err("bad.err");
  EXPECT_NE(err("bad.err").find("land_tax_notice"), std::string::npos) << err("bad.err");
}

}  // namespace
}  // namespace lienthong
