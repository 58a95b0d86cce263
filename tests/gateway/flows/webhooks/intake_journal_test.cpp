#include "gateway/flows/webhooks/intake_journal.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/flows/webhooks/intake_record.hpp"

namespace lienthong::webhooks {
namespace {

namespace fs = std::filesystem;

class IntakeJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wh_journal_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<IntakeJournal> open(std::vector<JournalRecord>& recovered,
                                      uint64_t segment_bytes = 1 << 20) {
    JournalOptions o;
    o.dir = dir_;
    o.segment_bytes = segment_bytes;
    auto j = IntakeJournal::open(o, recovered);
    EXPECT_TRUE(j.ok()) << (j.ok() ? "" : j.error().message);
    return j.ok() ? std::move(j).value() : nullptr;
  }
  std::vector<fs::path> files(const std::string& ext = ".log") {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ext) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST(JournalFrames, Crc32cMatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(JournalFrames, RoundTripAndStopAtAnIncompleteOrCorruptFrame) {
  std::string data = encode_frame("first") + encode_frame("second") + encode_frame("third record");
  size_t valid = 0;
  auto all = decode_frames(data, valid);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "first");
  EXPECT_EQ(all[1], "second");
  EXPECT_EQ(all[2], "third record");
  EXPECT_EQ(valid, data.size());

  // Cut inside the last frame: the first two remain, `valid` points at the cut frame.
  std::string torn = data.substr(0, data.size() - 3);
  auto two = decode_frames(torn, valid);
  EXPECT_EQ(two.size(), 2u);
  EXPECT_EQ(valid, encode_frame("first").size() + encode_frame("second").size());

  // Zeros (a segment's reserved, unwritten tail) end the records: an empty frame is
  // exactly eight zero bytes, since the CRC-32C of nothing is 0.
  std::string tail = encode_frame("first") + std::string(4096, '\0');
  auto before_zeros = decode_frames(tail, valid);
  ASSERT_EQ(before_zeros.size(), 1u);
  EXPECT_EQ(valid, encode_frame("first").size());

  // One flipped byte in the second frame's payload area fails its checksum.
  std::string bad = encode_frame("first") + encode_frame("second") + encode_frame("third");
  bad[encode_frame("first").size() + 8] ^= 0x01;
  auto one = decode_frames(bad, valid);
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(valid, encode_frame("first").size());

  // A length over the limit is not trusted.
  std::string huge = "\xff\xff\xff\xff" + std::string(4, '\0') + "x";
  EXPECT_TRUE(decode_frames(huge, valid).empty());
  EXPECT_EQ(valid, 0u);
}

TEST_F(IntakeJournalTest, RecordsAreReadBackInOrderAfterAReopenAndNewOnesGoToANewSegment) {
  std::vector<JournalRecord> rec;
  {
    auto j = open(rec);
    ASSERT_TRUE(j);
    EXPECT_TRUE(rec.empty());
    EXPECT_EQ(j->append("a")->segment, 1u);
    EXPECT_EQ(j->append("b")->segment, 1u);
  }
  auto j = open(rec);
  ASSERT_TRUE(j);
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec[0].payload, "a");
  EXPECT_EQ(rec[1].payload, "b");
  EXPECT_EQ(rec[0].segment, 1u);
  EXPECT_EQ(j->current_segment(), 2u);
  EXPECT_EQ(j->append("c")->segment, 2u);
  // Segment 1 is applied: deleted; the current one never is.
  j->retire_below(2);
  j->retire_below(100);
  auto left = files();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].filename(), "intake-000000000002.log");
}

TEST_F(IntakeJournalTest, ASegmentIsClosedOnceItPassesItsSize) {
  std::vector<JournalRecord> rec;
  auto j = open(rec, /*segment_bytes=*/20);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->append(std::string(30, 'x'))->segment, 1u);  // over 20 after this one
  EXPECT_EQ(j->append("y")->segment, 2u);
  EXPECT_EQ(j->append("z")->segment, 2u);
  EXPECT_EQ(files().size(), 2u);
  j.reset();
  auto again = open(rec, 20);
  ASSERT_EQ(rec.size(), 3u);
  EXPECT_EQ(rec[2].payload, "z");
  EXPECT_EQ(rec[2].segment, 2u);
}

