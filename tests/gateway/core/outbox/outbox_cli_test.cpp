// Runs the built `lienthong outbox ...` against a temporary store seeded by the library.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::outbox {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

class OutboxCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lienthong_outbox_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "lienthong.json").string();
    std::ofstream(config_) << R"({"store": {"path": "outbox.db"}, "outbox": {"max_attempts": 3}})";
    auto db = store::open_sqlite({.path = (dir_ / "outbox.db").string()});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate(Outbox::migrations()).ok());
    outbox_ = std::make_unique<Outbox>(*db_, Policy{}, SystemClock::instance());
  }
  void TearDown() override {
    outbox_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }

  CliRun run(const std::string& args) {
    std::string cmd = std::string(LIENTHONG_BINARY_DIR) + "/app/lienthong outbox " + args + " --config '" +
                      config_ + "' 2>&1";
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

  int64_t dead_letter(const std::string& key, const std::string& dedup, const std::string& payload) {
    auto e = outbox_->enqueue({"dvcqg", "dossier_status", key, dedup, payload});
    EXPECT_TRUE(e.ok());
    auto c = outbox_->claim("dvcqg", 10);
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(outbox_->mark_failed(e->id, Error(ErrorKind::kClient, "upstream said no")).ok());
    return e->id;
  }

  fs::path dir_;
  std::string config_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(OutboxCliTest, ListShowsStateAndErrorButNoPayload) {
  int64_t id = dead_letter("dvcqg:H1", "H1-v1", R"({"hoTen":"Nguyen Van A"})");
  CliRun r = run("list --state dead");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(std::to_string(id) + "\tdead\tdvcqg"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("client_error: upstream said no"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Nguyen"), std::string::npos) << r.out;

  r = run("list --state pending --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "[]\n");
}

// One --format on the listings; --json and --csv stay as its aliases. An ordering key a
// spreadsheet would run as a formula is written neutralised (the one CSV writer).
TEST_F(OutboxCliTest, ListCountsAndShowTakeFormatTableCsvOrJson) {
  int64_t id = dead_letter("=HYPERLINK(\"http://x\")", "H1-v1", "{}");
  CliRun table = run("list --format table");
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("ID\tSTATE\tDESTINATION"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(std::to_string(id) + "\tdead\tdvcqg\tdossier_status\t=HYPERLINK"),
            std::string::npos)
      << table.out;

  CliRun csv = run("list --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  EXPECT_EQ(csv.out.rfind("ID,STATE,DESTINATION,KIND,ORDERING_KEY,ATTEMPTS,NEXT_ATTEMPT,LAST_ERROR\n", 0), 0u)
      << csv.out;
  EXPECT_NE(
      csv.out.find(std::to_string(id) + ",dead,dvcqg,dossier_status,\"'=HYPERLINK(\"\"http://x\"\")\","),
      std::string::npos)
      << csv.out;
  EXPECT_EQ(run("list --csv").out, csv.out);

  CliRun json = run("list --format json");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  EXPECT_EQ(json.out.rfind("[{\"id\":" + std::to_string(id), 0), 0u) << json.out;
  EXPECT_EQ(run("list --json").out, json.out);

  CliRun counts = run("counts --format csv");
  ASSERT_EQ(counts.exit_code, 0) << counts.out;
  EXPECT_EQ(counts.out, "pending,sent,dead,blocked\n0,0,1,0\n");
  EXPECT_EQ(run("counts --format json").out, "{\"pending\":0,\"sent\":0,\"dead\":1,\"blocked\":0}\n");

  CliRun show = run("show " + std::to_string(id) + " --format csv");
  ASSERT_EQ(show.exit_code, 0) << show.out;
  EXPECT_NE(show.out.find("ordering key,\"'=HYPERLINK(\"\"http://x\"\")\"\n"), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find("payload,"), std::string::npos) << show.out;  // personal data only on request

  CliRun wrong = run("list --format xml");
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out;
  EXPECT_NE(wrong.out.find("--format"), std::string::npos) << wrong.out;
}

TEST_F(OutboxCliTest, ShowHidesPayloadUnlessAsked) {
  int64_t id = dead_letter("dvcqg:H1", "H1-v1", R"({"hoTen":"Nguyen Van A"})");
  CliRun r = run("show " + std::to_string(id));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("Nguyen"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--payload"), std::string::npos) << r.out;
  r = run("show " + std::to_string(id) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("Nguyen"), std::string::npos) << r.out;
  r = run("show " + std::to_string(id) + " --payload");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Nguyen Van A"), std::string::npos) << r.out;

  r = run("show 424242");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("not found"), std::string::npos) << r.out;
  r = run("show abc");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST_F(OutboxCliTest, ReplayOneAndAllDead) {
  int64_t a = dead_letter("dvcqg:H1", "H1-v1", "{}");
  dead_letter("dvcqg:H2", "H2-v1", "{}");
  CliRun r = run("replay " + std::to_string(a));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto m = outbox_->get(a);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, State::kPending);
  EXPECT_EQ(m->attempts, 0);

  r = run("counts --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"pending\":1,\"sent\":0,\"dead\":1,\"blocked\":0}\n");

  r = run("replay --all-dead --destination dvcqg");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("replayed 1 dead letter"), std::string::npos) << r.out;
  auto c = outbox_->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->dead, 0);
  EXPECT_EQ(c->pending, 2);
}

TEST_F(OutboxCliTest, UsageErrorsAndHelp) {
  CliRun r = run("list --state lost");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--state"), std::string::npos) << r.out;
  r = run("frobnicate");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = run("--help");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("--payload"), std::string::npos) << r.out;
}

TEST_F(OutboxCliTest, UnknownOutboxConfigKeyIsRefused) {
  std::ofstream(config_) << R"({"store": {"path": "outbox.db"}, "outbox": {"max_atempts": 3}})";
  CliRun r = run("list");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("max_atempts"), std::string::npos) << r.out;
}

TEST_F(OutboxCliTest, PruneDeletesSentMessagesOlderThanTheGivenDaysAndSaysHowMany) {
  auto e = outbox_->enqueue({"dvcqg", "dossier_status", "k", "d1", "{}"});
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(outbox_->mark_sent({e->id}).ok());
  auto kept = run("prune --older-than-days 1 --json");
  EXPECT_EQ(kept.exit_code, 0) << kept.out;
  EXPECT_NE(kept.out.find("\"deleted\":0"), std::string::npos) << kept.out;
  auto gone = run("prune --older-than-days 0 --json");
  EXPECT_EQ(gone.exit_code, 0) << gone.out;
  EXPECT_NE(gone.out.find("\"deleted\":1"), std::string::npos) << gone.out;
  auto bad = run("prune --older-than-days soon");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("--older-than-days"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace lienthong::outbox
