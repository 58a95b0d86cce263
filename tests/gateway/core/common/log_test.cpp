// The log survives a killed process: a child logs, is killed with SIGKILL (no destructor,
// no atexit flush), and the parent reads the file.
#include "gateway/core/common/log.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace lienthong::log {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct LogFile : ::testing::Test {
  std::filesystem::path path;
  void SetUp() override {
    path = std::filesystem::temp_directory_path() /
           ("lienthong_log_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".log");
    std::filesystem::remove(path);
  }
  void TearDown() override { std::filesystem::remove(path); }

  // Forks a child that inits the log to `path`, runs `body`, then kills itself with SIGKILL.
  template <class Body>
  void run_and_kill(Body body) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Options o;
      o.file = path.string();
      init(o);
      body();
      ::kill(::getpid(), SIGKILL);
      ::_exit(3);  // not reached
    }
    int st = 0;
    ASSERT_EQ(::waitpid(pid, &st, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(st));
    EXPECT_EQ(WTERMSIG(st), SIGKILL);
  }
};

TEST_F(LogFile, WarningsAndErrorsAreInTheFileWhenTheProcessIsKilledRightAfter) {
  run_and_kill([] {
    spdlog::info("info line before the warning");
    spdlog::warn("last warning before the kill");
    spdlog::error("last error before the kill");
  });
  std::string text = read_file(path);
  EXPECT_NE(text.find("last warning before the kill"), std::string::npos) << text;
  EXPECT_NE(text.find("last error before the kill"), std::string::npos) << text;
  // Flushing the warning writes out what was buffered before it.
  EXPECT_NE(text.find("info line before the warning"), std::string::npos) << text;
}

TEST_F(LogFile, InfoLinesAreInTheFileWithinTheFlushIntervalOfAKill) {
  run_and_kill([] {
    spdlog::info("last info line before the kill");
    std::this_thread::sleep_for(kFlushInterval + std::chrono::milliseconds(500));
  });
  std::string text = read_file(path);
  EXPECT_NE(text.find("last info line before the kill"), std::string::npos) << text;
}

}  // namespace
}  // namespace lienthong::log
