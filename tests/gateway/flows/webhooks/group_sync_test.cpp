#include "gateway/flows/webhooks/group_sync.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

namespace lienthong::webhooks {
namespace {

class GroupSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wh_group_sync_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    JournalOptions o;
    o.dir = dir_;
    o.fsync = true;
    o.group_sync = true;
    std::vector<JournalRecord> recovered;
    journal_ = std::move(IntakeJournal::open(o, recovered).value());
  }
  void TearDown() override {
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<IntakeJournal> journal_;
};

TEST_F(GroupSyncTest, AnAnswerWaitsForTheSyncOfItsRecordAndComesFromTheSyncingThread) {
  ASSERT_TRUE(journal_->syncs_in_groups());
  GroupSync sync(*journal_, 7);
  std::vector<std::future<std::pair<Outcome, std::thread::id>>> answers;
  std::vector<std::shared_ptr<std::promise<std::pair<Outcome, std::thread::id>>>> promises;
  for (int i = 0; i < 5; ++i) {
    auto appended = journal_->append("record " + std::to_string(i));
    ASSERT_TRUE(appended.ok());
    EXPECT_EQ(appended->ticket, static_cast<uint64_t>(i + 1));
    auto p = std::make_shared<std::promise<std::pair<Outcome, std::thread::id>>>();
    answers.push_back(p->get_future());
    Outcome out;
    out.status = 202;
    out.body = "answer " + std::to_string(i);
    sync.answer_after(appended->ticket, out, [p](Outcome o) {
      p->set_value({std::move(o), std::this_thread::get_id()});
    });
  }
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(answers[i].wait_for(std::chrono::seconds(10)), std::future_status::ready);
    auto [out, thread] = answers[i].get();
    EXPECT_EQ(out.status, 202);
    EXPECT_EQ(out.body, "answer " + std::to_string(i));
    EXPECT_NE(thread, std::this_thread::get_id());
  }
  // A ticket already synced is answered at once, on the caller's thread.
  std::thread::id answered_on;
  sync.answer_after(1, Outcome{}, [&](Outcome) { answered_on = std::this_thread::get_id(); });
  EXPECT_EQ(answered_on, std::this_thread::get_id());
}

TEST_F(GroupSyncTest, WhatWaitsIsAnsweredBeforeTheSyncStops) {
  auto appended = journal_->append("record");
  ASSERT_TRUE(appended.ok());
  std::optional<Outcome> got;
  {
    GroupSync sync(*journal_, 7);
    Outcome out;
    out.status = 202;
    sync.answer_after(appended->ticket, out, [&](Outcome o) { got = std::move(o); });
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, 202);
}

}  // namespace
}  // namespace lienthong::webhooks