TEST_F(IntakeJournalTest, TornTailOfTheLastSegmentIsIgnoredAndNothingAfterItIsLost) {
  std::vector<JournalRecord> rec;
  {
    auto j = open(rec);
    ASSERT_TRUE(j->append("kept").ok());
  }
  {
    // A crash cut the write of the next (unacknowledged) record short.
    std::ofstream f(dir_ / "intake-000000000001.log", std::ios::app | std::ios::binary);
    f << encode_frame("never acknowledged").substr(0, 11);
  }
  {
    auto j = open(rec);
    ASSERT_EQ(rec.size(), 1u);
    EXPECT_EQ(rec[0].payload, "kept");
    ASSERT_TRUE(j->append("after").ok());
  }
  rec.clear();
  auto j = open(rec);
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec[1].payload, "after");
  EXPECT_TRUE(files(".damaged").empty());
}

TEST_F(IntakeJournalTest, DamageBeforeTheLastSegmentKeepsACopyForTheOperator) {
  std::vector<JournalRecord> rec;
  { ASSERT_TRUE(open(rec)->append("one").ok()); }
  { ASSERT_TRUE(open(rec)->append("two").ok()); }
  {
    std::fstream f(dir_ / "intake-000000000001.log", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(9);
    f.put('X');  // inside the payload of "one"
  }
  rec.clear();
  auto j = open(rec);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0].payload, "two");
  ASSERT_EQ(files(".damaged").size(), 1u);
}

TEST_F(IntakeJournalTest, AClosedSegmentHoldsOnlyItsRecords) {
  std::vector<JournalRecord> rec;
  {
    auto j = open(rec);
    ASSERT_TRUE(j->append("one").ok());
    ASSERT_TRUE(j->append("two").ok());
    // While open, the file's space is reserved ahead of the records.
    EXPECT_GE(fs::file_size(dir_ / "intake-000000000001.log"), 1u << 20);
  }
  EXPECT_EQ(fs::file_size(dir_ / "intake-000000000001.log"),
            encode_frame("one").size() + encode_frame("two").size());
}

TEST_F(IntakeJournalTest, RecordsAppendedByAProcessThatDiedAreReadBackAndTheReservedTailIsCut) {
  std::vector<JournalRecord> rec;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Killed before the journal is closed: its segment keeps the reserved zeros.
    std::vector<JournalRecord> ignored;
    JournalOptions o;
    o.dir = dir_;
    auto j = IntakeJournal::open(o, ignored);
    bool ok = j.ok() && (*j)->append("first").ok() && (*j)->append("second").ok();
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_GE(fs::file_size(dir_ / "intake-000000000001.log"), 1u << 20);

  auto j = open(rec);
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec[0].payload, "first");
  EXPECT_EQ(rec[1].payload, "second");
  EXPECT_EQ(fs::file_size(dir_ / "intake-000000000001.log"),
            encode_frame("first").size() + encode_frame("second").size());
  EXPECT_TRUE(files(".damaged").empty());
}

TEST_F(IntakeJournalTest, WithoutTheMappingAndForARecordLargerThanItTheRecordsAreWritten) {
  for (bool mapping : {true, false}) {
    fs::remove_all(dir_);
    std::vector<JournalRecord> rec;
    const std::string big(3u << 20, 'b');  // larger than the mapping (segment size + 1 MiB)
    {
      JournalOptions o;
      o.dir = dir_;
      o.segment_bytes = 1u << 20;
      o.use_mapping = mapping;
      auto j = IntakeJournal::open(o, rec);
      ASSERT_TRUE(j.ok());
      EXPECT_EQ((*j)->append("small")->segment, 1u);
      EXPECT_EQ((*j)->append(big)->segment, 1u);
      EXPECT_EQ((*j)->append("after")->segment, 2u);
      EXPECT_EQ((*j)->append("last")->segment, 2u);
    }
    auto j = open(rec);
    ASSERT_EQ(rec.size(), 4u) << "mapping " << mapping;
    EXPECT_EQ(rec[0].payload, "small");
    EXPECT_EQ(rec[1].payload, big);
    EXPECT_EQ(rec[2].payload, "after");
    EXPECT_EQ(rec[3].payload, "last");
    EXPECT_EQ(rec[3].segment, 2u);
  }
}

