// `lienthong handovers`, run in-process over a store holding one handed-over dossier (read
// and applied by the dvcqg_handover record kind from a golden input).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/dvcqg/handover_record.hpp"
#include "app/commands.hpp"
#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

int run_handovers(const std::vector<std::string>& args);

namespace {

struct Capture {
  std::ostringstream out, err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  ~Capture() {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
  }
};

struct CmdRun {
  int rc;
  std::string out, err;
};

class CmdHandovers : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cmd_handovers_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_ = (dir_ / "lienthong.json").string();
    std::ofstream(config_) << R"({"store": {"backend": "sqlite", "path": "state.db"}})";
    Runtime rt = open_runtime(config_, StoreAccess::kMigrate);
    auto kind = adapters::dvcqg::make_handover_record_kind();
    std::string body =
        json::read_file(std::string(LIENTHONG_SOURCE_DIR) +
                        "/tests/adapters/dvcqg/golden/handover/promotion_notice_with_files/input.json")
            .value();
    auto read = kind->read(body);
    ASSERT_TRUE(read.ok()) << read.error().message;
    ASSERT_TRUE(kind->apply(*rt.db, read->record, 1'795'000'000'000).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  CmdRun run(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config_);
    Capture c;
    int rc = run_handovers(args);
    return {rc, c.out.str(), c.err.str()};
  }

  std::filesystem::path dir_;
  std::string config_;
};

TEST_F(CmdHandovers, ListShowsTheDossierWithoutPersonalData) {
  auto r = run({"list"});
  ASSERT_EQ(r.rc, kExitOk) << r.err;
  EXPECT_NE(r.out.find("G22.99-261102-0001\t2.000003\t3\t"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("0100000000"), std::string::npos) << r.out;
  auto j = run({"list", "--json"});
  auto d = json::parse(j.out).value();
  ASSERT_TRUE(d.IsArray());
  ASSERT_EQ(d.Size(), 1u);
  EXPECT_EQ(json::get_int(d[0], "versions"), 1);
}

TEST_F(CmdHandovers, ShowHidesTheMembersUnlessAskedAndFileWritesTheDecodedBytes) {
  auto r = run({"show", "G22.99-261102-0001"});
  ASSERT_EQ(r.rc, kExitOk) << r.err;
  EXPECT_NE(r.out.find("noi_dung.txt"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Cong ty TNHH Mau"), std::string::npos) << r.out;
  auto f = run({"show", "G22.99-261102-0001", "--fields", "--json"});
  auto d = json::parse(f.out).value();
  EXPECT_EQ(json::get_string(d["fields"], "TenThuongNhan"), "Cong ty TNHH Mau");
  std::string sha = json::get_string(d["files"][1], "sha256").value();
  std::string out = (dir_ / "file.bin").string();
  auto w = run({"file", sha, "--out", out});
  ASSERT_EQ(w.rc, kExitOk) << w.err;
  std::string bytes = json::read_file(out).value();
  EXPECT_EQ(sha256_hex(bytes), sha);
  EXPECT_EQ(bytes, "Noi dung chi tiet chuong trinh khuyen mai\n");
}

TEST_F(CmdHandovers, AnUnknownCodeOrFileFailsNamingIt) {
  auto r = run({"show", "NOPE"});
  EXPECT_EQ(r.rc, kExitFailure);
  EXPECT_NE(r.err.find("no handed-over dossier NOPE"), std::string::npos) << r.err;
  auto f = run({"file", std::string(64, '0'), "--out", (dir_ / "x").string()});
  EXPECT_EQ(f.rc, kExitFailure);
  EXPECT_NE(f.err.find("no stored file"), std::string::npos) << f.err;
}

}  // namespace
}  // namespace lienthong::app