TEST_F(IntakeJournalTest, GroupSyncCoversEveryRecordAppendedBeforeIt) {
  std::vector<JournalRecord> rec;
  JournalOptions o;
  o.dir = dir_;
  o.fsync = true;
  o.group_sync = true;
  o.segment_bytes = 64;
  {
    auto j = IntakeJournal::open(o, rec);
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->syncs_in_groups());
    auto nothing = (*j)->sync();
    ASSERT_TRUE(nothing.ok());
    EXPECT_EQ(nothing->through, 0u);
    auto a = (*j)->append("one");
    auto b = (*j)->append("two");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->ticket, 1u);
    EXPECT_EQ(b->ticket, 2u);
    auto synced = (*j)->sync();
    ASSERT_TRUE(synced.ok());
    EXPECT_EQ(synced->through, 2u);
    EXPECT_EQ(synced->failed_through, 0u);
    // A segment closed (and synced) on the way counts too: 64 bytes hold two records.
    auto c = (*j)->append(std::string(70, 'c'));
    auto d = (*j)->append("four");
    ASSERT_TRUE(c.ok() && d.ok());
    EXPECT_EQ(d->ticket, 4u);
    EXPECT_NE(c->segment, d->segment);
    synced = (*j)->sync();
    ASSERT_TRUE(synced.ok());
    EXPECT_EQ(synced->through, 4u);
    // Group sync never uses the mapping: the open segment holds exactly its records.
    EXPECT_EQ(fs::file_size(dir_ / ("intake-00000000000" + std::to_string(d->segment) + ".log")),
              encode_frame("four").size());
  }
  auto j = open(rec);
  ASSERT_EQ(rec.size(), 4u);
  EXPECT_EQ(rec[3].payload, "four");
}

TEST_F(IntakeJournalTest, SyncedOneByOneThroughTheMappingTheRecordsAreReadBack) {
  std::vector<JournalRecord> rec;
  JournalOptions o;
  o.dir = dir_;
  o.fsync = true;  // without group sync: each append is synced (msync) before it returns
  {
    auto j = IntakeJournal::open(o, rec);
    ASSERT_TRUE(j.ok());
    EXPECT_FALSE((*j)->syncs_in_groups());
    ASSERT_TRUE((*j)->append("one").ok());
    ASSERT_TRUE((*j)->append(std::string(5000, 't')).ok());  // across a page boundary
    ASSERT_TRUE((*j)->append("three").ok());
  }
  auto j = open(rec);
  ASSERT_EQ(rec.size(), 3u);
  EXPECT_EQ(rec[1].payload.size(), 5000u);
  EXPECT_EQ(rec[2].payload, "three");
}

TEST_F(IntakeJournalTest, AnEmptyRecordIsRefused) {
  std::vector<JournalRecord> rec;
  auto j = open(rec);
  auto r = j->append("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kValidation);
}

TEST_F(IntakeJournalTest, AFailedAppendLeavesNoPartialRecordAndReportsTheStoreError) {
  std::vector<JournalRecord> rec;
  auto j = open(rec, /*segment_bytes=*/1);
  ASSERT_TRUE(j->append("a").ok());
  fs::remove_all(dir_);
  auto r = j->append("b");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kStore);
  EXPECT_NE(r.error().message.find("cannot create"), std::string::npos);
  fs::create_directories(dir_);
  EXPECT_TRUE(j->append("c").ok());
}

IntakeRecord accepted_record() {
  IntakeRecord r;
  r.source = "dkkd";
  r.webhook_id = "msg_1";
  r.received_at_ms = 1'795'000'000'000;
  r.answer.body_hash = std::string(64, 'a');
  r.answer.status = 202;
  r.answer.outcome = "accepted";
  r.answer.body = R"({"status":"accepted"})";
  model::DossierStatusEvent e;
  e.source = "webhook:dkkd";
  e.dossier_code = "000.00.22.H56-261126-0001";
  e.procedure_code = "2.000031.000.00.00.H56";
  e.channel = 2;
  e.received_at_ms = 1'795'000'000'000;
  e.status = 4;
  e.status_at_ms = 1'795'000'000'000;
  e.owner_name = "Nguyễn Văn A";
  r.event = e;
  return r;
}

TEST(IntakeRecord, AnAcceptedEventRoundTrips) {
  IntakeRecord r = accepted_record();
  auto back = decode_record(encode_record(r));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->source, "dkkd");
  EXPECT_EQ(back->webhook_id, "msg_1");
  EXPECT_EQ(back->received_at_ms, r.received_at_ms);
  EXPECT_EQ(back->answer.status, 202);
  EXPECT_EQ(back->answer.body, r.answer.body);
  ASSERT_TRUE(back->event);
  EXPECT_EQ(back->event->dossier_code, r.event->dossier_code);
  EXPECT_EQ(back->event->owner_name, "Nguyễn Văn A");
  EXPECT_EQ(back->event->sequence, 0);
  EXPECT_FALSE(back->quarantine);
}

TEST(IntakeRecord, AQuarantinedDeliveryKeepsItsReasonAndRawBody) {
  IntakeRecord r = accepted_record();
  r.event.reset();
  r.quarantine = Error(ErrorKind::kMapping, "procedure code 'X' has no entry");
  r.body = "{\"raw\": \"\\u0000 body\"}";
  r.answer.outcome = "quarantined";
  auto back = decode_record(encode_record(r));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(back->quarantine);
  EXPECT_EQ(back->quarantine->kind, ErrorKind::kMapping);
  EXPECT_EQ(back->quarantine->message, r.quarantine->message);
  EXPECT_EQ(back->body, r.body);
  EXPECT_FALSE(back->event);
}

TEST(IntakeRecord, DecodingRefusesWhatItCannotTrust) {
  EXPECT_FALSE(decode_record("").ok());
  EXPECT_FALSE(decode_record("[]").ok());
  EXPECT_FALSE(decode_record(R"({"v":2})").ok());
  IntakeRecord r = accepted_record();
  r.answer.status = 500;
  EXPECT_FALSE(decode_record(encode_record(r)).ok());
  r = accepted_record();
  r.webhook_id.clear();
  EXPECT_FALSE(decode_record(encode_record(r)).ok());
  r = accepted_record();
  r.event.reset();  // neither an event nor a quarantine reason
  auto no_body = decode_record(encode_record(r));
  ASSERT_FALSE(no_body.ok());
  EXPECT_EQ(no_body.error().kind, ErrorKind::kParse);
}

TEST(IntakeRecord, ARecordOfAnotherKindRoundTripsWithoutAnEvent) {
  IntakeRecord r = accepted_record();
  r.event.reset();
  r.kind = "land_tax_notice";
  r.record = R"({"s":"ImportThongBaoThueFromDVCQG","l":"{\"n\":[]}"})";
  auto back = decode_record(encode_record(r));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->kind, "land_tax_notice");
  EXPECT_EQ(back->record, r.record);
  EXPECT_FALSE(back->event);
  EXPECT_FALSE(back->quarantine);
  std::string text = encode_record(r);
  text.replace(text.find("\"kind\":\"land_tax_notice\""), 24, "\"kind\":\"\"");
  EXPECT_FALSE(decode_record(text).ok()) << "an empty kind is refused";
}

}  // namespace
}  // namespace lienthong::webhooks
